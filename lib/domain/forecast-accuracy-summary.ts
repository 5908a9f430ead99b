import {
  DEFAULT_BACKTEST,
  type ForecastMethod,
  MINIMUM_TRAINING_MONTHS,
  type SchemeForecastAccuracy,
} from "#domain/scheme-backtest.ts";

/**
 * A scheme's backtest in one plain sentence, as the API answers it and the leadership page shows it:
 * how far off the projection's first year was, beside the two forecasts a planner has without it.
 */

/** The methods as a planner calls them. */
export const FORECAST_METHOD_NAMES: Readonly<Record<ForecastMethod, string>> = {
  fitted: "the fitted model",
  "trailing-year-naive": "'same as the last 12 months'",
  "seasonal-naive": "seasonal naive",
};

/** The figures the sentence reads; a backtest may carry more. */
export type ForecastAccuracyFacts = Pick<SchemeForecastAccuracy, "cutoffs" | "chosen"> & {
  readonly methods: Readonly<Record<ForecastMethod, { readonly revenue: { readonly wape: number | null } }>>;
};

/**
 * "Over 6 cut-offs the projection's year-1 revenue was off by 12% (WAPE), against 18% for 'same as
 * the last 12 months' and 17% for seasonal naive; projections use the fitted model." A scheme without
 * a backtest (null) gets the reason: its data is too short for one cut-off.
 */
export function forecastAccuracySummary(accuracy: ForecastAccuracyFacts | null): string {
  if (accuracy === null) {
    return `Too little history to backtest the projection: a cut-off needs ${MINIMUM_TRAINING_MONTHS} months before it and ${DEFAULT_BACKTEST.holdout} after.`;
  }
  const count = accuracy.cutoffs.length;
  const over = `Over ${count} cut-off${count === 1 ? "" : "s"}`;
  const uses = `projections use ${FORECAST_METHOD_NAMES[accuracy.chosen]}`;
  const { fitted, "trailing-year-naive": trailingYear, "seasonal-naive": seasonal } = accuracy.methods;
  // The three methods share the actual figures WAPE divides by: one is null only when all are.
  if (fitted.revenue.wape === null) {
    return `${over} the held-out months had no revenue to measure the projection's error against; ${uses}.`;
  }
  return `${over} the projection's year-1 revenue was off by ${percent(fitted.revenue.wape)} (WAPE), against ${percent(trailingYear.revenue.wape)} for ${FORECAST_METHOD_NAMES["trailing-year-naive"]} and ${percent(seasonal.revenue.wape)} for ${FORECAST_METHOD_NAMES["seasonal-naive"]}; ${uses}.`;
}

/** 0.1234 → "12%"; below 10%, one decimal: 0.024 → "2.4%". */
function percent(share: number | null): string {
  if (share === null) return "an unmeasured share";
  const points = share * 100;
  return `${points < 10 ? Number(points.toFixed(1)) : Math.round(points)}%`;
}
