import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type CanonicalSegment, canonicalCube } from "#domain/canonical-cube.ts";
import { monthIndex } from "#domain/month.ts";
import { hashBytes } from "#ingest/byte-values.ts";
import { type IngestOptions, type IngestReport, ingest } from "#ingest/ingest.ts";
import { IngestError } from "#ingest/ingest-error.ts";
import { parseColumnMapping } from "#ingest/mapping.ts";
import type { Reject } from "#ingest/reject.ts";
import { concatBytes, everySplit, inChunksOf, singleBytes, streamOf, utf8 } from "./byte-chunks.ts";
import { SUPERSTORE_HEADERS, SUPERSTORE_MAPPING } from "./superstore-mapping.ts";

/** "Now" for every batch: dates after July 2024 are implausible. */
const NOW = new Date("2024-06-15T12:00:00Z");
const JAN = monthIndex(2024, 1);
const MAR = monthIndex(2024, 3);
const APR = monthIndex(2024, 4);

function run(input: AsyncIterable<Uint8Array>, options: Partial<IngestOptions> = {}): Promise<IngestReport> {
  return ingest(input, { file: "orders.csv", now: NOW, ...options });
}

function runText(text: string, options: Partial<IngestOptions> = {}): Promise<IngestReport> {
  return run(streamOf(utf8(text)), options);
}

async function failure(batch: Promise<unknown>): Promise<IngestError> {
  try {
    await batch;
  } catch (error) {
    if (error instanceof IngestError) return error;
    throw error;
  }
  throw new Error("expected the batch to fail with an IngestError");
}

function segmentsOf(report: IngestReport, schemeId: string): CanonicalSegment[] {
  const scheme = canonicalCube(report.cube).schemes.find((candidate) => candidate.id === schemeId);
  if (!scheme) throw new Error(`no scheme ${schemeId}`);
  return scheme.segments;
}

/** The month figures of a scheme, per segment value, as { month → figures }. */
function monthFigures(report: IngestReport, schemeId: string) {
  return Object.fromEntries(
    segmentsOf(report, schemeId).map((segment) => [
      segment.values.join("+"),
      Object.fromEntries(segment.months.map(({ month, figures }) => [month, figures])),
    ]),
  );
}

/** Everything a report says, in comparable form. */
function summary(report: IngestReport) {
  const { cube, ...rest } = report;
  return { ...rest, cube: canonicalCube(cube) };
}

function orderHash(orderId: string): number {
  const bytes = utf8(orderId);
  return hashBytes(bytes, 0, bytes.length);
}

function twoSmallest(...hashes: number[]): [number, number] {
  const [low = 0, high = 0] = [...new Set(hashes)].sort((a, b) => a - b);
  return [low, high];
}

/** Canonical month figures; amounts in units of 1/10,000. */
function figures(
  lines: number,
  revenue: number,
  cogs: number,
  profit: number,
  quantity: number,
  discount: number,
  discountFine = 0,
) {
  return { lines, revenue, cogs, profit, quantity, discount, discountFine };
}

const SALES_CSV = `transaction_id,date,customer_id,order_id,revenue,quantity,cogs,cost_freight,discount_rate,category,region
T1,2024-01-05,C1,O1,100.00,2,60.00,5.00,0.10,Chairs,North
T2,2024-01-20,C1,O2,50.00,1,20.00,2.50,0,Tables,North
T3,2024-03-02,C2,O3,-30.00,-1,-18.00,0,0,Chairs,North
T4,2024-03-09,C2,O3,200.00,4,150.00,10.00,0.25,Chairs,South
T5,2024-04-11,C1,O4,10.00,1,4.00,1.00,,Chairs,South
`;

/** `count` valid canonical rows, numbered from line 2, with revenue 10 and cogs 6 each. */
function validRows(count: number, firstId = 1): string[] {
  return Array.from(
    { length: count },
    (_, i) => `T${firstId + i},2024-02-0${1 + (i % 9)},C${i % 4},10,6,North`,
  );
}

const SMALL_HEADER = "transaction_id,date,customer_id,revenue,cogs,region";

/** A file of SMALL_HEADER and these rows, each line ending in a newline. */
function smallCsv(rows: readonly string[]): string {
  return `${SMALL_HEADER}\n${rows.join("\n")}\n`;
}

function reject(line: number, column: string | null, value: string, reason: string): Reject {
  return { line, column, value, reason };
}

/** The reject of a row whose revenue is not a number. */
function badRevenue(line: number, value = "abc"): Reject {
  return reject(line, "revenue", value, 'expected a number with "." as the decimal separator');
}

/** SMALL_HEADER over `count` valid rows, some of them replaced: { index → row }. */
function smallCsvWith(count: number, replaced: Readonly<Record<number, string>>): string {
  const rows = validRows(count);
  for (const [index, row] of Object.entries(replaced)) rows[Number(index)] = row;
  return smallCsv(rows);
}

