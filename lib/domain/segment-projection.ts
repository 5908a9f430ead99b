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

export function projectForecast(
  forecast: SegmentForecast,
  settings: ProjectionSettings,
  calibration: Calibration,
  method: string,
): BaseProjection {
  const months = 12 * settings.horizonYears;
  const years: ProjectedYearRange[] = [];
  const npvRevenueWeights = new Float64Array(months);
  const npvMarginWeights = new Float64Array(months);
  for (let year = 1; year <= settings.horizonYears; year++) {
    const discount = 1 / (1 + settings.discountRate) ** year;
    const revenueWeights = new Float64Array(months);
    const marginWeights = new Float64Array(months);
    const profitRevenueWeights = new Float64Array(months);
    let revenue = 0;
    let profit = 0;
    for (let h = 12 * (year - 1); h < 12 * year; h++) {
      revenue += forecast.revenue[h] as number;
      profit += forecast.profit[h] as number;
      revenueWeights[h] = 1;
      profitRevenueWeights[h] = forecast.margin[h] as number;
      marginWeights[h] = forecast.revenue[h] as number;
      npvRevenueWeights[h] = discount * (forecast.margin[h] as number);
      npvMarginWeights[h] = discount * (forecast.revenue[h] as number);
    }
    const revenueSpread =
      Z_P90 * calibration.revenue * forecastSpread(forecast, revenueWeights, new Float64Array(months));
    const profitSpread =
      Z_P90 * calibration.profit * forecastSpread(forecast, profitRevenueWeights, marginWeights);
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
    Z_P90 * calibration.profit * forecastSpread(forecast, npvRevenueWeights, npvMarginWeights);
  return {
    years,
    npv,
    npvP10: npv - npvSpread,
    npvP90: npv + npvSpread,
    model: { ...forecast.model, method },
  };
}
