import { fromAmountUnits } from "#domain/amount.ts";
import type { Cube } from "#domain/cube.ts";
import { discountAmount } from "#domain/list-discount.ts";
import {
  COST_OFFSET,
  CustomerAmount,
  CustomerFact,
  forEachBit,
  MonthFigure,
  type SchemeAggregate,
} from "#domain/scheme-aggregate.ts";
import { segmentId } from "#domain/segment-id.ts";

/** What one segment's transactions say, in currency units, before any scoring. */
export interface SegmentMetrics {
  /** Index of the segment in its scheme. */
  readonly index: number;
  readonly id: string;
  readonly values: Readonly<Record<string, string>>;
  readonly revenue: number;
  readonly cogs: number;
  /** Cost-to-serve by component (freight, handling, …). */
  readonly costs: Readonly<Record<string, number>>;
  readonly costToServe: number;
  readonly profit: number;
  /** profit ÷ revenue; 0 when revenue is not positive. */
  readonly margin: number;
  readonly quantity: number;
  readonly lines: number;
  readonly customers: number;
  /** List revenue − net revenue: what was given away off list price. */
  readonly discount: number;
  /** Net ÷ list revenue, so that 1 − it is the share of list price given away; null unless both are positive. */
  readonly priceRealization: number | null;
  /** Trailing twelve months up to the latest month of the data, and the twelve before. */
  readonly ttmRevenue: number;
  readonly priorTtmRevenue: number;
  readonly ttmProfit: number;
  readonly priorTtmProfit: number;
  readonly ttmCostToServe: number;
  readonly activeCustomersTtm: number;
  readonly activeCustomersPriorTtm: number;
  /** Of the customers active in the prior TTM, the share active again in the TTM; null without any. */
  readonly retention: number | null;
  /** Share of customers with two or more orders. */
  readonly repeatRate: number;
  /** Mean distinct breadth-dimension values (categories) per customer; null when the data has none. */
  readonly breadth: number | null;
  /** Herfindahl–Hirschman index of customer revenue shares (customers with positive revenue); null without any. */
  readonly concentration: number | null;
  readonly monthsWithLines: number;
  readonly firstMonth: number;
  readonly lastMonth: number;
  /** Monthly series from the segment's first month to the latest month of the data (0 where it had no lines). */
  readonly monthly: {
    readonly firstMonth: number;
    readonly revenue: readonly number[];
    readonly profit: readonly number[];
  };
}

export interface SchemeMetrics {
  readonly latestMonth: number;
  readonly segments: readonly SegmentMetrics[];
}

/**
 * Sums a scheme's rows into per-segment metrics: one pass over its (segment, month) rows and one over
 * its (segment, customer) rows, so the cost follows segments × months and segments × customers.
 * `latestMonth` anchors the trailing-twelve-month windows (the latest month of the whole data).
 */
