/**
 * Repair before decline (Byrnes: fix drains by repricing and cutting the cost of serving them, don't
 * just drop them). A segment's projected years are repaired with two levers, each pulled only where
 * the segment does worse than the scheme's median segment:
 *
 *   price:          revenue_y × (median realization ÷ realization − 1) — the same list revenue sold
 *                   at the median price realization;
 *   cost-to-serve:  revenue_y × (intensity − median intensity) — served at the median cost per unit
 *                   of revenue;
 *
 * and the repaired NPV is Σ (profit_y + levers_y) ÷ (1 + r)^y, discounted as the projection's NPV is.
 */

export type LeverKind = "price" | "costToServe";

export interface RepairInputs {
  /** The base projection's years: revenue and profit, year 1 first. */
  readonly years: ReadonlyArray<{ readonly year: number; readonly revenue: number; readonly profit: number }>;
  readonly discountRate: number;
  /** Net ÷ list revenue; null without revenue. */
  readonly priceRealization: number | null;
  readonly medianPriceRealization: number | null;
  /** Cost-to-serve ÷ revenue; null without revenue. */
  readonly costToServeIntensity: number | null;
  readonly medianCostToServeIntensity: number | null;
}

export interface Lever {
  readonly kind: LeverKind;
  /** The segment's own figure and the scheme median it is brought to. */
  readonly own: number;
  readonly median: number;
  /** What the lever adds to profit, per projected year. */
  readonly perYear: readonly number[];
  /** The mean of perYear: what it is worth a year over the horizon. */
  readonly yearly: number;
}

export interface Repair {
  /** The levers pulled, price first; none when the segment is at or better than the median on both. */
  readonly levers: readonly Lever[];
  readonly npv: number;
}

export function repair(inputs: RepairInputs): Repair {
  const levers: Lever[] = [];
  const realization = inputs.priceRealization;
  const medianRealization = inputs.medianPriceRealization;
  if (
    realization !== null &&
    medianRealization !== null &&
    realization > 0 &&
    realization < medianRealization
  ) {
    levers.push(lever(inputs, "price", realization, medianRealization, medianRealization / realization - 1));
  }
  const intensity = inputs.costToServeIntensity;
  const medianIntensity = inputs.medianCostToServeIntensity;
  if (intensity !== null && medianIntensity !== null && intensity > medianIntensity) {
    levers.push(lever(inputs, "costToServe", intensity, medianIntensity, intensity - medianIntensity));
  }
  let npv = 0;
  inputs.years.forEach(({ year, profit }, y) => {
    let repaired = profit;
    for (const pulled of levers) repaired += pulled.perYear[y] as number;
    npv += repaired / (1 + inputs.discountRate) ** year;
  });
  return { levers, npv };
}

function lever(
  inputs: RepairInputs,
  kind: LeverKind,
  own: number,
  median: number,
  shareOfRevenue: number,
): Lever {
  const perYear = inputs.years.map(({ revenue }) => revenue * shareOfRevenue);
  const yearly = perYear.length === 0 ? 0 : perYear.reduce((sum, value) => sum + value, 0) / perYear.length;
  return { kind, own, median, perYear, yearly };
}
