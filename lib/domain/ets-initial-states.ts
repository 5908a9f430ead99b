/**
 * Where a seasonal exponential-smoothing recurrence starts: the level, trend and seasonal states before
 * the first month. (A model without a season needs none of this: its errors are linear in its start,
 * which the recurrence solves for exactly; see EtsRecurrence.) They are set by a heuristic from the
 * first seasons and not optimised with the smoothing parameters: optimising them would add 1–13 dimensions to the search (a seasonal model has 11 free
 * seasonal states) and multiply the cost of a fit that must run on 100,000 segments in seconds, while on
 * a few years of months the smoothing parameters soon correct a reasonable start. AICc still counts them
 * as estimated, because they are estimated from the data the model is judged on.
 */

export type Seasonality = "none" | "additive" | "multiplicative";

export interface InitialStates {
  readonly level: number;
  /** 0 for a model without trend. */
  readonly trend: number;
  /** One state per month of the season, the first observation's month first; empty without seasonality. */
  readonly season: Float64Array;
}

/** Seasons the seasonal indices average over at most: enough to steady them, early enough to be a start. */
const DECOMPOSITION_SEASONS = 3;

/**
 * The start for a model, from `observations` (n ≥ 1; n ≥ 2 seasons when seasonal):
 * - seasonal indices by classical decomposition of the first (up to three) full seasons: a centred moving
 *   average of one season is the local level, each month's index the mean of its differences from it
 *   (ratios to it when multiplicative), normalised to sum 0 (to average 1);
 * - with a trend, level and trend are the intercept (one month before the first) and slope of the
 *   least-squares line through the first two seasons of the seasonally adjusted series;
 * - without, the level is the mean of the first season of the seasonally adjusted series.
 * Multiplicative seasonality needs a strictly positive series; the caller checks.
 */
export function initialStates(
  observations: Float64Array,
  count: number,
  seasonality: Seasonality,
  withTrend: boolean,
  seasonMonths: number,
): InitialStates {
  const season =
    seasonality === "none"
      ? new Float64Array(0)
      : seasonalIndices(observations, count, seasonality, seasonMonths);
  const adjusted = { observations, season, seasonality, seasonMonths };
  if (!withTrend) {
    const months = Math.min(count, seasonMonths);
    let total = 0;
    for (let t = 0; t < months; t++) total += seasonallyAdjusted(adjusted, t);
    return { level: total / months, trend: 0, season };
  }
  const { intercept, slope } = leastSquaresLine(adjusted, Math.min(count, 2 * seasonMonths));
  return { level: intercept, trend: slope, season };
}

interface SeasonallyAdjusted {
  readonly observations: Float64Array;
  readonly season: Float64Array;
  readonly seasonality: Seasonality;
  readonly seasonMonths: number;
}

/** Month t with its seasonal index taken out. */
function seasonallyAdjusted(series: SeasonallyAdjusted, t: number): number {
  const observed = series.observations[t] as number;
  if (series.seasonality === "none") return observed;
  const index = series.season[t % series.seasonMonths] as number;
  return series.seasonality === "additive" ? observed - index : observed / index;
}

/**
 * The line a + b·t through points t = 1…count (t = 0 is the month before the first, where the level
 * starts). A single point gives a flat line through it.
 */
function leastSquaresLine(series: SeasonallyAdjusted, count: number): { intercept: number; slope: number } {
  const meanTime = (count + 1) / 2;
  let meanValue = 0;
  for (let t = 0; t < count; t++) meanValue += seasonallyAdjusted(series, t);
  meanValue /= count;
  let covariance = 0;
  let variance = 0;
  for (let t = 0; t < count; t++) {
    const centredTime = t + 1 - meanTime;
    covariance += centredTime * (seasonallyAdjusted(series, t) - meanValue);
    variance += centredTime * centredTime;
  }
  const slope = variance > 0 ? covariance / variance : 0;
  return { intercept: meanValue - slope * meanTime, slope };
}

/**
 * Each month's seasonal index from the centred moving average of one season (for an even season, the
 * 2×m average: half weight on the two ends). Every month of the season gets at least one value from
 * two full seasons, which is why seasonal models need two.
 */
function seasonalIndices(
  observations: Float64Array,
  count: number,
  seasonality: "additive" | "multiplicative",
  seasonMonths: number,
): Float64Array {
  const months = Math.min(Math.floor(count / seasonMonths), DECOMPOSITION_SEASONS) * seasonMonths;
  const half = Math.floor(seasonMonths / 2);
  const even = seasonMonths % 2 === 0;
  const totals = new Float64Array(seasonMonths);
  const counts = new Float64Array(seasonMonths);
  for (let t = half; t < months - half; t++) {
    let window = 0;
    for (let u = t - half; u <= t + half; u++) window += observations[u] as number;
    if (even) window -= ((observations[t - half] as number) + (observations[t + half] as number)) / 2;
    const localLevel = window / seasonMonths;
    const observed = observations[t] as number;
    const month = t % seasonMonths;
    totals[month] =
      (totals[month] as number) +
      (seasonality === "additive" ? observed - localLevel : observed / localLevel);
    counts[month] = (counts[month] as number) + 1;
  }
  let mean = 0;
  for (let month = 0; month < seasonMonths; month++) {
    totals[month] = (totals[month] as number) / (counts[month] as number);
    mean += totals[month] as number;
  }
  mean /= seasonMonths;
  for (let month = 0; month < seasonMonths; month++) {
    const index = totals[month] as number;
    totals[month] = seasonality === "additive" ? index - mean : index / mean;
  }
  return totals;
}
