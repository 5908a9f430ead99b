import { type HoltParameters, holtDampedFit, holtDampedForecast } from "#domain/forecast.ts";
import {
  MAX_HORIZON_YEARS,
  netPresentValue,
  type ProjectedYear,
  type Projection,
  type ProjectionSettings,
  type SegmentHistory,
} from "#domain/projection.ts";

/**
 * A base projection for tests of what is built on one (forces of change): Holt's damped trend with
 * fixed α, β and φ on monthly revenue and margin, the product's projection before fitted ETS. Plain and
 * deterministic, so a test can redo its years by hand.
 */
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
 * The months ahead by Holt's damped trend with the policy's fixed α, β and φ: revenue clamped at 0,
 * margin at [−1, 1] (see projectBase), profit their product.
 */
function holtMonths(
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