export function schemeMetrics(cube: Cube, scheme: SchemeAggregate, latestMonth: number): SchemeMetrics {
  const count = scheme.segmentCount;
  const stride = scheme.monthFigureStride;
  const figures = scheme.monthFigures;
  const costCount = stride - COST_OFFSET;
  const totals = new Float64Array(count * stride);
  const ttm = new Float64Array(count * 3); // revenue, profit, cost-to-serve
  const priorTtm = new Float64Array(count * 2); // revenue, profit
  const firstMonth = new Int32Array(count).fill(2 ** 30);
  const lastMonth = new Int32Array(count).fill(-1);
  const monthsWithLines = new Int32Array(count);
  const ttmStart = latestMonth - 11;
  const priorStart = latestMonth - 23;

  for (let row = 0; row < scheme.monthKeys.size; row++) {
    const segment = scheme.monthKeys.keyAt(row, 0);
    const month = scheme.monthKeys.keyAt(row, 1);
    const at = row * stride;
    for (let f = 0; f < stride; f++)
      totals[segment * stride + f] = (totals[segment * stride + f] as number) + (figures[at + f] as number);
    if (month < (firstMonth[segment] as number)) firstMonth[segment] = month;
    if (month > (lastMonth[segment] as number)) lastMonth[segment] = month;
    monthsWithLines[segment] = (monthsWithLines[segment] as number) + 1;
    const revenue = figures[at + MonthFigure.revenue] as number;
    const profit = figures[at + MonthFigure.profit] as number;
    if (month >= ttmStart && month <= latestMonth) {
      let costToServe = 0;
      for (let k = 0; k < costCount; k++) costToServe += figures[at + COST_OFFSET + k] as number;
      ttm[segment * 3] = (ttm[segment * 3] as number) + revenue;
      ttm[segment * 3 + 1] = (ttm[segment * 3 + 1] as number) + profit;
      ttm[segment * 3 + 2] = (ttm[segment * 3 + 2] as number) + costToServe;
    } else if (month >= priorStart && month < ttmStart) {
      priorTtm[segment * 2] = (priorTtm[segment * 2] as number) + revenue;
      priorTtm[segment * 2 + 1] = (priorTtm[segment * 2 + 1] as number) + profit;
    }
  }

  const monthlyRevenue: number[][] = [];
  const monthlyProfit: number[][] = [];
  for (let segment = 0; segment < count; segment++) {
    const length = Math.max(0, latestMonth - (firstMonth[segment] as number) + 1);
    monthlyRevenue.push(new Array<number>(length).fill(0));
    monthlyProfit.push(new Array<number>(length).fill(0));
  }
  for (let row = 0; row < scheme.monthKeys.size; row++) {
    const segment = scheme.monthKeys.keyAt(row, 0);
    const offset = scheme.monthKeys.keyAt(row, 1) - (firstMonth[segment] as number);
    const series = monthlyRevenue[segment] as number[];
    if (offset >= series.length) continue;
    series[offset] = fromAmountUnits(figures[row * stride + MonthFigure.revenue] as number);
    (monthlyProfit[segment] as number[])[offset] = fromAmountUnits(
      figures[row * stride + MonthFigure.profit] as number,
    );
  }

  const customers = new Int32Array(count);
  const repeaters = new Int32Array(count);
  const activeTtm = new Int32Array(count);
  const activePrior = new Int32Array(count);
  const retained = new Int32Array(count);
  const categorySum = new Float64Array(count);
  const positiveRevenue = new Float64Array(count);
  const squaredRevenue = new Float64Array(count);
  const amounts = scheme.customerAmounts;
  const facts = scheme.customerFacts;
  for (let row = 0; row < scheme.customerKeys.size; row++) {
    const segment = scheme.customerKeys.keyAt(row, 0);
    const fact = (offset: number) => facts[row * 8 + offset] as number;
    customers[segment] = (customers[segment] as number) + 1;
    if (fact(CustomerFact.orderHigh) !== 0) repeaters[segment] = (repeaters[segment] as number) + 1;
    const last = fact(CustomerFact.lastMonth);
    const low = fact(CustomerFact.activeLow);
    const high = fact(CustomerFact.activeHigh);
    const inTtm = activeBetween(low, high, last, ttmStart, latestMonth);
    const inPrior = activeBetween(low, high, last, priorStart, ttmStart - 1);
    if (inTtm) activeTtm[segment] = (activeTtm[segment] as number) + 1;
    if (inPrior) activePrior[segment] = (activePrior[segment] as number) + 1;
    if (inTtm && inPrior) retained[segment] = (retained[segment] as number) + 1;
    let categories = 0;
    forEachBit(fact(CustomerFact.categoryLow), fact(CustomerFact.categoryHigh), () => categories++);
    categorySum[segment] = (categorySum[segment] as number) + categories;
    const revenue = amounts[row * 3 + CustomerAmount.revenue] as number;
    if (revenue > 0) {
      positiveRevenue[segment] = (positiveRevenue[segment] as number) + revenue;
      squaredRevenue[segment] = (squaredRevenue[segment] as number) + revenue * revenue;
    }
  }

  const hasBreadth = cube.dimensionIndex(cube.breadthDimension) !== undefined;
  const segments: SegmentMetrics[] = [];
  for (let segment = 0; segment < count; segment++) {
    const at = segment * stride;
    const total = (offset: number) => fromAmountUnits(totals[at + offset] as number);
    const revenue = total(MonthFigure.revenue);
    const profit = total(MonthFigure.profit);
    const costs: Record<string, number> = {};
    let costToServe = 0;
    cube.costComponents.forEach((name, k) => {
      costs[name] = total(COST_OFFSET + k);
      costToServe += costs[name] as number;
    });
    const values = Object.fromEntries(
      scheme.dimensions.map((name, j) => [
        name,
        cube.dictionary(scheme.picks[j] as number).valueOf(scheme.segments.keyAt(segment, j)),
      ]),
    );
    const customerCount = customers[segment] as number;
    const discount = discountAmount(
      totals[at + MonthFigure.discount] as number,
      totals[at + MonthFigure.discountFine] as number,
    );
    const listRevenue = revenue + discount;
    segments.push({
      index: segment,
      id: segmentId(scheme.dimensions.map((name) => values[name] as string)),
      values,
      revenue,
      cogs: total(MonthFigure.cogs),
      costs,
      costToServe,
      profit,
      margin: revenue > 0 ? profit / revenue : 0,
      quantity: total(MonthFigure.quantity),
      lines: totals[at + MonthFigure.lines] as number,
      customers: customerCount,
      discount,
      priceRealization: revenue > 0 && listRevenue > 0 ? realizationDigits(revenue / listRevenue) : null,
      ttmRevenue: fromAmountUnits(ttm[segment * 3] as number),
      ttmProfit: fromAmountUnits(ttm[segment * 3 + 1] as number),
      ttmCostToServe: fromAmountUnits(ttm[segment * 3 + 2] as number),
      priorTtmRevenue: fromAmountUnits(priorTtm[segment * 2] as number),
      priorTtmProfit: fromAmountUnits(priorTtm[segment * 2 + 1] as number),
      activeCustomersTtm: activeTtm[segment] as number,
      activeCustomersPriorTtm: activePrior[segment] as number,
      retention:
        (activePrior[segment] as number) > 0
          ? (retained[segment] as number) / (activePrior[segment] as number)
          : null,
      repeatRate: customerCount > 0 ? (repeaters[segment] as number) / customerCount : 0,
      breadth: hasBreadth && customerCount > 0 ? (categorySum[segment] as number) / customerCount : null,
      concentration:
        (positiveRevenue[segment] as number) > 0
          ? (squaredRevenue[segment] as number) / (positiveRevenue[segment] as number) ** 2
          : null,
      monthsWithLines: monthsWithLines[segment] as number,
      firstMonth: firstMonth[segment] as number,
      lastMonth: lastMonth[segment] as number,
      monthly: {
        firstMonth: firstMonth[segment] as number,
        revenue: monthlyRevenue[segment] as number[],
        profit: monthlyProfit[segment] as number[],
      },
    });
  }
  return { latestMonth, segments };
}