describe("ingest: sums in the cube", () => {
  it("reports the file's format, headers, default schemes and row counts", async () => {
    const report = await runText(SALES_CSV);
    expect(summary(report)).toMatchObject({
      file: "orders.csv",
      format: "csv",
      headers: SALES_CSV.slice(0, SALES_CSV.indexOf("\n")).split(","),
      schemes: ["category", "region", "customer"],
      rows: 5,
      accepted: 5,
      rejected: 0,
      firstRejects: [],
      cube: { breadthDimension: "category", costComponents: ["freight"] },
    });
  });

  it("adds revenue, cogs, profit, quantity, the discount off list and cost components per segment and month exactly", async () => {
    const report = await runText(SALES_CSV);
    expect(monthFigures(report, "region")).toEqual({
      North: {
        // 100 at 10% off: 100 ÷ 0.9 − 100 = 11.1111…
        [JAN]: {
          ...figures(2, 1_500_000, 800_000, 625_000, 30_000, 111_111, 11_111_111_111),
          "cost:freight": 75_000,
        },
        [MAR]: { ...figures(1, -300_000, -180_000, -120_000, -10_000, 0), "cost:freight": 0 },
      },
      South: {
        // 200 at 25% off: 200 ÷ 0.75 − 200 = 66.6666…
        [MAR]: {
          ...figures(1, 2_000_000, 1_500_000, 400_000, 40_000, 666_666, 66_666_666_667),
          "cost:freight": 100_000,
        },
        [APR]: { ...figures(1, 100_000, 40_000, 50_000, 10_000, 0), "cost:freight": 10_000 },
      },
    });
  });

  it("keeps per segment and customer: revenue, profit, lines, first and last month, active months, categories, orders", async () => {
    const report = await runText(SALES_CSV);
    expect(segmentsOf(report, "region").map((segment) => [segment.values, segment.customers])).toEqual([
      [
        ["North"],
        [
          {
            customer: "C1",
            revenue: 1_500_000,
            profit: 625_000,
            lines: 2,
            orderHashes: twoSmallest(orderHash("O1"), orderHash("O2")),
            firstMonth: JAN,
            lastMonth: JAN,
            activeMonths: [JAN],
            categories: ["Chairs", "Tables"],
          },
          {
            customer: "C2",
            revenue: -300_000,
            profit: -120_000,
            lines: 1,
            orderHashes: [orderHash("O3"), 0],
            firstMonth: MAR,
            lastMonth: MAR,
            activeMonths: [MAR],
            categories: ["Chairs"],
          },
        ],
      ],
      [
        ["South"],
        [
          {
            customer: "C1",
            revenue: 100_000,
            profit: 50_000,
            lines: 1,
            orderHashes: [orderHash("O4"), 0],
            firstMonth: APR,
            lastMonth: APR,
            activeMonths: [APR],
            categories: ["Chairs"],
          },
          {
            customer: "C2",
            revenue: 2_000_000,
            profit: 400_000,
            lines: 1,
            orderHashes: [orderHash("O3"), 0],
            firstMonth: MAR,
            lastMonth: MAR,
            activeMonths: [MAR],
            categories: ["Chairs"],
          },
        ],
      ],
    ]);
  });

  it("sees a repeat customer only when it has two distinct orders, over all its months", async () => {
    const report = await runText(SALES_CSV);
    const customers = segmentsOf(report, "customer").flatMap((segment) => segment.customers);
    expect(customers).toEqual([
      {
        customer: "C1",
        revenue: 1_600_000,
        profit: 675_000,
        lines: 3,
        orderHashes: twoSmallest(orderHash("O1"), orderHash("O2"), orderHash("O4")),
        firstMonth: JAN,
        lastMonth: APR,
        activeMonths: [JAN, APR],
        categories: ["Chairs", "Tables"],
      },
      {
        customer: "C2",
        revenue: 1_700_000,
        profit: 280_000,
        lines: 2,
        orderHashes: [orderHash("O3"), 0],
        firstMonth: MAR,
        lastMonth: MAR,
        activeMonths: [MAR],
        categories: ["Chairs"],
      },
    ]);
    expect(customers[0]?.orderHashes[1]).not.toBe(0);
  });

  it("takes profit from a profit column as given instead of revenue − cogs − costs", async () => {
    const report = await runText(
      "transaction_id,date,customer_id,revenue,cogs,cost_freight,profit,region\nT1,2024-01-05,C1,100,60,5,12.5,North\n",
    );
    expect(monthFigures(report, "region")).toEqual({
      North: { [JAN]: { ...figures(1, 1_000_000, 600_000, 125_000, 0, 0), "cost:freight": 50_000 } },
    });
  });

  it("takes a discount amount as the discount off list price, as given", async () => {
    const report = await runText(
      "transaction_id,date,customer_id,revenue,cogs,discount_amount,region\nT1,2024-01-05,C1,90,50,10,North\nT2,2024-01-06,C1,75,50,25,North\n",
    );
    expect(monthFigures(report, "region")).toEqual({
      North: { [JAN]: figures(2, 1_650_000, 1_000_000, 650_000, 0, 100_000 + 250_000) },
    });
  });

  it("scores the schemes it is asked for, and fails with UNKNOWN_DIMENSION for a dimension the file lacks", async () => {
    const report = await runText(SALES_CSV, { schemes: [["region", "category"]] });
    expect(report.schemes).toEqual(["region+category"]);
    expect(segmentsOf(report, "region+category").map((segment) => segment.values)).toEqual([
      ["North", "Chairs"],
      ["North", "Tables"],
      ["South", "Chairs"],
    ]);

    const error = await failure(runText(SALES_CSV, { schemes: [["region"], ["channel"]] }));
    expect(error.code).toBe("UNKNOWN_DIMENSION");
    expect(error.details).toEqual({
      file: "orders.csv",
      line: 1,
      column: "channel",
      available: ["category", "region", "customer"],
    });
    expect(error.message).toContain('"channel"');
  });

  it("keeps thousands of distinct customers and dimension values apart", async () => {
    const rows = Array.from(
      { length: 3000 },
      (_, i) => `T${i},2024-02-01,customer-${i},${i + 1},0,R${i % 700}`,
    );
    const report = await runText(smallCsv(rows));
    const customers = segmentsOf(report, "customer");
    expect(customers).toHaveLength(3000);
    const revenueOf = new Map(
      customers.map((segment) => [segment.values[0], segment.months[0]?.figures.revenue]),
    );
    for (let i = 0; i < 3000; i++) expect(revenueOf.get(`customer-${i}`)).toBe((i + 1) * 10_000);
    const regions = segmentsOf(report, "region");
    expect(regions).toHaveLength(700);
    expect(regions.find((segment) => segment.values[0] === "R5")?.months[0]?.figures.lines).toBe(5);
  });

  it("measures breadth on the dimension it is told to", async () => {
    const report = await runText(SALES_CSV, { breadthDimension: "region" });
    const customers = segmentsOf(report, "customer").flatMap((segment) => segment.customers);
    expect(customers.map((customer) => [customer.customer, customer.categories])).toEqual([
      ["C1", ["North", "South"]],
      ["C2", ["North", "South"]],
    ]);
  });
});

