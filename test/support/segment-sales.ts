import { toAmountUnits } from "#domain/amount.ts";
import { Cube } from "#domain/cube.ts";
import { discountFromRate } from "#domain/list-discount.ts";
import { monthIndex } from "#domain/month.ts";
import { type LinePlace, TEST_SCHEMES } from "./invoice-lines.ts";

/**
 * One invoice line in currency units, with any cost-to-serve components and a discount rate: for
 * fixtures whose figures are worked out by hand, where `TestLine`'s fixed freight and 10% discount
 * would not do.
 */
export interface Sale extends LinePlace {
  readonly revenue: number;
  readonly cogs: number;
  readonly costs?: Readonly<Record<string, number>>;
  /** Share of list price given away: list revenue = revenue ÷ (1 − rate). */
  readonly discountRate?: number;
}

/** Builds a cube (schemes channel, customer, channel+category unless told) from sales. */
export function salesCube(sales: readonly Sale[], schemes: readonly string[][] = TEST_SCHEMES): Cube {
  const cube = Cube.empty();
  for (const scheme of schemes) cube.scheme(scheme);
  const channel = cube.dimension("channel");
  const category = cube.dimension("category");
  const components = [...new Set(sales.flatMap((sale) => Object.keys(sale.costs ?? {})))].sort();
  const componentIndex = new Map(components.map((name) => [name, cube.costComponent(name)]));
  const facts = cube.newLineFacts();
  const orderIds = new Map<string, number>();
  for (const sale of sales) {
    facts.month = sale.month;
    facts.values[0] = cube.dictionary(0).intern(sale.customer);
    facts.values[channel] = cube.dictionary(channel).intern(sale.channel);
    facts.values[category] = cube.dictionary(category).intern(sale.category);
    facts.revenue = toAmountUnits(sale.revenue);
    facts.cogs = toAmountUnits(sale.cogs);
    facts.costs.fill(0);
    let costToServe = 0;
    for (const [name, cost] of Object.entries(sale.costs ?? {})) {
      facts.costs[componentIndex.get(name) as number] = toAmountUnits(cost);
      costToServe += toAmountUnits(cost);
    }
    facts.profit = facts.revenue - facts.cogs - costToServe;
    facts.quantity = 0;
    discountFromRate(facts.revenue, toAmountUnits(sale.discountRate ?? 0), facts);
    let orderId = orderIds.get(sale.order);
    if (orderId === undefined) {
      orderId = orderIds.size + 1;
      orderIds.set(sale.order, orderId);
    }
    facts.orderHash = orderId;
    cube.add(facts);
  }
  return cube;
}

/** The twelve months of a year, as month indexes. */
export function monthsOf(year: number): number[] {
  return Array.from({ length: 12 }, (_, m) => monthIndex(year, m + 1));
}
