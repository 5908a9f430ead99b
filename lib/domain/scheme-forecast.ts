import type { ProjectionSettings } from "#domain/projection.ts";
import {
  type BacktestSettings,
  backtestScheme,
  DEFAULT_BACKTEST,
  type ForecasterAtCutoff,
  type ForecastMethod,
  type MonthlySeries,
  type SchemeForecastAccuracy,
  seasonalNaiveForecaster,
  trailingYearForecaster,
} from "#domain/scheme-backtest.ts";
import { seasonalProfile, totalOf } from "#domain/seasonal-profile.ts";
import {
  forecastSegment,
  type SchemeContext,
  type SegmentForecast,
  yearOneSpread,
} from "#domain/segment-forecast.ts";
import {
  type BaseProjection,
  type Calibration,
  projectForecast,
  UNCALIBRATED,
} from "#domain/segment-projection.ts";

/**
 * The projections of a scheme's segments, never worse than naive by construction: the fitted models
 * and the two naive forecasts compete in a rolling-origin backtest on the scheme's own months, the one
 * with the least year-1 error projects every segment, and the backtest's misses set how wide the
 * intervals are drawn.
 */
export interface SchemeForecast {
  /** Undefined when the data is too short to backtest: the fitted models project, uncalibrated. */
  readonly accuracy: SchemeForecastAccuracy | undefined;
  /** One per history, in order. */
  readonly projections: readonly BaseProjection[];
}

export function forecastScheme(
  histories: readonly MonthlySeries[],
  settings: ProjectionSettings,
  monthLabelOf: (monthsBeforeLatest: number) => string,
  backtest: BacktestSettings = DEFAULT_BACKTEST,
): SchemeForecast {
  const accuracy = backtestScheme(histories, fittedForecaster, monthLabelOf, backtest);
  const method: ForecastMethod = accuracy?.chosen ?? "fitted";
  const calibration: Calibration = accuracy
    ? {
        revenue: accuracy.methods[method].revenue.interval80.scale,
        profit: accuracy.methods[method].profit.interval80.scale,
      }
    : UNCALIBRATED;
  const months = 12 * settings.horizonYears;
  const contextOf = schemeContext(totalOf(histories.map((history) => history.revenue)));
  const naive = method === "fitted" ? undefined : { method, forecaster: NAIVE[method](new Float64Array(0)) };
  const projections = histories.map((history) => {
    const fitted = forecastSegment(history, contextOf(history), months);
    const forecast = naive ? withMonths(fitted, naive.forecaster(history, months), naive.method) : fitted;
    return projectForecast(forecast, settings, calibration, method);
  });
  return { accuracy, projections };
}

/** The product's own model, with the scheme's season taken from the training months only. */
export const fittedForecaster: ForecasterAtCutoff = (schemeRevenue) => {
  const contextOf = schemeContext(schemeRevenue);
  return (history, horizon) => {
    const forecast = forecastSegment(history, contextOf(history), horizon);
    return { revenue: forecast.revenue, profit: forecast.profit, spread: yearOneSpread(forecast) };
  };
};

/** A segment with at least this share of the scheme's trailing-year revenue tries every candidate model. */
const THOROUGH_SHARE = 0.001;

/**
 * What a segment's forecast takes from its scheme, given the scheme's monthly revenue (ending in the
 * segment's last month): the season of the total, and whether the segment is large enough to be
 * thorough with.
 */
export function schemeContext(schemeRevenue: Float64Array): (history: MonthlySeries) => SchemeContext {
  const profile = seasonalProfile(schemeRevenue);
  const schemeTrailing = Math.max(0, trailingYear(schemeRevenue));
  return (history) => ({
    profile,
    thorough: trailingYear(history.revenue) >= THOROUGH_SHARE * schemeTrailing,
  });
}

function trailingYear(revenue: ArrayLike<number>): number {
  let total = 0;
  for (let t = Math.max(0, revenue.length - 12); t < revenue.length; t++) total += revenue[t] as number;
  return total;
}

const NAIVE: Readonly<Record<Exclude<ForecastMethod, "fitted">, ForecasterAtCutoff>> = {
  "trailing-year-naive": trailingYearForecaster,
  "seasonal-naive": seasonalNaiveForecaster,
};

const NAIVE_NAMES: Readonly<Record<Exclude<ForecastMethod, "fitted">, string>> = {
  "trailing-year-naive": "same as the last 12 months",
  "seasonal-naive": "seasonal naive",
};

/** The naive months in place of the fitted ones; the fitted models still give the spread. */
function withMonths(
  fitted: SegmentForecast,
  naive: { revenue: ArrayLike<number>; profit: ArrayLike<number> },
  method: Exclude<ForecastMethod, "fitted">,
): SegmentForecast {
  const revenue = Float64Array.from(naive.revenue, (value) => Math.max(0, value));
  const profit = Float64Array.from(naive.profit);
  return {
    ...fitted,
    revenue,
    profit,
    margin: revenue.map((value, h) => (value > 0 ? (profit[h] as number) / value : 0)),
    model: {
      name: NAIVE_NAMES[method],
      reason: `it beat the fitted models on the scheme's backtest (the fitted model would be ${fitted.model.name})`,
    },
  };
}