describe("ingest: CSV dialects", () => {
  it("sniffs a semicolon delimiter and then reads decimal commas with dot thousands grouping", async () => {
    const report = await runText(
      'transaction_id;date;customer_id;revenue;cogs;region\nT1;2024-01-05;C1;1.234,56;1.000;Nord\nT2;2024-01-06;C2;"2,5";1;Süd\n',
    );
    expect(report.headers).toEqual(["transaction_id", "date", "customer_id", "revenue", "cogs", "region"]);
    expect(monthFigures(report, "region")).toEqual({
      Nord: { [JAN]: figures(1, 12_345_600, 10_000_000, 2_345_600, 0, 0) },
      Süd: { [JAN]: figures(1, 25_000, 10_000, 15_000, 0, 0) },
    });
  });

  it("sniffs a tab delimiter, with the decimal point", async () => {
    const report = await runText(
      "transaction_id\tdate\tcustomer_id\trevenue\tcogs\tregion\nT1\t2024-01-05\tC1\t1,234.5\t1000\tNorth, East\n",
    );
    expect(monthFigures(report, "region")).toEqual({
      "North, East": { [JAN]: figures(1, 12_345_000, 10_000_000, 2_345_000, 0, 0) },
    });
  });

  it("uses the delimiter and decimal separator a mapping names over what it would sniff", async () => {
    const mapping = parseColumnMapping(
      {
        delimiter: ";",
        decimal: ".",
        columns: { transactionId: "id", date: "day", customerId: "client", revenue: "net", cogs: "cost" },
      },
      "mapping.json",
    );
    const report = await runText("id;day;client;net;cost\nT1;2024-01-05;C1;1,234.5;1000\n", { mapping });
    expect(monthFigures(report, "customer")).toEqual({
      C1: { [JAN]: figures(1, 12_345_000, 10_000_000, 2_345_000, 0, 0) },
    });
  });

  it("reads a UTF-8 BOM, CRLF endings, blank lines and a last row without a newline; blank lines are not rows", async () => {
    const text = `\uFEFF${SMALL_HEADER}\r\n\r\nT1,2024-01-05,C1,10,6,North\r\n\r\nT2,2024-01-06,C2,20,12,North`;
    const report = await runText(text);
    expect(report.headers).toEqual(SMALL_HEADER.split(","));
    expect(report.rows).toBe(2);
    expect(monthFigures(report, "region")).toEqual({
      North: { [JAN]: figures(2, 300_000, 180_000, 120_000, 0, 0) },
    });
  });

  it("keeps a newline inside a quoted value and gives rejects after it their true line", async () => {
    const rows = validRows(30).map((row, i) => (i === 0 ? row.replace("North", '"North\nWest"') : row));
    rows[24] = "T99,2024-02-01,C1,ten,6,North";
    const rejects: Reject[] = [];
    const report = await runText(smallCsv(rows), {
      onReject: (r) => rejects.push(r),
    });
    expect(Object.keys(monthFigures(report, "region")).sort()).toEqual(["North", "North\nWest"]);
    expect(rejects).toEqual([badRevenue(27, "ten")]);
  });

  it("rejects a row with the wrong number of fields, naming its line", async () => {
    const report = await runText(
      smallCsvWith(25, { 3: "T4,2024-02-01,C1,10", 5: "T6,2024-02-01,C1,10,6,North,extra" }),
      { rejectRatio: 0.1 },
    );
    expect(report.firstRejects).toEqual([
      { line: 5, column: "cogs", value: "", reason: "expected 6 fields as in the header, found 4" },
      { line: 7, column: null, value: "", reason: "expected 6 fields as in the header, found 7" },
    ]);
    expect(report).toMatchObject({ rows: 25, accepted: 23, rejected: 2 });
  });

  it("rejects a row with text after a closing quote, naming its line", async () => {
    const report = await runText(smallCsvWith(25, { 9: 'T10,2024-02-01,C1,"10"0,6,North' }));
    expect(report.firstRejects).toEqual([
      reject(
        11,
        null,
        "",
        "field 4 has text after its closing quote: quote the whole field and double any quote inside it",
      ),
    ]);
    expect(report).toMatchObject({ rows: 25, accepted: 24, rejected: 1 });
  });

  it("fails the batch with MALFORMED_CSV when a quote is never closed", async () => {
    const error = await failure(runText(smallCsvWith(25, { 19: 'T20,2024-02-01,C1,10,6,"North' })));
    expect(error.code).toBe("MALFORMED_CSV");
    expect(error.details).toEqual({ file: "orders.csv", line: 21 });
    expect(error.message).toContain("never closed");
  });

  it("fails the batch with MALFORMED_CSV when the header itself has text after a closing quote", async () => {
    const error = await failure(
      runText(`"transaction_id"x,date,customer_id,revenue,cogs\n${validRows(3).join("\n")}\n`),
    );
    expect(error.code).toBe("MALFORMED_CSV");
    expect(error.details).toEqual({ file: "orders.csv", line: 1 });
    expect(error.message).toContain("header");
    expect(error.message).toContain("text after its closing quote");
  });
});

