import { type ForceOfChange, forceRamp } from "#domain/forces.ts";
import { type HoltParameters, holtDampedFit, holtDampedForecast } from "#domain/forecast.ts";

/**
 * The forward projection of a segment: its monthly revenue and margin carried forward by Holt's damped
 * trend, rolled up to years, and the net present value of the projected profit; then the same years
 * under a force of change. Nothing is rounded: rounding belongs to presentation.
 */
export interface ProjectionSettings {
  /** Whole years projected, 1–5. */
  readonly horizonYears: number;
  /** φ of the damped trend, in [0.8, 0.98] by policy. */
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
 * The base case. Month revenue is clamped at 0 because a trend carried past zero would mean the
 * segment's customers pay the company to take its goods back. Margin is clamped to [−1, 1] because a
 * margin trend carried five years ahead can otherwise run past 100% (profit greater than revenue, which
 * non-negative costs cannot give) or compound a falling margin into costs many times revenue. At −1
 * (costs twice the revenue) a segment is deep enough in loss for every decision, and the bound stops an
 * extrapolated trend alone from deciding its NPV; a segment already below −1 is projected at −1, so its
 * loss is understated in size, never in sign.
 */
export function projectBase(history: SegmentHistory, settings: ProjectionSettings): Projection {
  checkHorizon(settings.horizonYears);
  const { monthlyRevenue, monthlyProfit } = history;
  if (monthlyProfit.length !== monthlyRevenue.length) {
    throw new RangeError(
      `a segment history needs one profit per revenue month: ${monthlyRevenue.length} revenue months, ${monthlyProfit.length} profit months`,
    );
  }
  const { revenue: monthRevenue, profit: monthProfit } = holtMonths(
    history,
    settings,
    12 * settings.horizonYears,
  );
  const years: ProjectedYear[] = [];
  for (let year = 1; year <= settings.horizonYears; year++) {
    let revenue = 0;
    let profit = 0;
    for (let month = 12 * (year - 1); month < 12 * year; month++) {
      revenue += monthRevenue[month] as number;
      profit += monthProfit[month] as number;
    }
    years.push({ year, revenue, profit });
  }
  return { years, npv: netPresentValue(years, settings.discountRate) };
}

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

/**
 * The months ahead by Holt's damped trend with the policy's fixed α, β and φ: revenue clamped at 0,
 * margin at [−1, 1] (see projectBase), profit their product.
 */
export function holtMonths(
  history: SegmentHistory,
  holt: HoltParameters,
  months: number,
): { revenue: number[]; profit: number[] } {
  const revenueForecast = holtDampedForecast(
    holtDampedFit(history.monthlyRevenue, holt),
    holt.damping,
    months,
  );
  // With no month of revenue there is no margin to fit: the empty series fits level 0, trend 0, margin 0.
  const marginForecast = holtDampedForecast(
    holtDampedFit(monthlyMargins(history), holt),
    holt.damping,
    months,
  );
  const revenue: number[] = [];
  const profit: number[] = [];
  for (let month = 0; month < months; month++) {
    const monthRevenue = Math.max(0, revenueForecast[month] as number);
    revenue.push(monthRevenue);
    profit.push(monthRevenue * Math.min(1, Math.max(-1, marginForecast[month] as number)));
  }
  return { revenue, profit };
}

/** Σ profit_y / (1 + rate)^y, summed in year order so the base and a force round alike. */
export function netPresentValue(years: readonly ProjectedYear[], discountRate: number): number {
  let npv = 0;
  for (const { year, profit } of years) npv += profit / (1 + discountRate) ** year;
  return npv;
}

/** Profit ÷ revenue of the months with revenue, in order; months without revenue carry no margin. */
function monthlyMargins(history: SegmentHistory): number[] {
  const margins: number[] = [];
  history.monthlyRevenue.forEach((revenue, month) => {
    if (revenue > 0) margins.push((history.monthlyProfit[month] as number) / revenue);
  });
  return margins;
}

function checkHorizon(horizonYears: number): void {
  if (!Number.isInteger(horizonYears) || horizonYears < 1 || horizonYears > MAX_HORIZON_YEARS) {
    throw new RangeError(
      `the projection horizon is a whole number of years from 1 to 5, not ${horizonYears}`,
    );
  }
}
