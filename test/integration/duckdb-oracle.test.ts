import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CanonicalScheme, canonicalCube } from "#domain/canonical-cube.ts";
import { latestMonthOf, schemeMetrics } from "#domain/metrics.ts";
import { type IngestReport, ingest } from "#ingest/ingest.ts";
import { generateRows } from "#sample/generator.ts";
import { SAMPLE_COLUMNS } from "#sample/invoice-line.ts";

/**
 * The oracle: DuckDB's GROUP BY over the same generated file must give the cube's sums, to the
 * 1/10,000 unit. Amount columns are read as DECIMAL so DuckDB's sums are exact too. The discount off
 * list, Σ net × d ÷ (1 − d), has no exact decimal form: DuckDB sums it in float64, and the cube's
 * exact pair (whole units, 1e-11 units) must agree to 1e-12 relative, as must price realization.
 */
const SCHEMES = [["channel", "region"], ["category"], ["customer"]];
const COSTS = SAMPLE_COLUMNS.filter((column) => column.startsWith("cost_"));
const AMOUNTS = ["revenue", "quantity", "cogs", "discount_rate", ...COSTS];

let directory: string;
let file: string;
let report: IngestReport;
let duck: Awaited<ReturnType<DuckDBInstance["connect"]>>;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "segfocus-oracle-"));
  file = join(directory, "sample.csv");
  await pipeline(
    Readable.from(generateRows({ rows: 30_000, seed: 7, start: "2022-01", months: 36 })),
    createWriteStream(file),
  );
  report = await ingest(createReadStream(file), {
    file,
    now: new Date("2025-06-01T00:00:00Z"),
    schemes: SCHEMES,
  });
  const instance = await DuckDBInstance.create(":memory:");
  duck = await instance.connect();
  const types = AMOUNTS.map((column) => `'${column}': 'DECIMAL(18,4)'`).join(", ");
  await duck.run(
    `CREATE TABLE lines AS SELECT * FROM read_csv('${file}', header = true, types = {${types}})`,
  );
});

