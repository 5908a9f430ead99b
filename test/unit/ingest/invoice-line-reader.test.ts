import { describe, expect, it } from "vitest";
import { Cube } from "#domain/cube.ts";
import { monthIndex } from "#domain/month.ts";
import { hashBytes } from "#ingest/byte-values.ts";
import type { FieldRecord } from "#ingest/csv-records.ts";
import { InvoiceLineReader } from "#ingest/invoice-line-reader.ts";
import {
  type ColumnLayout,
  canonicalLayout,
  type DateFormat,
  layoutFromMapping,
  parseColumnMapping,
} from "#ingest/mapping.ts";
import type { Reject } from "#ingest/reject.ts";
import { utf8 } from "./byte-chunks.ts";

// Spelled out rather than taken from SAMPLE_COLUMNS: the tests pin field counts and positions of
// this canonical header ("expected 11 fields", the column a short row is blamed on).
const HEADERS = [
  "transaction_id",
  "date",
  "customer_id",
  "order_id",
  "revenue",
  "quantity",
  "cogs",
  "cost_freight",
  "cost_handling",
  "discount_rate",
  "category",
];

/** A row of HEADERS with sensible values, overridden by `changes`. */
function row(changes: Partial<Record<(typeof HEADERS)[number], string>> = {}): string[] {
  const values: Record<string, string> = {
    transaction_id: "T1",
    date: "2024-03-15",
    customer_id: "C1",
    order_id: "O1",
    revenue: "100.00",
    quantity: "2",
    cogs: "60.00",
    cost_freight: "5.00",
    cost_handling: "2.50",
    discount_rate: "0.10",
    category: "Chairs",
    ...changes,
  };
  return HEADERS.map((header) => values[header] as string);
}

function recordOf(fields: readonly string[], line: number): FieldRecord {
  const encoded = fields.map(utf8);
  const bytes = new Uint8Array(encoded.reduce((sum, field) => sum + field.length + 1, 0));
  const starts = new Int32Array(fields.length);
  const ends = new Int32Array(fields.length);
  let at = 0;
  encoded.forEach((field, f) => {
    starts[f] = at;
    bytes.set(field, at);
    at += field.length;
    ends[f] = at;
    at += 1;
  });
  return { bytes, count: fields.length, starts, ends, line };
}

interface ReaderSetup {
  headers?: readonly string[];
  layout?: ColumnLayout;
  dateFormat?: DateFormat;
  decimal?: "." | ",";
}

/** A reader over a fresh cube; `read` numbers its rows 2, 3, 4… as if under a header line. */
function lineReader(setup: ReaderSetup = {}) {
  const cube = Cube.empty();
  const layout = setup.layout ?? canonicalLayout(setup.headers ?? HEADERS, "orders.csv");
  const reader = new InvoiceLineReader(cube, {
    file: "orders.csv",
    layout,
    dateFormat: setup.dateFormat ?? "ISO",
    decimal: setup.decimal ?? ".",
    earliestMonth: monthIndex(1970, 1),
    latestMonth: monthIndex(2024, 7),
  });
  let line = 1;
  const read = (fields: readonly string[]): boolean => reader.read(recordOf(fields, ++line));
  /** The facts of the last accepted row, with ids turned back into values. */
  const facts = () => {
    const { facts } = reader;
    const category = cube.dimensionIndex("category");
    return {
      month: facts.month,
      customer: cube.dictionary(0).valueOf(facts.values[0] as number),
      category:
        category === undefined
          ? undefined
          : cube.dictionary(category).valueOf(facts.values[category] as number),
      revenue: facts.revenue,
      quantity: facts.quantity,
      cogs: facts.cogs,
      profit: facts.profit,
      discount: facts.discount,
      discountFine: facts.discountFine,
      costs: Object.fromEntries(cube.costComponents.map((name, k) => [name, facts.costs[k]])),
      orderHash: facts.orderHash,
    };
  };
  /** Reads one row that must be refused and returns its reject. */
  const refusal = (fields: readonly string[]) => {
    expect(read(fields)).toBe(false);
    return reader.lastReject;
  };
  return { cube, reader, read, facts, refusal };
}

/** The reject of one field of the first row after the header. */
function fieldReject(column: string, value: string, reason: string): Reject {
  return { line: 2, column, value, reason };
}

