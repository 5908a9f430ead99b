import { type ForceOfChange, forceRamp } from "#domain/forces.ts";

/**
 * What a projection is — years of revenue and profit and the net present value of the profit — and the
 * same years under a force of change. The base years come from the fitted forecasts
 * (segment-forecast.ts, segment-projection.ts). Nothing is rounded: rounding belongs to presentation.
 */
export interface ProjectionSettings {
  /** Whole years projected, 1–5. */
  readonly horizonYears: number;
  /** φ, α and β of the damped trend of monthly profit that the growth score ranks (the projection fits its own). */
  readonly damping: number;
  readonly alpha: number;
  readonly beta: number;
  /** Yearly rate the projected profit is discounted at, e.g. 0.1. */
  readonly discountRate: number;
}

export interface SegmentHistory {
  /** Oldest first, one entry per month up to the latest month of the data (0 for months without lines). */
  readonly monthlyRevenue: readonly number[];
  /** Same months as monthlyRevenue. */
  readonly monthlyProfit: readonly number[];
  /** Cost-to-serve ÷ revenue over the trailing twelve months (0 if unknown). */
  readonly costToServeIntensity: number;
}

export interface ProjectedYear {
  /** 1 = the twelve months after the latest month of the data. */
  readonly year: number;
  readonly revenue: number;
  readonly profit: number;
}

export interface Projection {
  readonly years: readonly ProjectedYear[];
  readonly npv: number;
}

export interface ForceProjection extends Projection {
  readonly forceId: string;
  readonly name: string;
  /** Share of the segment the force reaches, 0–1. */
  readonly exposure: number;
  /** (npv − base npv) ÷ |base npv|; 0 when the base npv is 0. */
  readonly npvChange: number;
  readonly threatened: boolean;
  readonly helped: boolean;
}

export const MAX_HORIZON_YEARS = 5;

/**
 * The base years under a force reaching `exposure` of the segment. In year y, with weight
 * w_y = exposure × ramp(y), volume V_y = Π_{k≤y} (1 + volumeGrowth·w_k), price P_y = 1 + priceRealization·w_y
 * and cost-to-serve S_y = 1 + costToServeIntensity·w_y. The base cost C = R − Π splits into cost-to-serve
 * T = intensity × R, which scales with volume and S, and the rest, which scales with volume:
 *
 *   revenue' = R·V·P        profit' = R·V·P − (C − T)·V − T·V·S
 *
 * profit' is computed as the base profit plus the change, Π + R(VP − 1) − (C − T)(V − 1) − T(VS − 1),
 * so that a year the force does not reach reproduces the base bit for bit, and a force that only lowers
 * price or only raises cost-to-serve can only lower each year's profit, rounding included.
 */
export function projectUnderForce(
  history: SegmentHistory,
  base: Projection,
  force: ForceOfChange,
  exposure: number,
  settings: ProjectionSettings,
  threshold = 0.1,
): ForceProjection {
  if (!(exposure >= 0 && exposure <= 1)) {
    throw new RangeError(`the exposure of a segment to a force is a share from 0 to 1, not ${exposure}`);
  }
  const intensity = history.costToServeIntensity;
  let volume = 1;
  const years = base.years.map(({ year, revenue, profit }): ProjectedYear => {
    const weight = exposure * forceRamp(force, year);
    // Growth compounds: a force that took 15% of the growth last year still holds that volume down.
    volume = Math.max(0, volume * (1 + force.volumeGrowth * weight));
    const price = 1 + force.priceRealization * weight;
    const costToServe = 1 + force.costToServeIntensity * weight;
    const cost = revenue - profit;
    const costToServeCost = intensity * revenue;
    return {
      year,
      revenue: revenue * volume * price,
      profit:
        profit +
        revenue * (volume * price - 1) -
        (cost - costToServeCost) * (volume - 1) -
        costToServeCost * (volume * costToServe - 1),
    };
  });
  const npv = netPresentValue(years, settings.discountRate);
  const band = threshold * Math.abs(base.npv);
  return {
    forceId: force.id,
    name: force.name,
    exposure,
    years,
    npv,
    npvChange: base.npv === 0 ? 0 : (npv - base.npv) / Math.abs(base.npv),
    threatened: npv < base.npv - band,
    helped: npv > base.npv + band,
  };
}

/** Σ profit_y / (1 + rate)^y, summed in year order so the base and a force round alike. */
export function netPresentValue(years: readonly ProjectedYear[], discountRate: number): number {
  let npv = 0;
  for (const { year, profit } of years) npv += profit / (1 + discountRate) ** year;
  return npv;
}
