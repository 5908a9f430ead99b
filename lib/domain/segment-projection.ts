import {
  netPresentValue,
  type ProjectedYear,
  type Projection,
  type ProjectionSettings,
} from "#domain/projection.ts";
import { Z_P90 } from "#domain/scheme-backtest.ts";
import { type ForecastModel, forecastSpread, type SegmentForecast } from "#domain/segment-forecast.ts";

/**
 * A segment's base projection from its forecast months: years of revenue and profit with P10 and P90,
 * and the NPV with its own. The median (P50) is the forecast itself, so `revenue`, `profit` and `npv`
 * keep their meaning for every reader; the bounds are the normal quantiles of the models' spread,
 * widened by the scheme's backtest (see Calibration).
 */
export interface ProjectedYearRange extends ProjectedYear {
  readonly revenueP10: number;
  readonly revenueP90: number;
  readonly profitP10: number;
  readonly profitP90: number;
}

export interface BaseProjection extends Projection {
  readonly years: readonly ProjectedYearRange[];
  readonly npvP10: number;
  readonly npvP90: number;
  /** The model the months came from, and why that one. */
  readonly model: ForecastModel & { readonly method: string };
}

/**
 * How much wider than the models' own spread the intervals are drawn: the factor by which the held-out
 * years of the scheme's backtest missed (≥ 1; the models' spread is kept when the backtest found it wide
 * enough).
 */
export interface Calibration {
  readonly revenue: number;
  readonly profit: number;
}

export const UNCALIBRATED: Calibration = { revenue: 1, profit: 1 };

/**
 * Scratch weights, reused from segment to segment: a scheme of 100,000 customers asks for seven spreads
 * each, and allocating their weights made a fifth of the scoring time collecting garbage. A year's
 * weights stop at its last month; the months after it weigh nothing.
 */
const scratch = {
  revenue: new Float64Array(60),
  margin: new Float64Array(60),
  npvRevenue: new Float64Array(60),
  npvMargin: new Float64Array(60),
};

export function projectForecast(
  forecast: SegmentForecast,
  settings: ProjectionSettings,
  calibration: Calibration,
  method: string,
): BaseProjection {
  const months = 12 * settings.horizonYears;
  const years: ProjectedYearRange[] = [];
  const { revenue: revenueWeights, margin: marginWeights, npvRevenue, npvMargin } = scratch;
  for (let year = 1; year <= settings.horizonYears; year++) {
    const discount = 1 / (1 + settings.discountRate) ** year;
    const end = 12 * year;
    revenueWeights.fill(0, 0, end);
    marginWeights.fill(0, 0, end);
    let revenue = 0;
    let profit = 0;
    for (let h = 12 * (year - 1); h < end; h++) {
      const monthRevenue = forecast.revenue[h] as number;
      const monthMargin = forecast.margin[h] as number;
      revenue += monthRevenue;
      profit += forecast.profit[h] as number;
      revenueWeights[h] = 1;
      npvRevenue[h] = discount * monthMargin;
      npvMargin[h] = discount * monthRevenue;
    }
    const revenueSpread =
      Z_P90 * calibration.revenue * forecastSpread(forecast, revenueWeights.subarray(0, end), undefined);
    for (let h = 12 * (year - 1); h < end; h++) {
      revenueWeights[h] = forecast.margin[h] as number;
      marginWeights[h] = forecast.revenue[h] as number;
    }
    const profitSpread =
      Z_P90 *
      calibration.profit *
      forecastSpread(forecast, revenueWeights.subarray(0, end), marginWeights.subarray(0, end));
    years.push({
      year,
      revenue,
      profit,
      revenueP10: Math.max(0, revenue - revenueSpread),
      revenueP90: revenue + revenueSpread,
      profitP10: profit - profitSpread,
      profitP90: profit + profitSpread,
    });
  }
  const npv = netPresentValue(years, settings.discountRate);
  const npvSpread =
    Z_P90 *
    calibration.profit *
    forecastSpread(forecast, npvRevenue.subarray(0, months), npvMargin.subarray(0, months));
  return {
    years,
    npv,
    npvP10: npv - npvSpread,
    npvP90: npv + npvSpread,
    model: { ...forecast.model, method },
  };
}
