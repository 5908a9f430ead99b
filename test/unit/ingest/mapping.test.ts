import { describe, expect, it } from "vitest";
import { IngestError } from "#ingest/ingest-error.ts";
import { canonicalLayout, layoutFromMapping, parseColumnMapping } from "#ingest/mapping.ts";
import { thrownBy } from "#test-support/thrown.ts";
import { SUPERSTORE_HEADERS, SUPERSTORE_MAPPING } from "./superstore-mapping.ts";

const MINIMAL_COLUMNS = {
  transactionId: "id",
  date: "day",
  customerId: "client",
  revenue: "net",
  cogs: "cost",
};

/** The message and issues of the INVALID_MAPPING error a document gets. */
function refusal(document: unknown): { message: string; issues: unknown } {
  try {
    parseColumnMapping(document, "mapping.json");
  } catch (error) {
    expect(error).toBeInstanceOf(IngestError);
    expect(error).toMatchObject({ code: "INVALID_MAPPING", details: { file: "mapping.json" } });
    return { message: (error as IngestError).message, issues: (error as IngestError).details.issues };
  }
  throw new Error("expected the mapping to be refused");
}

describe("parseColumnMapping", () => {
  it("accepts the documented mapping shape as it is", () => {
    expect(parseColumnMapping(SUPERSTORE_MAPPING, "mapping.json")).toEqual(SUPERSTORE_MAPPING);
  });

  it("defaults the date format to ISO and costs and dimensions to none, leaving format and separators open", () => {
    expect(parseColumnMapping({ columns: MINIMAL_COLUMNS }, "mapping.json")).toEqual({
      dateFormat: "ISO",
      columns: { ...MINIMAL_COLUMNS, costs: {}, dimensions: {} },
    });
  });

  it("trims spaces around column names", () => {
    const mapping = parseColumnMapping(
      { columns: { ...MINIMAL_COLUMNS, revenue: "  Net Sales " } },
      "m.json",
    );
    expect(mapping.columns.revenue).toBe("Net Sales");
  });

  it("refuses discountRate and discountAmount together, naming discountAmount", () => {
    expect(
      refusal({
        columns: { ...MINIMAL_COLUMNS, discountRate: "Discount", discountAmount: "Discount Value" },
      }),
    ).toEqual({
      message:
        "the column mapping is not valid: columns.discountAmount: give discountRate or discountAmount, not both",
      issues: ["columns.discountAmount: give discountRate or discountAmount, not both"],
    });
  });

  it("refuses a mapping with no cost at all, naming cogs", () => {
    const { cogs: _, ...withoutCosts } = MINIMAL_COLUMNS;
    expect(refusal({ columns: withoutCosts }).issues).toEqual([
      "columns.cogs: map at least one of cogs, costs or profit: without costs every line would look 100% profitable",
    ]);
  });

  it("accepts profit alone or cost components alone as the costs", () => {
    const { cogs: _, ...withoutCogs } = MINIMAL_COLUMNS;
    expect(
      parseColumnMapping({ columns: { ...withoutCogs, profit: "margin" } }, "m.json").columns.profit,
    ).toBe("margin");
    expect(
      parseColumnMapping({ columns: { ...withoutCogs, costs: { freight: "Freight" } } }, "m.json").columns
        .costs,
    ).toEqual({ freight: "Freight" });
  });

  it("refuses a missing required field, naming it", () => {
    const { transactionId: _, ...withoutId } = MINIMAL_COLUMNS;
    expect(refusal({ columns: withoutId }).issues).toEqual([
      "columns.transactionId: Invalid input: expected string, received undefined",
    ]);
  });

  it("refuses an empty column name, naming the field", () => {
    expect(refusal({ columns: { ...MINIMAL_COLUMNS, revenue: "  " } }).issues).toEqual([
      "columns.revenue: a column name cannot be empty",
    ]);
  });

  it("refuses an unknown delimiter, decimal separator, date format or file format, naming each", () => {
    const { issues } = refusal({
      format: "xlsx",
      delimiter: "|",
      decimal: "'",
      dateFormat: "DD.MM.YY",
      columns: MINIMAL_COLUMNS,
    });
    expect(issues).toHaveLength(4);
    const fields = (issues as string[]).map((issue) => issue.slice(0, issue.indexOf(":")));
    expect(fields).toEqual(["format", "delimiter", "decimal", "dateFormat"]);
    expect((issues as string[])[3]).toContain('"YYYY-MM-DD"');
  });

  it("refuses keys it does not know, at the top and among the columns", () => {
    expect(refusal({ sheet: "Orders", columns: MINIMAL_COLUMNS }).issues).toEqual([
      '(root): Unrecognized key: "sheet"',
    ]);
    expect(refusal({ columns: { ...MINIMAL_COLUMNS, amount: "Sales" } }).issues).toEqual([
      'columns: Unrecognized key: "amount"',
    ]);
  });

  it("refuses a dimension called customer, saying it is the built-in dimension", () => {
    expect(
      refusal({ columns: { ...MINIMAL_COLUMNS, dimensions: { customer: "Client Group" } } }).issues,
    ).toEqual([
      'columns.dimensions.customer: "customer" is the built-in dimension of customer ids; choose another name',
    ]);
  });

  it("refuses a cost component or dimension name that is not an identifier, saying what is allowed", () => {
    expect(
      refusal({
        columns: { ...MINIMAL_COLUMNS, costs: { "2nd freight": "Freight" }, dimensions: { "": "Region" } },
      }).issues,
    ).toEqual([
      "columns.costs.2nd freight: a name uses letters, digits and _ and starts with a letter",
      "columns.dimensions.: a name uses letters, digits and _ and starts with a letter",
    ]);
  });

  it("refuses a document that is not an object", () => {
    expect(refusal(null).issues).toEqual(["(root): Invalid input: expected object, received null"]);
    expect(refusal("csv").issues).toEqual(["(root): Invalid input: expected object, received string"]);
  });
});

