/**
 * How good a forecast of monthly series was, in the two measures a planner can compare across
 * segments and schemes: WAPE (absolute errors over absolute actuals) and MASE (mean absolute error
 * over the in-sample error of the seasonal naive forecast), beside the naive forecasts a planner
 * would otherwise use. Pure: the series are plain arrays, oldest month first.
 */

/** The months of a year: the period of seasonal naive and of MASE's scale. */
export const SEASON_MONTHS = 12;

/** A forecaster: the next `horizon` months from the months so far. */
export type Forecaster = (history: readonly number[], horizon: number) => number[];

/**
 * "Same as the last 12 months": every month ahead is the mean month of the trailing twelve (or of
 * every month there is, when there are fewer), so a year ahead totals the trailing year.
 */
export const trailingYearNaive: Forecaster = (history, horizon) => {
  const trailing = history.slice(-SEASON_MONTHS);
  const mean = trailing.length === 0 ? 0 : sum(trailing) / trailing.length;
  return Array.from({ length: horizon }, () => mean);
};

/**
 * Seasonal naive: every month ahead repeats the same month of the last year there is. With less
 * than a year of history it repeats the last month.
 */
export const seasonalNaive: Forecaster = (history, horizon) => {
  if (history.length === 0) return Array.from({ length: horizon }, () => 0);
  if (history.length < SEASON_MONTHS) return Array.from({ length: horizon }, () => history.at(-1) ?? 0);
  const lastYear = history.slice(-SEASON_MONTHS);
  return Array.from({ length: horizon }, (_, step) => lastYear[step % SEASON_MONTHS] ?? 0);
};

/** The absolute errors and absolute actuals of forecasts, summed: what WAPE is the ratio of. */
export interface ErrorSums {
  readonly absoluteError: number;
  readonly absoluteActual: number;
}

export function errorSums(actual: readonly number[], forecast: readonly number[]): ErrorSums {
  if (actual.length !== forecast.length)
    throw new RangeError(`${actual.length} actual months against ${forecast.length} forecast months`);
  let absoluteError = 0;
  let absoluteActual = 0;
  for (let month = 0; month < actual.length; month++) {
    absoluteError += Math.abs((actual[month] ?? 0) - (forecast[month] ?? 0));
    absoluteActual += Math.abs(actual[month] ?? 0);
  }
  return { absoluteError, absoluteActual };
}

/**
 * Weighted absolute percentage error: Σ|actual − forecast| ÷ Σ|actual|, so that big segments weigh
 * as their revenue does. Undefined when every actual month is zero (no scale to weigh by).
 */
export function wape(actual: readonly number[], forecast: readonly number[]): number | undefined {
  return wapeOf(errorSums(actual, forecast));
}

/** WAPE of sums gathered over many series or cut-offs: the scheme's figure, not a mean of ratios. */
export function wapeOf({ absoluteError, absoluteActual }: ErrorSums): number | undefined {
  return absoluteActual === 0 ? undefined : absoluteError / absoluteActual;
}

/**
 * Mean absolute scaled error: the forecast's mean absolute error over the mean absolute error that
 * seasonal naive made in the training months (one month back where there is not a year and one
 * month of training). Below 1, the forecast beat that naive forecast on its own history. Undefined
 * when the training months cannot scale it (fewer than two months, or a series naive forecasts
 * exactly).
 */
export function mase(
  actual: readonly number[],
  forecast: readonly number[],
  training: readonly number[],
): number | undefined {
  if (actual.length === 0) return undefined;
  const scale = naiveScale(training);
  if (scale === undefined || scale === 0) return undefined;
  return errorSums(actual, forecast).absoluteError / actual.length / scale;
}

/** The mean absolute in-sample error of seasonal naive (lag 12), or of lag 1 under 13 months. */
function naiveScale(training: readonly number[]): number | undefined {
  const lag = training.length > SEASON_MONTHS ? SEASON_MONTHS : 1;
  if (training.length <= lag) return undefined;
  let total = 0;
  for (let month = lag; month < training.length; month++) {
    total += Math.abs((training[month] ?? 0) - (training[month - lag] ?? 0));
  }
  return total / (training.length - lag);
}

/**
 * The cut-offs of a rolling-origin backtest of a series of `length` months: each leaves `holdout`
 * months after it to forecast, the latest first, `origins` of them a month apart, none leaving less
 * than `minimumTraining` months before it.
 */
export function rollingOrigins(
  length: number,
  { holdout, origins, minimumTraining }: { holdout: number; origins: number; minimumTraining: number },
): number[] {
  const cutoffs: number[] = [];
  for (let cutoff = length - holdout; cutoffs.length < origins && cutoff >= minimumTraining; cutoff--) {
    cutoffs.push(cutoff);
  }
  return cutoffs;
}

/** The error sums of a forecaster over the holdouts of every cut-off of one series. */
export function backtestSums(
  series: readonly number[],
  forecaster: Forecaster,
  cutoffs: readonly number[],
  holdout: number,
): ErrorSums {
  let absoluteError = 0;
  let absoluteActual = 0;
  for (const cutoff of cutoffs) {
    const actual = series.slice(cutoff, cutoff + holdout);
    const sums = errorSums(actual, forecaster(series.slice(0, cutoff), actual.length));
    absoluteError += sums.absoluteError;
    absoluteActual += sums.absoluteActual;
  }
  return { absoluteError, absoluteActual };
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