function orderHash(orderId: string): number {
  const bytes = utf8(orderId);
  return hashBytes(bytes, 0, bytes.length);
}

describe("InvoiceLineReader: accepted lines", () => {
  it("reads a line into its month, customer, dimension values and amounts in units of 1/10,000", () => {
    const { read, facts } = lineReader();
    expect(read(row())).toBe(true);
    expect(facts()).toEqual({
      month: monthIndex(2024, 3),
      customer: "C1",
      category: "Chairs",
      revenue: 1_000_000,
      quantity: 20_000,
      cogs: 600_000,
      profit: 325_000,
      // list 100 ÷ 0.9 = 111.1111…: 11.1111… off list, held as whole units and 1e-11 units
      discount: 111_111,
      discountFine: 11_111_111_111,
      costs: { freight: 50_000, handling: 25_000 },
      orderHash: orderHash("O1"),
    });
  });

  it("computes profit as revenue − cogs − every cost component", () => {
    const { read, facts } = lineReader();
    read(row({ revenue: "80", cogs: "50", cost_freight: "12.5", cost_handling: "20" }));
    expect(facts().profit).toBe(-25_000);
  });

  it("takes a given profit as it is, so total cost is revenue − profit", () => {
    const headers = ["transaction_id", "date", "customer_id", "revenue", "cogs", "profit"];
    const { read, facts } = lineReader({ headers });
    expect(read(["T1", "2024-03-15", "C1", "100", "60", "31.5"])).toBe(true);
    expect(facts()).toMatchObject({ revenue: 1_000_000, cogs: 600_000, profit: 315_000 });
  });

  it("accepts negative revenue, as credit notes carry", () => {
    const { read, facts } = lineReader();
    expect(
      read(row({ revenue: "-40", quantity: "-1", cogs: "-24", cost_freight: "0", cost_handling: "0" })),
    ).toBe(true);
    expect(facts()).toMatchObject({
      revenue: -400_000,
      quantity: -10_000,
      cogs: -240_000,
      profit: -160_000,
      // −40 × 0.1 ÷ 0.9 = −4.4444…: rounded down to whole units, the rest counted up from there
      discount: -44_445,
      discountFine: 55_555_555_556,
    });
  });

  it("counts blank optional numbers as zero", () => {
    const { read, facts } = lineReader();
    expect(
      read(row({ quantity: "", cogs: " ", cost_freight: "", cost_handling: "", discount_rate: "" })),
    ).toBe(true);
    expect(facts()).toMatchObject({
      revenue: 1_000_000,
      quantity: 0,
      cogs: 0,
      profit: 1_000_000,
      discount: 0,
      discountFine: 0,
      costs: { freight: 0, handling: 0 },
    });
  });

  it("takes the discount off list as net × rate ÷ (1 − rate), to 1e-15, accepting rates of 0, and 1 without revenue", () => {
    const { read, facts } = lineReader();
    read(row({ transaction_id: "T1", revenue: "200", discount_rate: "0.25" }));
    // list 200 ÷ 0.75 = 266.6666…: 66.66666666666666… off list, the last fine digit rounded half up
    expect(facts()).toMatchObject({ discount: 666_666, discountFine: 66_666_666_667 });
    read(row({ transaction_id: "T2", revenue: "200", discount_rate: "0" }));
    expect(facts()).toMatchObject({ discount: 0, discountFine: 0 });
    expect(read(row({ transaction_id: "T3", revenue: "0", discount_rate: "1" }))).toBe(true);
    expect(facts()).toMatchObject({ discount: 0, discountFine: 0 });
  });

  it("holds the discount of a large line exactly, past what a float64 product would keep", () => {
    const { read, facts } = lineReader();
    // 12,345,678,901.2345 × 0.0007 ÷ 0.9993 = 8,648,028.85105989189…: in units, 123,456,789,012,345 × 7
    // is past 2^53 already, yet the split into quotient and rest keeps every digit.
    read(row({ revenue: "12345678901.2345", discount_rate: "0.0007" }));
    expect(facts()).toMatchObject({ discount: 86_480_288_510, discountFine: 59_891_924_347 });
  });

  it("takes a discount amount as the discount off list, credit notes included", () => {
    const headers = ["transaction_id", "date", "customer_id", "revenue", "cogs", "discount_amount"];
    const { read, facts } = lineReader({ headers });
    expect(read(["T1", "2024-03-15", "C1", "90", "50", "10"])).toBe(true);
    expect(facts()).toMatchObject({ discount: 100_000, discountFine: 0 });
    expect(read(["T2", "2024-03-15", "C1", "0", "0", "0"])).toBe(true);
    expect(facts()).toMatchObject({ discount: 0, discountFine: 0 });
    expect(read(["T3", "2024-03-15", "C1", "-100", "-50", "-10"])).toBe(true);
    expect(facts()).toMatchObject({ discount: -100_000, discountFine: 0 });
  });

  it("reads amounts with a decimal comma and dots grouping thousands", () => {
    const { read, facts } = lineReader({ decimal: "," });
    read(
      row({
        revenue: "1.234,56",
        cogs: "1.000",
        cost_freight: "0,5",
        cost_handling: "",
        discount_rate: "0,1",
      }),
    );
    expect(facts()).toMatchObject({
      revenue: 12_345_600,
      cogs: 10_000_000,
      costs: { freight: 5_000, handling: 0 },
      // 1,234.56 × 0.1 ÷ 0.9 = 137.1733333…
      discount: 1_371_733,
      discountFine: 33_333_333_333,
    });
  });

  it("reads dates in the format it is given", () => {
    const { read, facts } = lineReader({ dateFormat: "DD/MM/YYYY" });
    expect(read(row({ date: "05/03/2024" }))).toBe(true);
    expect(facts().month).toBe(monthIndex(2024, 3));
  });

  it("counts each distinct invoice date of a customer as an order when there is no order id", () => {
    const headers = ["transaction_id", "date", "customer_id", "revenue", "cogs"];
    const { read, facts } = lineReader({ headers });
    read(["T1", "2024-03-15", "C1", "10", "5"]);
    expect(facts().orderHash).toBe(orderHash("2024-03-15"));
  });

  it("trims spaces around ids and dimension values", () => {
    const { read, facts } = lineReader();
    read(row({ customer_id: "  C7 ", category: " Desks\t" }));
    expect(facts()).toMatchObject({ customer: "C7", category: "Desks" });
  });

  it("reads the columns a mapping places, with its own header names", () => {
    const mapping = parseColumnMapping(
      {
        columns: {
          transactionId: "Row ID",
          date: "Order Date",
          customerId: "Customer ID",
          revenue: "Sales",
          profit: "Profit",
          discountRate: "Discount",
          costs: { freight: "Freight" },
          dimensions: { category: "Category" },
        },
      },
      "mapping.json",
    );
    const headers = [
      "Row ID",
      "Order Date",
      "Customer ID",
      "Category",
      "Sales",
      "Discount",
      "Profit",
      "Freight",
    ];
    const { read, facts } = lineReader({ layout: layoutFromMapping(mapping, headers, "orders.csv") });
    expect(read(["7", "2024-03-15", "C9", "Tables", "261.96", "0.2", "41.91", "4.50"])).toBe(true);
    expect(facts()).toEqual({
      month: monthIndex(2024, 3),
      customer: "C9",
      category: "Tables",
      revenue: 2_619_600,
      quantity: 0,
      cogs: 0,
      profit: 419_100,
      // 261.96 ÷ 0.8 = 327.45 list: 65.49 off it, exactly
      discount: 654_900,
      discountFine: 0,
      costs: { freight: 45_000 },
      orderHash: orderHash("2024-03-15"),
    });
  });
});