describe("layoutFromMapping", () => {
  const mapping = parseColumnMapping(SUPERSTORE_MAPPING, "mapping.json");

  it("places every mapped field at its column index among the file's headers", () => {
    expect(layoutFromMapping(mapping, SUPERSTORE_HEADERS, "orders.csv")).toEqual({
      headers: SUPERSTORE_HEADERS,
      transactionId: 0,
      date: 2,
      customerId: 4,
      revenue: 7,
      orderId: 1,
      quantity: 8,
      cogs: 11,
      profit: 10,
      discountRate: 9,
      discountAmount: -1,
      costs: [
        { component: "freight", column: 12 },
        { component: "handling", column: 13 },
      ],
      dimensions: [
        { name: "channel", column: 3 },
        { name: "region", column: 5 },
        { name: "category", column: 6 },
      ],
    });
  });

  it("gives −1 for every optional field the mapping leaves out", () => {
    const minimal = parseColumnMapping({ columns: MINIMAL_COLUMNS }, "m.json");
    expect(layoutFromMapping(minimal, ["client", "net", "id", "cost", "day"], "orders.csv")).toEqual({
      headers: ["client", "net", "id", "cost", "day"],
      transactionId: 2,
      date: 4,
      customerId: 0,
      revenue: 1,
      orderId: -1,
      quantity: -1,
      cogs: 3,
      profit: -1,
      discountRate: -1,
      discountAmount: -1,
      costs: [],
      dimensions: [],
    });
  });

  it("matches a header that differs only in letter case", () => {
    const minimal = parseColumnMapping({ columns: { ...MINIMAL_COLUMNS, revenue: "Net" } }, "m.json");
    expect(layoutFromMapping(minimal, ["ID", "DAY", "Client", "NET", "Cost"], "f.csv")).toMatchObject({
      transactionId: 0,
      date: 1,
      customerId: 2,
      revenue: 3,
      cogs: 4,
    });
  });

  it("refuses a mapped name two columns answer to, in any case, naming both and their positions", () => {
    const minimal = parseColumnMapping({ columns: { ...MINIMAL_COLUMNS, revenue: "Net" } }, "m.json");
    const error = thrownBy(() =>
      layoutFromMapping(minimal, ["id", "day", "client", "NET", "Net", "cost"], "f.csv"),
    );
    expect(error).toMatchObject({
      code: "DUPLICATE_COLUMN",
      details: { file: "f.csv", line: 1, columns: [4, 5] },
    });
    expect((error as Error).message).toBe(
      'columns "NET" (column 4) and "Net" (column 5) would both be read as revenue ("Net"): rename or remove one of them',
    );
    // A column the mapping does not name may repeat: it is not read.
    expect(
      layoutFromMapping(minimal, ["id", "day", "client", "Net", "cost", "note", "note"], "f.csv").revenue,
    ).toBe(3);
  });

  it("fails with MISSING_COLUMN naming the missing column and its field and listing the headers found", () => {
    const headers = SUPERSTORE_HEADERS.filter((header) => header !== "Freight");
    const error = thrownBy(() => layoutFromMapping(mapping, headers, "orders.csv"));
    expect(error).toBeInstanceOf(IngestError);
    expect(error).toMatchObject({
      code: "MISSING_COLUMN",
      message: `the mapping names column "Freight" for costs.freight, but the file has no such column; headers found: ${headers.join(", ")}`,
      details: { file: "orders.csv", line: 1, column: "Freight", field: "costs.freight", headers },
    });
  });
});