describe("ingest: NDJSON", () => {
  /** `count` valid lines of customer C1 in January 2024, with revenue 10 and cogs 4 each. */
  const validJsonLines = (count: number): string[] =>
    Array.from(
      { length: count },
      (_, i) => `{"transaction_id":"T${i}","date":"2024-01-05","customer_id":"C1","revenue":10,"cogs":4}`,
    );

  const NDJSON =
    '{"transaction_id":"T1","date":"2024-01-05","customer_id":"C1","revenue":100.5,"cogs":"60","region":"North"}\n' +
    '{"transaction_id":2,"date":"2024-01-06","customer_id":"C2","revenue":"20","region":"North"}\n';

  it("is recognised by a line starting with { and reads JSON numbers and strings alike", async () => {
    const report = await run(streamOf(utf8(`\n  ${NDJSON}`)), { file: "orders.txt" });
    expect(report).toMatchObject({
      format: "ndjson",
      headers: ["transaction_id", "date", "customer_id", "revenue", "cogs", "region"],
      rows: 2,
      accepted: 2,
    });
    expect(monthFigures(report, "region")).toEqual({
      North: { [JAN]: figures(2, 1_205_000, 600_000, 605_000, 0, 0) },
    });
  });

  it("rejects a line with a missing required key, and counts a missing optional one as zero", async () => {
    const lines = validJsonLines(24);
    lines.push('{"transaction_id":"T99","date":"2024-01-05","customer_id":"C1","cogs":4}');
    lines.push('{"transaction_id":"T98","date":"2024-01-05","customer_id":"C1","revenue":10}');
    const report = await runText(lines.join("\n"), { rejectRatio: 0.1 });
    expect(report.firstRejects).toEqual([
      { line: 25, column: "revenue", value: "", reason: "a number is required here" },
    ]);
    expect(monthFigures(report, "customer")).toEqual({
      C1: { [JAN]: figures(25, 2_500_000, 960_000, 1_540_000, 0, 0) },
    });
  });

  it("rejects a line that is not JSON, naming its line", async () => {
    const lines = validJsonLines(25);
    lines.splice(4, 0, "transaction_id,date,customer_id");
    const report = await runText(lines.join("\n"));
    expect(report).toMatchObject({ rows: 26, accepted: 25, rejected: 1 });
    expect(report.firstRejects).toHaveLength(1);
    expect(report.firstRejects[0]).toMatchObject({ line: 5, column: null, value: "" });
    expect(report.firstRejects[0]?.reason).toMatch(/^not valid JSON/);
  });

  it("reads NDJSON a mapping declares, with the mapping's key names", async () => {
    const mapping = parseColumnMapping(
      {
        format: "ndjson",
        columns: { transactionId: "id", date: "day", customerId: "client", revenue: "net", cogs: "cost" },
      },
      "mapping.json",
    );
    const report = await runText('{"id":"A","day":"2024-01-31","client":"K","net":3,"cost":1}', { mapping });
    expect(report.format).toBe("ndjson");
    expect(monthFigures(report, "customer")).toEqual({
      K: { [JAN]: figures(1, 30_000, 10_000, 20_000, 0, 0) },
    });
  });

  it("fails the batch with MALFORMED_NDJSON when the first line starts like JSON but is not", async () => {
    const error = await failure(runText('{"transaction_id": "T1", \n{"transaction_id":"T2"}\n'));
    expect(error.code).toBe("MALFORMED_NDJSON");
    expect(error.details).toEqual({ file: "orders.csv", line: 1 });
  });
});