/**
 * Price realization to 13 decimals. Net ÷ list goes through three roundings in float64, so two
 * segments sold at the same rate (0.95 of list, say) can differ in the 16th digit and stop tying in
 * the percentile ranks; on a grid of 1e-13 they tie exactly, since such a rate lies on it.
 */
function realizationDigits(share: number): number {
  return Math.round(share * 1e13) / 1e13;
}

/** The latest month with any line in the cube, or −1 for an empty cube. */
export function latestMonthOf(cube: Cube): number {
  let latest = -1;
  const scheme = cube.schemes[0];
  if (!scheme) return latest;
  for (let row = 0; row < scheme.monthKeys.size; row++)
    latest = Math.max(latest, scheme.monthKeys.keyAt(row, 1));
  return latest;
}

/**
 * Whether a 64-month activity window (bit i = active in month lastMonth − i) has any month in
 * [from, to].
 */
function activeBetween(low: number, high: number, lastMonth: number, from: number, to: number): boolean {
  const newest = Math.max(0, lastMonth - to);
  const oldest = Math.min(63, lastMonth - from);
  for (let bit = newest; bit <= oldest; bit++) {
    if (bit < 32 ? (low >>> bit) & 1 : (high >>> (bit - 32)) & 1) return true;
  }
  return false;
}
