import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type GenerateOptions, generateRows } from "#sample/generator.ts";
import { SAMPLE_COLUMNS } from "#sample/invoice-line.ts";
import { sampleTruths } from "#sample/sample-truths.ts";

type Column = (typeof SAMPLE_COLUMNS)[number];
type Line = readonly string[];

const defaults: GenerateOptions = { rows: 50_000, seed: 1, start: "2023-01", months: 36 };

function textOf(options: GenerateOptions): string {
  return [...generateRows(options)].join("");
}

function parse(text: string): { header: string; lines: Line[] } {
  const [header = "", ...rest] = text.split("\n");
  // Every line ends in "\n", so the split leaves one empty string at the end.
  expect(rest.pop()).toBe("");
  return { header, lines: rest.map((line) => line.split(",")) };
}

function field(line: Line, column: Column): string {
  const value = line[SAMPLE_COLUMNS.indexOf(column)];
  if (value === undefined) throw new Error(`line has no ${column}: ${line.join(",")}`);
  return value;
}

function amount(line: Line, column: Column): number {
  return Number(field(line, column));
}

/** Revenue less COGS and every cost-to-serve column: the line's contribution to profit. */
function profit(line: Line): number {
  const costs = SAMPLE_COLUMNS.filter((column) => column.startsWith("cost_")).map((column) =>
    amount(line, column),
  );
  return amount(line, "revenue") - amount(line, "cogs") - costs.reduce((sum, cost) => sum + cost, 0);
}

function totals(lines: readonly Line[]): { revenue: number; profit: number; margin: number } {
  let revenue = 0;
  let lineProfit = 0;
  for (const line of lines) {
    revenue += amount(line, "revenue");
    lineProfit += profit(line);
  }
  return { revenue, profit: lineProfit, margin: lineProfit / revenue };
}

/** Months since the start month of `defaults`, from a YYYY-MM-DD date. */
function monthsSinceStart(date: string): number {
  return (Number(date.slice(0, 4)) - 2023) * 12 + Number(date.slice(5, 7)) - 1;
}

const sampleCache = new Map<number, Line[]>();
/** The data lines of a 50,000-row sample, parsed once per seed for all the specifications below. */
function sampleLines(seed = 1): Line[] {
  let lines = sampleCache.get(seed);
  if (lines === undefined) {
    lines = parse(textOf({ ...defaults, seed })).lines;
    sampleCache.set(seed, lines);
  }
  return lines;
}

const startMonth = fc
  .record({ year: fc.integer({ min: 1990, max: 2090 }), month: fc.integer({ min: 1, max: 12 }) })
  .map(({ year, month }) => `${year}-${String(month).padStart(2, "0")}`);

const smallOptions = fc.record({
  rows: fc.integer({ min: 0, max: 1500 }),
  seed: fc.nat(),
  start: startMonth,
  months: fc.integer({ min: 1, max: 40 }),
});