describe("ingest: files that cannot be read", () => {
  it("inflates gzip recognised by its magic bytes, whatever the file is called", async () => {
    const plain = await runText(SALES_CSV);
    const zipped = await run(streamOf(gzipSync(utf8(SALES_CSV))), { file: "orders.csv" });
    expect(summary(zipped)).toEqual(summary(plain));
  });

  it("fails with TRUNCATED_GZIP when the gzip file is cut off", async () => {
    const compressed = gzipSync(utf8(SALES_CSV));
    const error = await failure(
      run(streamOf(compressed.subarray(0, compressed.length - 20)), { file: "a.csv.gz" }),
    );
    expect(error.code).toBe("TRUNCATED_GZIP");
    expect(error.details).toEqual({ file: "a.csv.gz" });
    expect(error.message).toContain("send the whole file again");
  });

  it("fails with NOT_UTF8 naming the line of a Latin-1 byte, plain or gzip", async () => {
    // "Zürich" as Latin-1: ü is the single byte 0xFC.
    const bytes = concatBytes(
      utf8(`${SMALL_HEADER}\nT1,2024-01-05,C1,10,6,North\nT2,2024-01-05,C1,10,6,Z`),
      Uint8Array.of(0xfc),
      utf8("rich\nT3,2024-01-05,C1,10,6,North\n"),
    );
    for (const input of [streamOf(bytes), inChunksOf(bytes, 1), streamOf(gzipSync(bytes))]) {
      const error = await failure(run(input));
      expect(error.code).toBe("NOT_UTF8");
      expect(error.details).toEqual({ file: "orders.csv", line: 3 });
      expect(error.message).toContain("line 3");
    }
  });

  it("fails with NOT_UTF8 naming the line of a Latin-1 byte in NDJSON", async () => {
    const bytes = concatBytes(
      utf8('{"transaction_id":"T1","date":"2024-01-05","customer_id":"C1","revenue":1,"cogs":1,"city":"Z'),
      Uint8Array.of(0xfc),
      utf8('rich"}\n'),
    );
    const error = await failure(run(streamOf(bytes)));
    expect(error.code).toBe("NOT_UTF8");
    expect(error.details).toEqual({ file: "orders.csv", line: 1 });
  });

  it("fails with UNSUPPORTED_ENCODING for UTF-16 text", async () => {
    const utf16 = concatBytes(Uint8Array.of(0xff, 0xfe), new Uint8Array(Buffer.from(SALES_CSV, "utf16le")));
    const error = await failure(run(streamOf(utf16)));
    expect(error.code).toBe("UNSUPPORTED_ENCODING");
    expect(error.details).toEqual({ file: "orders.csv", line: 1 });
    expect(error.message).toContain("UTF-16");
  });

  it("fails with EMPTY_FILE for a file with no bytes, only blank lines or an empty gzip", async () => {
    for (const input of [streamOf(), streamOf(utf8("\n\r\n\n")), streamOf(gzipSync(new Uint8Array(0)))]) {
      const error = await failure(run(input));
      expect(error.code).toBe("EMPTY_FILE");
      expect(error.details).toEqual({ file: "orders.csv" });
      expect(error.message).toContain("the file is empty");
    }
  });

  it("fails with HEADER_ONLY for a header with no rows under it, listing the header", async () => {
    for (const text of [SMALL_HEADER, `${SMALL_HEADER}\n`, `${SMALL_HEADER}\r\n\r\n\n`]) {
      const error = await failure(runText(text));
      expect(error.code).toBe("HEADER_ONLY");
      expect(error.details).toEqual({ file: "orders.csv", line: 1, headers: SMALL_HEADER.split(",") });
      expect(error.message).toContain("no rows");
    }
  });
});