describe("canonicalLayout", () => {
  const CANONICAL = ["transaction_id", "date", "customer_id", "revenue", "cogs"];

  it.each([
    [["revenue"], "revenue", [4, 6]],
    [["Revenue "], "revenue", [4, 6]],
    [["channel", "Channel"], "dimension channel", [6, 7]],
    [["Ship Mode", "ship-mode"], "dimension Ship_Mode", [6, 7]],
    [["cost_freight", "COST_FREIGHT"], "cost component freight", [6, 7]],
  ])("refuses %j beside the canonical columns: both would be read as %s", (extra, what, columns) => {
    const headers = [...CANONICAL, ...extra];
    const error = thrownBy(() => canonicalLayout(headers, "orders.csv"));
    expect(error).toMatchObject({
      code: "DUPLICATE_COLUMN",
      details: { file: "orders.csv", line: 1, columns },
    });
    expect((error as Error).message).toContain(`would both be read as ${what}`);
  });

  it("reads headers named like Object's own properties as dimensions of their own", () => {
    const names = ["constructor", "toString", "hasOwnProperty", "valueOf", "__proto__"];
    const layout = canonicalLayout([...CANONICAL, ...names], "orders.csv");
    expect(layout.dimensions.map((dimension) => dimension.name)).toEqual([
      "constructor",
      "toString",
      "hasOwnProperty",
      "valueOf",
      "proto",
    ]);
    expect(layout.dimensions.map((dimension) => dimension.column)).toEqual([5, 6, 7, 8, 9]);
    expect(layout).toMatchObject({ revenue: 3, cogs: 4, profit: -1, orderId: -1 });
  });

  it("reads canonical headers, cost_<component> and dim_<name> columns without a mapping", () => {
    // The canonical names are the contract under test, so they are spelled out, not imported.
    const headers = [
      "transaction_id",
      "date",
      "customer_id",
      "order_id",
      "revenue",
      "quantity",
      "cogs",
      "profit",
      "discount_rate",
      "cost_freight",
      "cost_handling",
      "dim_channel",
      "region",
    ];
    expect(canonicalLayout(headers, "orders.csv")).toEqual({
      headers,
      transactionId: 0,
      date: 1,
      customerId: 2,
      revenue: 4,
      orderId: 3,
      quantity: 5,
      cogs: 6,
      profit: 7,
      discountRate: 8,
      discountAmount: -1,
      costs: [
        { component: "freight", column: 9 },
        { component: "handling", column: 10 },
      ],
      dimensions: [
        { name: "channel", column: 11 },
        { name: "region", column: 12 },
      ],
    });
  });

  it("matches canonical headers in any letter case and reads discount_amount", () => {
    const headers = ["Transaction_ID", "DATE", "Customer_Id", "Revenue", "discount_amount", "Cost_Freight"];
    expect(canonicalLayout(headers, "orders.csv")).toMatchObject({
      transactionId: 0,
      date: 1,
      customerId: 2,
      revenue: 3,
      discountAmount: 4,
      discountRate: -1,
      cogs: -1,
      costs: [{ component: "freight", column: 5 }],
      dimensions: [],
    });
  });

  it("makes every other column a dimension whose name can stand in a scheme id, skipping blank headers", () => {
    const headers = [
      "transaction_id",
      "date",
      "customer_id",
      "revenue",
      "cogs",
      "Ship Mode",
      "2nd tier",
      "customer",
      "",
    ];
    expect(canonicalLayout(headers, "orders.csv").dimensions).toEqual([
      { name: "Ship_Mode", column: 5 },
      { name: "d_2nd_tier", column: 6 },
      { name: "customer_attribute", column: 7 },
    ]);
  });

  it("fails with MISSING_COLUMN listing every missing required canonical column and the headers found", () => {
    const headers = ["id", "date", "client", "revenue", "cogs"];
    const error = thrownBy(() => canonicalLayout(headers, "orders.csv"));
    expect(error).toBeInstanceOf(IngestError);
    expect(error).toMatchObject({
      code: "MISSING_COLUMN",
      message:
        "no column mapping was given and the header lacks the canonical columns transaction_id, customer_id; headers found: id, date, client, revenue, cogs. Rename the columns or pass a mapping that names yours.",
      details: { file: "orders.csv", line: 1, column: "transaction_id", headers },
    });
  });

  it("fails with MISSING_COLUMN when the header gives no cost, profit or cost component", () => {
    const headers = ["transaction_id", "date", "customer_id", "revenue", "region"];
    expect(thrownBy(() => canonicalLayout(headers, "orders.csv"))).toMatchObject({
      code: "MISSING_COLUMN",
      message: `the file gives no costs: add a cogs, profit or cost_<component> column (headers found: ${headers.join(", ")})`,
      details: { file: "orders.csv", line: 1, column: "cogs", headers },
    });
  });

  it("accepts profit alone or a cost component alone as the costs", () => {
    expect(
      canonicalLayout(["transaction_id", "date", "customer_id", "revenue", "profit"], "f.csv").profit,
    ).toBe(4);
    expect(
      canonicalLayout(["transaction_id", "date", "customer_id", "revenue", "cost_returns"], "f.csv").costs,
    ).toEqual([{ component: "returns", column: 4 }]);
  });
});