afterAll(async () => {
  duck?.closeSync();
  await rm(directory, { recursive: true, force: true });
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await duck.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}

const units = (column: string) => `CAST(sum(${column}) * 10000 AS BIGINT)`;
const double = (column: string) => `CAST(${column} AS DOUBLE)`;
/** Σ list − net revenue in float64: net × d ÷ (1 − d) per line. */
const LIST_DISCOUNT = `sum(${double("revenue")} * ${double("discount_rate")} / (1 - ${double("discount_rate")}))`;

function relativeDifference(actual: number, expected: number): number {
  const scale = Math.max(Math.abs(actual), Math.abs(expected));
  return scale === 0 ? 0 : Math.abs(actual - expected) / scale;
}
const monthOf = "((year(date) - 1900) * 12 + month(date) - 1)";
const keyColumns = (dims: string[]) => dims.map((d) => (d === "customer" ? "customer_id" : d));

function scheme(id: string): CanonicalScheme {
  const found = canonicalCube(report.cube).schemes.find((s) => s.id === id);
  if (!found) throw new Error(`no scheme ${id}`);
  return found;
}

describe("the cube against DuckDB on the same generated file", () => {
  it("accepts every generated row", () => {
    expect(report.rejected).toBe(0);
    expect(report.accepted).toBe(30_000);
  });

  it.each(SCHEMES.map((dims) => [dims.join("+"), dims] as const))(
    "has DuckDB's sums per segment and month for scheme %s",
    async (id, dims) => {
      const keys = keyColumns(dims);
      const expected = await rows(`
        SELECT ${keys.join(", ")}, ${monthOf} AS month, count(*) AS lines,
          ${units("revenue")} AS revenue, ${units("cogs")} AS cogs, ${units("quantity")} AS quantity,
          ${units(`revenue - cogs - ${COSTS.join(" - ")}`)} AS profit,
          ${COSTS.map((c) => `${units(c)} AS "${c}"`).join(", ")},
          ${LIST_DISCOUNT} AS discount
        FROM lines GROUP BY ALL ORDER BY ALL`);
      const actual = scheme(id).segments.flatMap((segment) =>
        segment.months.map((m) => ({ key: segment.values.join("|"), month: m.month, figures: m.figures })),
      );
      const byKey = new Map(actual.map((a) => [`${a.key}@${a.month}`, a.figures]));
      expect(actual).toHaveLength(expected.length);
      for (const row of expected) {
        const figures = byKey.get(`${keys.map((k) => row[k]).join("|")}@${row.month}`);
        expect(figures, `segment ${keys.map((k) => row[k])} month ${row.month}`).toBeDefined();
        expect(figures?.lines).toBe(Number(row.lines));
        expect(figures?.revenue).toBe(Number(row.revenue));
        expect(figures?.cogs).toBe(Number(row.cogs));
        expect(figures?.quantity).toBe(Number(row.quantity));
        expect(figures?.profit).toBe(Number(row.profit));
        for (const cost of COSTS) expect(figures?.[`cost:${cost.slice(5)}`]).toBe(Number(row[cost]));
        const discount = ((figures?.discount as number) + (figures?.discountFine as number) / 1e11) / 1e4;
        expect(relativeDifference(discount, Number(row.discount))).toBeLessThanOrEqual(1e-12);
      }
    },
  );

  it.each(SCHEMES.map((dims) => [dims.join("+"), dims] as const))(
    "has DuckDB's price realization, net ÷ list revenue, per segment of scheme %s",
    async (id, dims) => {
      const keys = keyColumns(dims);
      const expected = await rows(`
        SELECT ${keys.join(", ")}, ${double("sum(revenue)")} AS net,
          ${double("sum(revenue)")} + ${LIST_DISCOUNT} AS list
        FROM lines GROUP BY ALL`);
      const aggregate = report.cube.findScheme(id);
      if (!aggregate) throw new Error(`no scheme ${id}`);
      const metrics = new Map(
        schemeMetrics(report.cube, aggregate, latestMonthOf(report.cube)).segments.map(
          (segment) => [dims.map((d) => segment.values[d]).join("|"), segment] as const,
        ),
      );
      expect(metrics.size).toBe(expected.length);
      let discounted = 0;
      for (const row of expected) {
        const segment = metrics.get(keys.map((k) => row[k]).join("|"));
        const net = Number(row.net);
        const list = Number(row.list);
        if (!(net > 0 && list > 0)) {
          expect(segment?.priceRealization).toBeNull();
          continue;
        }
        if (list > net) discounted++;
        expect(relativeDifference(segment?.priceRealization as number, net / list)).toBeLessThanOrEqual(
          1e-12,
        );
      }
      expect(discounted).toBeGreaterThan(0);
    },
  );

  it.each(SCHEMES.map((dims) => [dims.join("+"), dims] as const))(
    "has DuckDB's per-customer figures for scheme %s",
    async (id, dims) => {
      const keys = keyColumns(dims);
      const expected = await rows(`
        SELECT ${keys.join(", ")}, customer_id AS customer, count(*) AS lines,
          ${units("revenue")} AS revenue, ${units(`revenue - cogs - ${COSTS.join(" - ")}`)} AS profit,
          min(${monthOf}) AS first_month, max(${monthOf}) AS last_month,
          count(DISTINCT order_id) AS orders, count(DISTINCT ${monthOf}) AS active_months,
          count(DISTINCT category) AS categories
        FROM lines GROUP BY ALL`);
      const actual = new Map(
        scheme(id).segments.flatMap((segment) =>
          segment.customers.map((c) => [`${segment.values.join("|")}@${c.customer}`, c] as const),
        ),
      );
      expect(actual.size).toBe(expected.length);
      for (const row of expected) {
        const customer = actual.get(`${keys.map((k) => row[k]).join("|")}@${row.customer}`);
        expect(customer).toMatchObject({
          lines: Number(row.lines),
          revenue: Number(row.revenue),
          profit: Number(row.profit),
          firstMonth: Number(row.first_month),
          lastMonth: Number(row.last_month),
        });
        expect(customer?.activeMonths).toHaveLength(Number(row.active_months));
        expect(customer?.categories).toHaveLength(Number(row.categories));
        expect(customer?.orderHashes[1] !== 0).toBe(Number(row.orders) >= 2);
      }
    },
  );
});