describe("ingest: column mappings", () => {
  const superstoreMapping = parseColumnMapping(SUPERSTORE_MAPPING, "mapping.json");
  const SUPERSTORE_CSV = `${SUPERSTORE_HEADERS.join(",")}
1,CA-1,2024-01-08,Second Class,CG-12520,South,Furniture,261.96,2,0,41.9136,200.00,15.00,5.0464
2,CA-1,2024-01-08,Second Class,CG-12520,South,Furniture,731.94,3,0,219.582,450.00,50.00,12.358
3,US-2,2024-03-12,Standard Class,DV-13045,West,Office Supplies,"1,014.00",5,0.2,-25.35,900.00,100.00,39.35
`;

  it("reads an ERP's own headers through the documented mapping, with profit as given", async () => {
    const report = await runText(SUPERSTORE_CSV, { mapping: superstoreMapping });
    expect(report).toMatchObject({
      schemes: ["channel", "region", "category", "customer"],
      rows: 3,
      accepted: 3,
    });
    const withCosts = (freight: number, handling: number) => ({
      "cost:freight": freight,
      "cost:handling": handling,
    });
    expect(monthFigures(report, "channel")).toEqual({
      "Second Class": {
        [JAN]: { ...figures(2, 9_939_000, 6_500_000, 2_614_956, 50_000, 0), ...withCosts(650_000, 174_044) },
      },
      "Standard Class": {
        [MAR]: {
          // 1,014.00 at 20% off: list 1,267.50, 253.50 off it
          ...figures(1, 10_140_000, 9_000_000, -253_500, 50_000, 2_535_000),
          ...withCosts(1_000_000, 393_500),
        },
      },
    });
    const customers = segmentsOf(report, "customer").flatMap((segment) => segment.customers);
    expect(
      customers.map(({ customer, orderHashes, categories }) => ({ customer, orderHashes, categories })),
    ).toEqual([
      { customer: "CG-12520", orderHashes: [orderHash("CA-1"), 0], categories: ["Furniture"] },
      { customer: "DV-13045", orderHashes: [orderHash("US-2"), 0], categories: ["Office Supplies"] },
    ]);
  });

  it("fails with MISSING_COLUMN before reading any row when a mapped column is not in the file", async () => {
    const headerWithoutFreight = SUPERSTORE_CSV.replace("Freight,", "Shipping,");
    const rejects: Reject[] = [];
    const progress: unknown[] = [];
    const error = await failure(
      runText(`${headerWithoutFreight}4,broken row\n`, {
        mapping: superstoreMapping,
        onReject: (reject) => rejects.push(reject),
        onProgress: (step) => progress.push(step),
        progressEvery: 1,
      }),
    );
    expect(error.code).toBe("MISSING_COLUMN");
    expect(error.details).toMatchObject({
      file: "orders.csv",
      line: 1,
      column: "Freight",
      field: "costs.freight",
    });
    expect(error.message).toContain('"Freight"');
    expect(error.message).toContain(
      "headers found: Row ID, Order ID, Order Date, Ship Mode, Customer ID, Region, Category, Sales, Quantity, Discount, Profit, Cost, Shipping, Handling",
    );
    expect(rejects).toEqual([]);
    expect(progress).toEqual([]);
  });

  it("fails with MISSING_COLUMN when there is no mapping and a required canonical column is missing", async () => {
    const error = await failure(runText("id,date,customer_id,revenue,cogs\nT1,2024-01-05,C1,10,6\n"));
    expect(error.code).toBe("MISSING_COLUMN");
    expect(error.details).toMatchObject({ file: "orders.csv", line: 1, column: "transaction_id" });
    expect(error.message).toContain("transaction_id");
    expect(error.message).toContain("headers found: id, date, customer_id, revenue, cogs");
  });

  it("reads dates in the mapping's date format", async () => {
    const mapping = parseColumnMapping(
      {
        dateFormat: "MM/DD/YYYY",
        columns: { transactionId: "id", date: "day", customerId: "client", revenue: "net", cogs: "cost" },
      },
      "mapping.json",
    );
    const report = await runText("id,day,client,net,cost\nT1,3/9/2024,C1,1,0\nT2,01/31/2024,C1,2,0\n", {
      mapping,
    });
    expect(Object.keys(monthFigures(report, "customer").C1 ?? {}).map(Number)).toEqual([JAN, MAR]);
  });
});