describe("generateRows", () => {
  it("writes the same bytes for the same options, and different bytes for another seed", () => {
    const options = { ...defaults, rows: 5000 };
    expect(textOf(options)).toBe(textOf(options));
    expect(textOf({ ...options, seed: 2 })).not.toBe(textOf(options));
  });

  it("starts with the canonical header and writes exactly the rows asked for, whatever the options", () => {
    fc.assert(
      fc.property(smallOptions, (options) => {
        const { header, lines } = parse(textOf(options));
        expect(header).toBe(SAMPLE_COLUMNS.join(","));
        expect(lines).toHaveLength(options.rows);
      }),
      { numRuns: 40 },
    );
  });

  it("dates every line within the months asked for, in date order", () => {
    fc.assert(
      fc.property(smallOptions, (options) => {
        const [year, month] = options.start.split("-").map(Number);
        const first = Date.UTC(year ?? 0, (month ?? 1) - 1, 1);
        const end = Date.UTC(year ?? 0, (month ?? 1) - 1 + options.months, 1);
        const dates = parse(textOf(options)).lines.map((line) => field(line, "date"));
        for (const date of dates) {
          const time = Date.parse(`${date}T00:00:00Z`);
          expect(new Date(time).toISOString().slice(0, 10)).toBe(date);
          expect(time).toBeGreaterThanOrEqual(first);
          expect(time).toBeLessThan(end);
        }
        expect(dates).toEqual([...dates].sort());
      }),
      { numRuns: 40 },
    );
  });

  it("streams: the first lines of a billion-row file come without generating the rest", () => {
    const blocks = generateRows({ ...defaults, rows: 1_000_000_000 });
    expect(blocks.next().value).toBe(`${SAMPLE_COLUMNS.join(",")}\n`);
    const firstBlock = blocks.next().value;
    expect(typeof firstBlock).toBe("string");
    expect(String(firstBlock).length).toBeLessThan(1_000_000);
  });

  it("writes every line as plain fields: dot decimals, two-decimal amounts, no commas or quotes inside", () => {
    const money = /^-?\d+\.\d{2}$/;
    const format: Partial<Record<Column, RegExp>> = {
      transaction_id: /^T\d{8}$/,
      date: /^\d{4}-\d{2}-\d{2}$/,
      customer_id: /^C\d{6}$/,
      order_id: /^O\d{7}$/,
      quantity: /^-?[1-9]\d*$/,
      discount_rate: /^0\.\d{4}$/,
      revenue: money,
      cogs: money,
      cost_freight: money,
      cost_handling: money,
      cost_order_processing: money,
      cost_returns: money,
      cost_payment_terms: money,
    };
    const misfits = sampleLines().filter(
      (line) =>
        line.length !== SAMPLE_COLUMNS.length ||
        line.some((value) => value === "" || /["']/.test(value)) ||
        SAMPLE_COLUMNS.some((column) => format[column]?.test(field(line, column)) === false),
    );
    expect(misfits.slice(0, 3)).toEqual([]);
  });

  it("writes about 130 bytes a line, so a million rows make a file of about 130 MB", () => {
    const text = textOf({ ...defaults, rows: 20_000 });
    expect(text.length / 20_000).toBeGreaterThan(100);
    expect(text.length / 20_000).toBeLessThan(150);
  });

  it("gives every line its own transaction id", () => {
    const ids = sampleLines().map((line) => field(line, "transaction_id"));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("keeps the lines of an order together, with one customer and one date, and at most six lines", () => {
    const orders = new Map<string, { customer: string; date: string; lines: number }>();
    let previousOrder = "";
    for (const line of sampleLines()) {
      const orderId = field(line, "order_id");
      const order = orders.get(orderId);
      if (order === undefined) {
        orders.set(orderId, { customer: field(line, "customer_id"), date: field(line, "date"), lines: 1 });
      } else {
        // An order seen before must be the one on the line just above.
        expect(orderId).toBe(previousOrder);
        expect(field(line, "customer_id")).toBe(order.customer);
        expect(field(line, "date")).toBe(order.date);
        order.lines++;
      }
      previousOrder = orderId;
    }
    expect(Math.max(...[...orders.values()].map((order) => order.lines))).toBeLessThanOrEqual(6);
  });

  it("writes 1% to 6% return lines: negative quantity, revenue and cogs, on an order of their own", () => {
    const lines = sampleLines();
    const returns = lines.filter((line) => amount(line, "revenue") < 0);
    expect(returns.length / lines.length).toBeGreaterThan(0.01);
    expect(returns.length / lines.length).toBeLessThan(0.06);
    const linesPerOrder = new Map<string, number>();
    for (const line of lines) {
      const orderId = field(line, "order_id");
      linesPerOrder.set(orderId, (linesPerOrder.get(orderId) ?? 0) + 1);
    }
    for (const line of returns) {
      expect(amount(line, "quantity")).toBeLessThan(0);
      expect(amount(line, "cogs")).toBeLessThan(0);
      expect(linesPerOrder.get(field(line, "order_id"))).toBe(1);
    }
  });

  it("books a returns provision on every sale of a return-prone product and on no other", () => {
    const provisioned = new Map<string, Set<boolean>>();
    for (const line of sampleLines()) {
      if (amount(line, "revenue") < 0) continue;
      const product = field(line, "product");
      const seen = provisioned.get(product) ?? new Set<boolean>();
      seen.add(amount(line, "cost_returns") > 0);
      provisioned.set(product, seen);
    }
    const kinds = [...provisioned.values()];
    expect(kinds.every((seen) => seen.size === 1)).toBe(true);
    expect(kinds.some((seen) => seen.has(true))).toBe(true);
    expect(kinds.some((seen) => seen.has(false))).toBe(true);
  });

  it("gives each customer one channel, region and customer type", () => {
    const profiles = new Map<string, string>();
    for (const line of sampleLines()) {
      const profile = ["channel", "region", "customer_type"]
        .map((column) => field(line, column as Column))
        .join();
      const customer = field(line, "customer_id");
      expect(profiles.get(customer) ?? profile).toBe(profile);
      profiles.set(customer, profile);
    }
  });

  it("concentrates revenue Pareto-style: a fifth of the customers buy well over half", () => {
    const revenueByCustomer = new Map<string, number>();
    for (const line of sampleLines()) {
      const customer = field(line, "customer_id");
      revenueByCustomer.set(customer, (revenueByCustomer.get(customer) ?? 0) + amount(line, "revenue"));
    }
    const revenues = [...revenueByCustomer.values()].sort((a, b) => b - a);
    const total = revenues.reduce((sum, revenue) => sum + revenue, 0);
    const topFifth = revenues
      .slice(0, Math.round(revenues.length / 5))
      .reduce((sum, revenue) => sum + revenue, 0);
    expect(topFifth / total).toBeGreaterThan(0.6);
    expect((revenues[0] ?? 0) / total).toBeLessThan(0.15);
  });

  it("uses exactly the channels, regions and categories that sampleTruths lists", () => {
    const distinct = (column: Column) =>
      [...new Set(sampleLines().map((line) => field(line, column)))].sort();
    expect(distinct("channel")).toEqual([...sampleTruths.channels].sort());
    expect(distinct("region")).toEqual([...sampleTruths.regions].sort());
    expect(distinct("category")).toEqual([...sampleTruths.categories].sort());
  });
});

describe("sampleTruths, checked against generated data", () => {
  it.each([1, 2, 3])(
    "seed %i: the unprofitable channel loses money, most of all on its largest customers, while the company profits",
    (seed) => {
      const lines = sampleLines(seed);
      const channelLines = lines.filter(
        (line) => field(line, "channel") === sampleTruths.unprofitableChannel,
      );
      expect(totals(lines).profit).toBeGreaterThan(0);
      expect(totals(channelLines).profit).toBeLessThan(0);
      const enterprise = totals(channelLines.filter((line) => field(line, "customer_type") === "enterprise"));
      expect(enterprise.margin).toBeLessThan(totals(channelLines).margin);
    },
  );

  it.each([1, 2, 3])(
    "seed %i: the growing profitable segment grows over 15% in its last twelve months, at a margin above the company's",
    (seed) => {
      const lines = sampleLines(seed);
      const { dimensions, values } = sampleTruths.growingProfitableSegment;
      const segmentLines = lines.filter((line) =>
        dimensions.every((dimension) => field(line, dimension as Column) === values[dimension]),
      );
      const revenueIn = (from: number, to: number) =>
        totals(
          segmentLines.filter((line) => {
            const month = monthsSinceStart(field(line, "date"));
            return from <= month && month < to;
          }),
        ).revenue;
      expect(revenueIn(24, 36) / revenueIn(12, 24)).toBeGreaterThan(1.15);
      expect(totals(segmentLines).margin).toBeGreaterThan(totals(lines).margin);
    },
  );
});