describe("InvoiceLineReader: rejects", () => {
  it("rejects a row without a transaction id, naming its line and column", () => {
    const { refusal } = lineReader();
    expect(refusal(row({ transaction_id: "  " }))).toEqual(
      fieldReject("transaction_id", "", "a transaction id is required"),
    );
  });

  it("rejects a row without a customer id", () => {
    const { refusal } = lineReader();
    expect(refusal(row({ customer_id: "" }))).toEqual(
      fieldReject("customer_id", "", "a customer id is required"),
    );
  });

  it("rejects a row without revenue", () => {
    const { refusal } = lineReader();
    expect(refusal(row({ revenue: " " }))).toEqual(fieldReject("revenue", " ", "a number is required here"));
  });

  it("rejects a row whose revenue is not a number, naming its line, column and value", () => {
    const { read, refusal } = lineReader();
    read(row({ transaction_id: "T1" }));
    expect(refusal(row({ transaction_id: "T2", revenue: "12.50 EUR" }))).toEqual({
      line: 3,
      column: "revenue",
      value: "12.50 EUR",
      reason: 'expected a number with "." as the decimal separator',
    });
  });

  it("refuses a dot-decimal amount in a decimal-comma batch rather than read it as thousands", () => {
    const { refusal } = lineReader({ decimal: "," });
    expect(refusal(row({ revenue: "100.00" }))).toEqual(
      fieldReject("revenue", "100.00", 'expected a number with "," as the decimal separator'),
    );
  });

  it("rejects numbers that are not finite: NaN, Infinity and 1e999", () => {
    const { refusal } = lineReader();
    expect(refusal(row({ cogs: "NaN" }))).toEqual(fieldReject("cogs", "NaN", "expected a finite number"));
    expect(refusal(row({ revenue: "Infinity" }))).toMatchObject({
      column: "revenue",
      reason: "expected a finite number",
    });
    expect(refusal(row({ quantity: "1e999" }))).toMatchObject({
      column: "quantity",
      reason: "expected a finite number",
    });
    expect(refusal(row({ cost_handling: "-inf" }))).toMatchObject({
      column: "cost_handling",
      reason: "expected a finite number",
    });
  });

  it("rejects an amount too large to sum exactly", () => {
    const { refusal } = lineReader();
    expect(refusal(row({ revenue: "250000000000" }))).toEqual(
      fieldReject("revenue", "250000000000", "expected a number smaller than 1e+11 in size"),
    );
  });

  it("rejects a blank profit when the file gives profit", () => {
    const headers = ["transaction_id", "date", "customer_id", "revenue", "profit"];
    const { refusal } = lineReader({ headers });
    expect(refusal(["T1", "2024-03-15", "C1", "100", ""])).toEqual(
      fieldReject("profit", "", "a number is required here"),
    );
  });

  it("rejects a discount rate outside [0, 1]", () => {
    const { refusal } = lineReader();
    expect(refusal(row({ discount_rate: "1.5" }))).toEqual(
      fieldReject("discount_rate", "1.5", "expected a discount rate from 0 to 1"),
    );
    expect(refusal(row({ discount_rate: "-0.1" }))).toMatchObject({
      column: "discount_rate",
      value: "-0.1",
      reason: "expected a discount rate from 0 to 1",
    });
    expect(refusal(row({ discount_rate: "15%" }))).toMatchObject({
      column: "discount_rate",
      reason: 'expected a number with "." as the decimal separator',
    });
  });

  it("rejects a discount rate of 1 on a line with revenue: no list price gives it", () => {
    const { refusal } = lineReader();
    expect(refusal(row({ revenue: "200", discount_rate: "1" }))).toEqual(
      fieldReject(
        "discount_rate",
        "1",
        "a discount rate of 1 leaves no revenue: expected a rate below 1 on a line with revenue",
      ),
    );
  });

  it("rejects a discount amount that is negative or larger than the gross revenue", () => {
    const headers = ["transaction_id", "date", "customer_id", "revenue", "cogs", "discount_amount"];
    const { refusal } = lineReader({ headers });
    const reason = "expected a discount between 0 and the line's gross revenue";
    expect(refusal(["T1", "2024-03-15", "C1", "100", "50", "-10"])).toEqual({
      line: 2,
      column: "discount_amount",
      value: "-10",
      reason,
    });
    expect(refusal(["T2", "2024-03-15", "C1", "-100", "-50", "10"])).toMatchObject({ line: 3, reason });
  });

  it("rejects unparseable, impossible and implausible dates with distinct reasons", () => {
    const { refusal } = lineReader();
    expect(refusal(row({ date: "15.03.2024" }))).toEqual(
      fieldReject("date", "15.03.2024", "expected a date as ISO"),
    );
    expect(refusal(row({ date: "2023-02-30" }))).toEqual({
      line: 3,
      column: "date",
      value: "2023-02-30",
      reason: "not a day of the calendar",
    });
    const implausible = "implausible date: expected a month from 1970-01 to 2024-07";
    expect(refusal(row({ date: "1969-12-31" }))).toEqual({
      line: 4,
      column: "date",
      value: "1969-12-31",
      reason: implausible,
    });
    expect(refusal(row({ date: "2024-08-01" }))).toMatchObject({
      line: 5,
      value: "2024-08-01",
      reason: implausible,
    });
    expect(refusal(row({ date: "1850-06-15" }))).toMatchObject({
      line: 6,
      value: "1850-06-15",
      reason: implausible,
    });
    expect(refusal(row({ date: "2999-01-01" }))).toMatchObject({
      line: 7,
      value: "2999-01-01",
      reason: implausible,
    });
  });

  it("accepts dates at both ends of the plausible range", () => {
    const { read, facts } = lineReader();
    expect(read(row({ transaction_id: "T1", date: "1970-01-01" }))).toBe(true);
    expect(facts().month).toBe(monthIndex(1970, 1));
    expect(read(row({ transaction_id: "T2", date: "2024-07-31" }))).toBe(true);
    expect(facts().month).toBe(monthIndex(2024, 7));
  });

  it("names the expected date format when a date does not read", () => {
    const { refusal } = lineReader({ dateFormat: "MM/DD/YYYY" });
    expect(refusal(row({ date: "2024-03-15" }))).toMatchObject({
      column: "date",
      reason: "expected a date as MM/DD/YYYY",
    });
  });

  it("rejects a row with fewer fields than the header, naming the first missing column", () => {
    const { refusal } = lineReader();
    expect(refusal(row().slice(0, 9))).toEqual(
      fieldReject("discount_rate", "", "expected 11 fields as in the header, found 9"),
    );
  });

  it("rejects a row with more fields than the header, naming no column", () => {
    const { refusal } = lineReader();
    expect(refusal([...row(), "extra"])).toEqual({
      line: 2,
      column: null,
      value: "",
      reason: "expected 11 fields as in the header, found 12",
    });
  });

  it("keeps the first row of a transaction id and rejects a later one, naming the first line", () => {
    const { read, refusal, facts } = lineReader();
    expect(read(row({ transaction_id: "T1", revenue: "10" }))).toBe(true);
    expect(read(row({ transaction_id: "T2" }))).toBe(true);
    expect(read(row({ transaction_id: "T3" }))).toBe(true);
    expect(refusal(row({ transaction_id: " T1 ", revenue: "99" }))).toEqual({
      line: 5,
      column: "transaction_id",
      value: " T1 ",
      reason: "duplicate transaction id: first seen on line 2",
    });
    expect(read(row({ transaction_id: "T4", revenue: "7" }))).toBe(true);
    expect(facts().revenue).toBe(70_000);
  });

  it("lets a later row claim the transaction id of a row that was rejected", () => {
    const { read, refusal } = lineReader();
    expect(refusal(row({ transaction_id: "T1", revenue: "oops" }))).toMatchObject({
      line: 2,
      column: "revenue",
    });
    expect(read(row({ transaction_id: "T1" }))).toBe(true);
    expect(refusal(row({ transaction_id: "T1" }))).toMatchObject({
      line: 4,
      reason: "duplicate transaction id: first seen on line 3",
    });
  });

  it("reports the first problem of a row in column order of the checks: id, date, customer, then amounts", () => {
    const { refusal } = lineReader();
    expect(refusal(row({ transaction_id: "", date: "bad", revenue: "bad" }))).toMatchObject({
      column: "transaction_id",
    });
    expect(refusal(row({ date: "bad", customer_id: "", revenue: "bad" }))).toMatchObject({ column: "date" });
    expect(refusal(row({ customer_id: "", revenue: "bad" }))).toMatchObject({ column: "customer_id" });
  });

  it("cuts a long offending value to 200 characters", () => {
    const { refusal } = lineReader();
    const reject = refusal(row({ revenue: "x".repeat(500) }));
    expect(reject.value).toBe("x".repeat(200));
  });

  it("has no reject to give after a line it accepted", () => {
    const { read, reader } = lineReader();
    read(row());
    expect(() => reader.lastReject).toThrow("the last line was not rejected");
  });
});