describe("ingest: rejects and the reject ratio", () => {
  it("applies the good rows and lists the rejects, also to onReject, while under the ratio", async () => {
    const rejects: Reject[] = [];
    const report = await runText(smallCsvWith(20, { 1: "T2,2024-02-01,C1,abc,6,North" }), {
      onReject: (r) => rejects.push(r),
    });
    expect(report).toMatchObject({ rows: 20, accepted: 19, rejected: 1, firstRejects: [badRevenue(3)] });
    expect(rejects).toEqual([badRevenue(3)]);
    const north = segmentsOf(report, "region")[0];
    expect(north?.months.map((month) => month.figures.lines)).toEqual([19]);
    expect(north?.months[0]?.figures.revenue).toBe(1_900_000);
  });

  it("fails the batch with REJECT_RATIO_EXCEEDED past 5% by default, naming the counts and the first problems", async () => {
    const error = await failure(
      runText(smallCsvWith(20, { 1: "T2,2024-02-01,C1,abc,6,North", 5: "T6,2024-02-01,,10,6,North" })),
    );
    expect(error.code).toBe("REJECT_RATIO_EXCEEDED");
    expect(error.message).toBe(
      '2 of 20 rows (10.0%) were rejected, more than the 5.0% allowed, so nothing from this file was applied. First problems: line 3, column revenue: expected a number with "." as the decimal separator (found "abc"); line 7, column customer_id: a customer id is required',
    );
    expect(error.details).toEqual({
      file: "orders.csv",
      rows: 20,
      rejected: 2,
      rejectRatio: 0.05,
      firstRejects: [
        badRevenue(3),
        { line: 7, column: "customer_id", value: "", reason: "a customer id is required" },
      ],
    });
  });

  it("honours a custom reject ratio either way", async () => {
    const text = smallCsvWith(20, { 1: "T2,2024-02-01,C1,abc,6,North", 2: "T3,2024-02-01,C1,abc,6,North" });
    expect(await runText(text, { rejectRatio: 0.1 })).toMatchObject({ accepted: 18, rejected: 2 });
    const strict = await failure(runText(text, { rejectRatio: 0.05 }));
    expect(strict.code).toBe("REJECT_RATIO_EXCEEDED");
    const oneBad = smallCsv(validRows(20).map((row, i) => (i === 0 ? row.replace(",10,", ",abc,") : row)));
    const stricter = await failure(runText(oneBad, { rejectRatio: 0.01 }));
    expect(stricter.message).toMatch(/^1 of 20 rows \(5\.0%\) were rejected, more than the 1\.0% allowed/);
    expect(stricter.details).toMatchObject({ rows: 20, rejected: 1, rejectRatio: 0.01 });
  });

  it("keeps the first 20 rejects in the report and passes every one to onReject", async () => {
    const rows = validRows(100).map((row, i) => (i % 4 === 0 ? row.replace(",10,", ",abc,") : row));
    const rejects: Reject[] = [];
    const report = await runText(smallCsv(rows), {
      rejectRatio: 0.5,
      onReject: (r) => rejects.push(r),
    });
    expect(report).toMatchObject({ rows: 100, accepted: 75, rejected: 25 });
    expect(report.firstRejects).toEqual(Array.from({ length: 20 }, (_, k) => badRevenue(2 + 4 * k)));
    expect(rejects).toEqual(Array.from({ length: 25 }, (_, k) => badRevenue(2 + 4 * k)));
  });

  it("keeps the first row of a duplicated transaction id and rejects the later one, naming the first line", async () => {
    const report = await runText(smallCsvWith(30, { 20: "T3,2024-02-05,C2,999,6,North" }));
    expect(report.firstRejects).toEqual([
      reject(22, "transaction_id", "T3", "duplicate transaction id: first seen on line 4"),
    ]);
    expect(segmentsOf(report, "region")[0]?.months[0]?.figures.revenue).toBe(2_900_000);
  });

  it("remembers every transaction id of a large batch", async () => {
    const rows = validRows(50_000);
    rows.push("T7,2024-02-01,C1,10,6,North", "T49999,2024-02-01,C1,10,6,North");
    const report = await runText(smallCsv(rows));
    expect(report).toMatchObject({ rows: 50_002, accepted: 50_000, rejected: 2 });
    expect(report.firstRejects.map((reject) => reject.reason)).toEqual([
      "duplicate transaction id: first seen on line 8",
      "duplicate transaction id: first seen on line 50000",
    ]);
  });

  it("rejects implausible dates relative to now", async () => {
    const report = await runText(smallCsvWith(30, { 0: "T1,2024-08-01,C1,10,6,North" }));
    expect(report.firstRejects).toEqual([
      reject(2, "date", "2024-08-01", "implausible date: expected a month from 1970-01 to 2024-07"),
    ]);
  });

  it("reports progress every progressEvery rows with the rows and rejects so far", async () => {
    const rows = validRows(12).map((row, i) => (i === 3 ? row.replace(",10,", ",abc,") : row));
    const progress: unknown[] = [];
    await runText(smallCsv(rows), {
      rejectRatio: 0.5,
      progressEvery: 5,
      onProgress: (step) => progress.push(step),
    });
    expect(progress).toEqual([
      { rows: 5, rejected: 1 },
      { rows: 10, rejected: 1 },
    ]);
  });
});

