import { describe, expect, it } from "vitest";
import { generateRows } from "#sample/generator.ts";
import { SAMPLE_COLUMNS } from "#sample/invoice-line.ts";
import { sampleTruths } from "#sample/sample-truths.ts";

/**
 * The story the sample tells a new user, checked on generated files by plain sums over their lines,
 * independently of the product's ingest and scoring: the whale curve and the share of loss-making
 * customers the profitability literature reports (Kaplan, Byrnes), a drain made by discounting, a
 * desert made by small orders, seasonality, and segments that grow and shrink.
 */

/** Same shape as the 200,000-line sample `npm start` loads (36 months from 2023-01), a quarter of its size. */
const ROWS = 50_000;

const column = (name: (typeof SAMPLE_COLUMNS)[number]) => SAMPLE_COLUMNS.indexOf(name);
const COST_COLUMNS = SAMPLE_COLUMNS.flatMap((name, index) => (name.startsWith("cost_") ? [index] : []));

interface Totals {
  revenue: number;
  listRevenue: number;
  profit: number;
  costToServe: number;
  lines: number;
  orders: Set<string>;
}

interface Sample {
  readonly byCustomer: Map<string, Totals>;
  readonly byChannel: Map<string, Totals>;
  /** Revenue by channel and by month since the start (0–35). */
  readonly monthlyByChannel: Map<string, number[]>;
  /** Revenue by category and calendar month (0 = January), over all years. */
  readonly calendarByCategory: Map<string, number[]>;
  readonly total: Totals;
}

function emptyTotals(): Totals {
  return { revenue: 0, listRevenue: 0, profit: 0, costToServe: 0, lines: 0, orders: new Set() };
}

function add(
  totals: Totals,
  revenue: number,
  discountRate: number,
  profit: number,
  cost: number,
  order: string,
) {
  totals.revenue += revenue;
  totals.listRevenue += revenue / (1 - discountRate);
  totals.profit += profit;
  totals.costToServe += cost;
  totals.lines++;
  totals.orders.add(order);
}

/** Sums the generated file per customer, channel and month: revenue − COGS − every cost column. */
function sample(seed: number): Sample {
  const text = [...generateRows({ rows: ROWS, seed, start: "2023-01", months: 36 })].join("");
  const result: Sample = {
    byCustomer: new Map(),
    byChannel: new Map(),
    monthlyByChannel: new Map(),
    calendarByCategory: new Map(),
    total: emptyTotals(),
  };
  for (const line of text.split("\n").slice(1)) {
    if (line === "") continue;
    const fields = line.split(",");
    const amount = (index: number) => Number(fields[index]);
    const revenue = amount(column("revenue"));
    const cost = COST_COLUMNS.reduce((sum, index) => sum + amount(index), 0);
    const profit = revenue - amount(column("cogs")) - cost;
    const discountRate = amount(column("discount_rate"));
    const order = fields[column("order_id")] ?? "";
    const customer = fields[column("customer_id")] ?? "";
    const channel = fields[column("channel")] ?? "";
    const category = fields[column("category")] ?? "";
    const date = fields[column("date")] ?? "";
    const month = (Number(date.slice(0, 4)) - 2023) * 12 + Number(date.slice(5, 7)) - 1;

    for (const [totals, key] of [
      [result.byCustomer, customer],
      [result.byChannel, channel],
    ] as const) {
      const entry = totals.get(key) ?? emptyTotals();
      add(entry, revenue, discountRate, profit, cost, order);
      totals.set(key, entry);
    }
    add(result.total, revenue, discountRate, profit, cost, order);
    const monthly = result.monthlyByChannel.get(channel) ?? new Array<number>(36).fill(0);
    monthly[month] = (monthly[month] ?? 0) + revenue;
    result.monthlyByChannel.set(channel, monthly);
    const calendar = result.calendarByCategory.get(category) ?? new Array<number>(12).fill(0);
    calendar[month % 12] = (calendar[month % 12] ?? 0) + revenue;
    result.calendarByCategory.set(category, calendar);
  }
  return result;
}

