/**
 * Byrnes's profit landscape: each segment against the company margin M and the scheme's median
 * segment revenue R50.
 * - peak: R ≥ R50 and m ≥ M — secure and grow;
 * - drain: R ≥ R50 and m < M — fix (reprice, cut cost-to-serve), don't just drop;
 * - desert: R < R50 and m < M — cut cost-to-serve or decline;
 * - niche: R < R50 and m ≥ M — small but profitable; develop if it grows.
 */
export type ProfitClass = "peak" | "drain" | "desert" | "niche";

export interface LandscapeBasis {
  /** Company margin: total profit ÷ total revenue. */
  readonly companyMargin: number;
  /** Median of the scheme's segment revenues. */
  readonly medianRevenue: number;
}

export function landscapeBasis(segments: ReadonlyArray<{ revenue: number; profit: number }>): LandscapeBasis {
  let revenue = 0;
  let profit = 0;
  for (const segment of segments) {
    revenue += segment.revenue;
    profit += segment.profit;
  }
  return {
    companyMargin: revenue > 0 ? profit / revenue : 0,
    medianRevenue: median(segments.map((s) => s.revenue)),
  };
}

/** A segment without positive revenue has no margin to speak of: it counts as below M when it loses money. */
export function profitClass(revenue: number, profit: number, basis: LandscapeBasis): ProfitClass {
  const margin = revenue > 0 ? profit / revenue : profit >= 0 ? 0 : Number.NEGATIVE_INFINITY;
  const large = revenue >= basis.medianRevenue;
  const profitable = margin >= basis.companyMargin;
  if (large) return profitable ? "peak" : "drain";
  return profitable ? "niche" : "desert";
}

/** The median; the mean of the two middle values for an even count; 0 for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