describe("ingest: chunk boundaries do not matter", () => {
  const TRICKY_CSV =
    "\uFEFFtransaction_id;date;customer_id;order_id;revenue;cogs;cost_freight;discount_rate;category;region\r\n" +
    'T1;2024-01-05;C1;O1;1.234,50;600;5,25;0,1;"Chairs; steel";"North\r\nWest"\r\n' +
    "\r\n" +
    'T2;2024-01-20;C1;O2;50;20;2,5;0;Tables;"Süd ""A"""\r\n' +
    "T3;2024-03-02;C2;O3;-30;-18;0;0;Chairs;North\n" +
    "T4;2024-03-09;C2;O3;abc;150;10;0,25;Chairs;South\n" +
    "T5;2024-04-11;C1;O4;10;4;1;;Chairs;South";
  const TRICKY_NDJSON =
    '{"transaction_id":"T1","date":"2024-01-05","customer_id":"C1","revenue":1234.5,"cogs":600,"category":"Chairs"}\n' +
    "\n" +
    '{"transaction_id":"T2","date":"2024-01-20","customer_id":"Čapek","revenue":"50","cogs":20,"category":"Tables"}\r\n' +
    "not json\n" +
    '{"transaction_id":"T3","date":"2024-03-02","customer_id":"C2","revenue":-30,"category":"Chairs"}';

  for (const [name, text] of [
    ["CSV", TRICKY_CSV],
    ["NDJSON", TRICKY_NDJSON],
  ] as const) {
    describe(name, () => {
      const bytes = utf8(text);
      const options = { rejectRatio: 0.5 };
      const whole = () => run(streamOf(bytes), options).then(summary);

      it("rejects exactly its one bad row", async () => {
        expect((await whole()).rejected).toBe(1);
      });

      it("gives the same report in 1-byte chunks", async () => {
        expect(summary(await run(streamOf(...singleBytes(bytes)), options))).toEqual(await whole());
      });

      it("gives the same report cut in two at every offset", async () => {
        const expected = await whole();
        for (const [offset, head, tail] of everySplit(bytes)) {
          expect(summary(await run(streamOf(head, tail), options)), `cut at byte ${offset}`).toEqual(
            expected,
          );
        }
      });

      it("gives the same report gzip-compressed, in 1-byte chunks and cut at every offset", async () => {
        const expected = await whole();
        const compressed = gzipSync(bytes);
        expect(summary(await run(streamOf(...singleBytes(compressed)), options))).toEqual(expected);
        for (const [offset, head, tail] of everySplit(compressed)) {
          expect(summary(await run(streamOf(head, tail), options)), `cut at byte ${offset}`).toEqual(
            expected,
          );
        }
      });
    });
  }

  it("reads the tricky CSV to the exact figures", async () => {
    const report = await run(streamOf(utf8(TRICKY_CSV)), { rejectRatio: 0.5 });
    expect(report).toMatchObject({ format: "csv", rows: 5, accepted: 4, rejected: 1 });
    expect(report.firstRejects).toEqual([
      reject(7, "revenue", "abc", 'expected a number with "," as the decimal separator'),
    ]);
    expect(monthFigures(report, "region")).toEqual({
      North: { [MAR]: { ...figures(1, -300_000, -180_000, -120_000, 0, 0), "cost:freight": 0 } },
      "North\r\nWest": {
        // 1.234,50 at 10% off: 137.1666… off list
        [JAN]: {
          ...figures(1, 12_345_000, 6_000_000, 6_292_500, 0, 1_371_666, 66_666_666_667),
          "cost:freight": 52_500,
        },
      },
      South: { [APR]: { ...figures(1, 100_000, 40_000, 50_000, 0, 0), "cost:freight": 10_000 } },
      'Süd "A"': { [JAN]: { ...figures(1, 500_000, 200_000, 275_000, 0, 0), "cost:freight": 25_000 } },
    });
    expect(segmentsOf(report, "category").map((segment) => segment.values)).toEqual([
      ["Chairs"],
      ["Chairs; steel"],
      ["Tables"],
    ]);
  });
});