const samples = new Map<number, Sample>();
function sampleOf(seed: number): Sample {
  const cached = samples.get(seed) ?? sample(seed);
  samples.set(seed, cached);
  return cached;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const margin = (totals: Totals) => totals.profit / totals.revenue;
const channelTotals = (seed: number, channel: string) =>
  sampleOf(seed).byChannel.get(channel) ?? emptyTotals();

/** Cumulative profit of the customers, most profitable first, at its highest, as a share of total profit. */
function whalePeak(profits: readonly number[]): number {
  let cumulative = 0;
  let peak = 0;
  for (const profit of [...profits].sort((a, b) => b - a)) {
    cumulative += profit;
    peak = Math.max(peak, cumulative);
  }
  return peak / sum(profits);
}

/** Revenue of a channel's last twelve months over its first twelve. */
function twoYearGrowth(seed: number, channel: string): number {
  const monthly = sampleOf(seed).monthlyByChannel.get(channel) ?? [];
  return sum(monthly.slice(24, 36)) / sum(monthly.slice(0, 12));
}

describe.each([1, 2, 3])("the sample story, seed %i", (seed) => {
  it("has a customer whale curve peaking at 150–250% of total profit, with 20–40% of customers losing money", () => {
    const profits = [...sampleOf(seed).byCustomer.values()].map((customer) => customer.profit);
    const { peakShare, lossCustomerShare } = sampleTruths.customerWhaleCurve;
    expect(sum(profits)).toBeGreaterThan(0);
    expect(whalePeak(profits)).toBeGreaterThanOrEqual(peakShare.min);
    expect(whalePeak(profits)).toBeLessThanOrEqual(peakShare.max);
    const losing = profits.filter((profit) => profit < 0).length / profits.length;
    expect(losing).toBeGreaterThanOrEqual(lossCustomerShare.min);
    expect(losing).toBeLessThanOrEqual(lossCustomerShare.max);
  });

  it("makes the unprofitable channel a drain by discounting: large revenue, a loss, the lowest share of list kept", () => {
    const { total, byChannel } = sampleOf(seed);
    const drain = channelTotals(seed, sampleTruths.unprofitableChannel);
    const revenues = [...byChannel.values()].map((channel) => channel.revenue).sort((a, b) => a - b);
    expect(drain.revenue).toBeGreaterThan(revenues[Math.floor(revenues.length / 2)] ?? 0);
    expect(drain.profit).toBeLessThan(0);
    const realization = (channel: Totals) => channel.revenue / channel.listRevenue;
    const others = [...byChannel.entries()].filter(([name]) => name !== sampleTruths.unprofitableChannel);
    for (const [, other] of others) expect(realization(drain)).toBeLessThan(realization(other));
    expect(realization(drain)).toBeLessThan(realization(total) - 0.08);
  });

  it("makes the desert channel small and loss-making through small orders with costly service", () => {
    const { total, byChannel } = sampleOf(seed);
    const desert = channelTotals(seed, sampleTruths.desertChannel);
    const revenues = [...byChannel.values()].map((channel) => channel.revenue).sort((a, b) => a - b);
    expect(desert.revenue).toBeLessThan(revenues[Math.floor(revenues.length / 2)] ?? 0);
    expect(margin(desert)).toBeLessThan(margin(total));
    expect(desert.profit).toBeLessThan(0);
    const orderValue = (channel: Totals) => channel.revenue / channel.orders.size;
    const costPerRevenue = (channel: Totals) => channel.costToServe / channel.revenue;
    for (const [name, other] of byChannel) {
      if (name === sampleTruths.desertChannel) continue;
      expect(orderValue(desert)).toBeLessThan(orderValue(other));
      expect(costPerRevenue(desert)).toBeGreaterThan(costPerRevenue(other));
    }
  });

  it("is seasonal: November and December well above February, and packaging swinging more than spare parts", () => {
    const { calendarByCategory } = sampleOf(seed);
    const calendar = Array.from({ length: 12 }, (_, month) =>
      sum([...calendarByCategory.values()].map((revenues) => revenues[month] ?? 0)),
    );
    const peakOverLow = (revenues: readonly number[]) =>
      ((revenues[10] ?? 0) + (revenues[11] ?? 0)) / 2 / (revenues[1] ?? 1);
    expect(peakOverLow(calendar)).toBeGreaterThan(1.7);
    expect(calendar[1]).toBeLessThan((0.85 * sum(calendar)) / 12);
    expect(peakOverLow(calendarByCategory.get("packaging") ?? [])).toBeGreaterThan(
      peakOverLow(calendarByCategory.get("spare_parts") ?? []),
    );
  });

  it("has a growing profitable channel and a shrinking one", () => {
    const growing = sampleTruths.growingProfitableSegment.values.channel ?? "";
    const shrinking = sampleTruths.shrinkingSegment.values.channel ?? "";
    expect(twoYearGrowth(seed, growing)).toBeGreaterThan(1.5);
    expect(margin(channelTotals(seed, growing))).toBeGreaterThan(2 * margin(sampleOf(seed).total));
    expect(twoYearGrowth(seed, shrinking)).toBeLessThan(0.85);
  });
});
