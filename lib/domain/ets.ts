/**
 * Fitting and choosing exponential-smoothing models: the entry point of the engine, which also
 * re-exports the models (ets-model.ts) and their forecasts and error variances (ets-forecast.ts), so that
 * callers import everything from here.
 */
import { initialStates } from "#domain/ets-initial-states.ts";
import {
  ETS_MODELS,
  type EtsFit,
  type EtsModel,
  hasTrend,
  parameterCount,
  seasonalityOf,
} from "#domain/ets-model.ts";
import { EtsRecurrence } from "#domain/ets-recurrence.ts";
import { SimplexSearch } from "#domain/nelder-mead.ts";

export { etsForecast, forecastErrorVariance } from "#domain/ets-forecast.ts";
export {
  ETS_MODELS,
  type EtsFit,
  type EtsModel,
  hasTrend,
  parameterCount,
  seasonalityOf,
} from "#domain/ets-model.ts";

export interface EtsOptions {
  /** Months in a season; 12 by default. */
  readonly seasonMonths?: number;
  /** Full seasons a seasonal model needs, at least (and by default) 2. */
  readonly minimumSeasons?: number;
}

export interface EtsSelectionOptions extends EtsOptions {
  /** The candidates; all six by default. ANN is the fallback whatever the list. */
  readonly models?: readonly EtsModel[];
}

/** Where the search starts, as fractions of each parameter's range: α 0.3, β 0.1α, γ 0.1(1 − α), φ 0.9. */
const START_ALPHA = 0.3;
const START_BETA_SHARE = 0.1;
const START_GAMMA_SHARE = 0.1;
const START_PHI = 0.9;

/**
 * The first search stops when the simplex's SSEs agree to 1e-3 relatively, then restarts once from its
 * best point with a fresh, smaller simplex and stops at 1e-4: the restart is the usual cure for Nelder–Mead
 * stalling on a face of the box or across a narrow valley, and on generated segments it halves how often a
 * fit ends more than 1% above the best SSE long searches find. Tighter tolerances buy digits of α that
 * change no forecast at a third more evaluations. Each search is capped at 40 evaluations per dimension.
 */
const FIRST_SEARCH = { initialStep: 0.2, relativeTolerance: 1e-3 };
const RESTART = { initialStep: 0.1, relativeTolerance: 1e-4 };
const EVALUATIONS_PER_DIMENSION = 40;

/**
 * An SSE this small relative to the series' scale is an exact fit up to rounding, counted as 0 so that a
 * constant or exactly repeating series has AICc −Infinity for every model that fits it, and the simplest
 * wins.
 */
const EXACT_FIT_SCALE = 1e-10;

/**
 * One model fitted to a monthly series (oldest first): α, β, γ, φ minimise the SSE of the one-step errors
 * within the admissible region (0 < β < α < 1, 0 < γ < 1 − α, 0.8 ≤ φ ≤ 0.98), from the initial states of
 * ets-initial-states.ts. Undefined when the model does not apply: seasonal with fewer than two seasons,
 * multiplicative on a series with a month ≤ 0, or n ≤ k + 1 (except ANN, which fits any non-empty series).
 */
export function fitEts(
  series: ArrayLike<number>,
  model: EtsModel,
  options: EtsOptions = {},
): EtsFit | undefined {
  const seasonMonths = checkedSeasonMonths(options.seasonMonths);
  recurrence.load(series);
  return fitLoaded(model, seasonMonths, Math.max(2, options.minimumSeasons ?? 2));
}

/** Smoothing parameters given rather than fitted; those the model has not are ignored. */
export interface EtsParameters {
  readonly alpha: number;
  readonly beta?: number;
  readonly gamma?: number;
  readonly phi?: number;
}

/**
 * The model run over the series with the given smoothing parameters instead of fitted ones, from the
 * same initial states as a fit: for a parameter set chosen elsewhere (another segment, a policy), and for
 * checking the recurrence by hand. Undefined where fitEts would be. Parameters must lie in [0, 1].
 */
export function applyEts(
  series: ArrayLike<number>,
  model: EtsModel,
  parameters: EtsParameters,
  options: EtsOptions = {},
): EtsFit | undefined {
  const seasonMonths = checkedSeasonMonths(options.seasonMonths);
  const { alpha, beta = 0, gamma = 0, phi = 1 } = parameters;
  for (const [name, value] of Object.entries({ alpha, beta, gamma, phi })) {
    if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must lie in [0, 1], not ${value}`);
  }
  recurrence.load(series);
  return fitLoaded(model, seasonMonths, Math.max(2, options.minimumSeasons ?? 2), parameters);
}

/**
 * The fit with the lowest AICc among the candidates that can be fitted: seasonal ones only with
 * ≥ minimumSeasons seasons, multiplicative ones only on strictly positive series, none with n ≤ k + 1.
 * A series of length ≥ 1 gets at least ANN; an empty one a flat ANN at 0 with no observations.
 */
export function selectEts(series: ArrayLike<number>, options: EtsSelectionOptions = {}): EtsFit {
  const seasonMonths = checkedSeasonMonths(options.seasonMonths);
  recurrence.load(series);
  if (recurrence.count === 0) return emptyFit();
  const minimumSeasons = Math.max(2, options.minimumSeasons ?? 2);
  const candidates = options.models ?? ETS_MODELS;
  let chosen: EtsFit | undefined;
  for (const model of ETS_MODELS) {
    if (!candidates.includes(model)) continue;
    const fit = fitLoaded(model, seasonMonths, minimumSeasons);
    if (
      fit !== undefined &&
      fit.aicc < Number.POSITIVE_INFINITY &&
      (chosen === undefined || fit.aicc < chosen.aicc)
    ) {
      chosen = fit;
    }
  }
  return chosen ?? (fitLoaded("ANN", seasonMonths, minimumSeasons) as EtsFit);
}

/**
 * One recurrence and one search serve every fit: their arrays are allocated once and reused, which is
 * what keeps the few hundred evaluations of a fit free of allocation.
 */
const recurrence = new EtsRecurrence();
const search = new SimplexSearch(4);
const sumOfSquaredErrorsAt = (point: Float64Array): number => {
  recurrence.setParameters(point);
  return recurrence.sumOfSquaredErrors();
};
const startPoint = new Float64Array(4);
/** One settings object of one shape, updated per search, so the search's reads of it stay monomorphic. */
const searchSettings = { initialStep: 0, relativeTolerance: 0, absoluteTolerance: 0, maxEvaluations: 0 };

/**
 * Fits a model to the series loaded in `recurrence` (or runs it with `given` parameters), or undefined if
 * the model does not apply to the series.
 */
function fitLoaded(
  model: EtsModel,
  seasonMonths: number,
  minimumSeasons: number,
  given?: EtsParameters,
): EtsFit | undefined {
  const { count, observations } = recurrence;
  if (count === 0) return undefined;
  const seasonality = seasonalityOf(model);
  const trended = hasTrend(model);
  const k = parameterCount(model, seasonMonths);
  const tooShort = count - k - 1 <= 0;
  if (tooShort && model !== "ANN") return undefined;
  if (seasonality !== "none" && count < minimumSeasons * seasonMonths) return undefined;
  if (seasonality === "multiplicative" && !strictlyPositive(observations, count)) return undefined;

  // Without a season the recurrence solves for its start itself (see EtsRecurrence.runWithoutSeason).
  recurrence.prepare(
    seasonality,
    trended,
    seasonMonths,
    seasonality === "none"
      ? SOLVED_START
      : initialStates(observations, count, seasonality, trended, seasonMonths),
  );
  const exactFit = count * (EXACT_FIT_SCALE * largestMagnitude(observations, count)) ** 2;
  if (given === undefined) searchParameters(exactFit);
  else recurrence.setSmoothing(given.alpha, given.beta ?? 0, given.gamma ?? 0, given.phi ?? 1);
  const rawSse = recurrence.sumOfSquaredErrors();
  const sse = rawSse <= exactFit ? 0 : rawSse;
  const season = seasonality === "none" ? NO_SEASON : new Float64Array(seasonMonths);
  for (let h = 0; h < season.length; h++) {
    season[h] = recurrence.seasonStates[(recurrence.nextSeason + h) % seasonMonths] as number;
  }
  return {
    model,
    alpha: recurrence.alpha,
    beta: recurrence.beta,
    gamma: recurrence.gamma,
    phi: recurrence.phi,
    level: recurrence.level,
    trend: recurrence.trend,
    season,
    sigma: Math.sqrt(sse / count),
    innovationVariance: sse / Math.max(1, count - (k - 1)),
    aicc: tooShort ? Number.POSITIVE_INFINITY : aicc(sse, count, k),
    observations: count,
  };
}

/** Leaves the recurrence set to the parameters with the least SSE the search finds. */
function searchParameters(exactFit: number): void {
  const dimension = recurrence.dimension;
  if (dimension === 1) {
    goldenSection();
    return;
  }
  recurrence.pointOf(START_ALPHA, START_BETA_SHARE, START_GAMMA_SHARE, START_PHI, startPoint);
  searchSettings.absoluteTolerance = exactFit;
  searchSettings.maxEvaluations = EVALUATIONS_PER_DIMENSION * dimension;
  Object.assign(searchSettings, FIRST_SEARCH);
  search.minimise(sumOfSquaredErrorsAt, startPoint, dimension, searchSettings);
  Object.assign(searchSettings, RESTART);
  search.minimise(sumOfSquaredErrorsAt, search.best, dimension, searchSettings);
  recurrence.setParameters(search.best);
}

/** A model without a season has no seasonal states: one empty array serves every such fit. */
const NO_SEASON = new Float64Array(0);
const SOLVED_START = { level: 0, trend: 0, season: NO_SEASON };

/** The search stops when α's place in its range is known to this much. */
const GOLDEN_TOLERANCE = 1e-3;
const GOLDEN_RATIO = (Math.sqrt(5) - 1) / 2;

/**
 * A level-only model has one parameter, and there a golden-section search beats a simplex: the SSE of
 * simple exponential smoothing is unimodal in α, and 16 evaluations place α to 1e-3 of its range, where
 * Nelder–Mead crept along the edge α → 1 for up to 80 (a trending series, which wants the largest α).
 */
function goldenSection(): void {
  let low = 0;
  let high = 1;
  let left = high - GOLDEN_RATIO * (high - low);
  let right = low + GOLDEN_RATIO * (high - low);
  let leftSse = sseAtUnit(left);
  let rightSse = sseAtUnit(right);
  while (high - low > GOLDEN_TOLERANCE) {
    if (leftSse <= rightSse) {
      high = right;
      right = left;
      rightSse = leftSse;
      left = high - GOLDEN_RATIO * (high - low);
      leftSse = sseAtUnit(left);
    } else {
      low = left;
      left = right;
      leftSse = rightSse;
      right = low + GOLDEN_RATIO * (high - low);
      rightSse = sseAtUnit(right);
    }
  }
  startPoint[0] = leftSse <= rightSse ? left : right;
  recurrence.setParameters(startPoint);
}

function sseAtUnit(unit: number): number {
  startPoint[0] = unit;
  return sumOfSquaredErrorsAt(startPoint);
}

/** AICc = n·ln(SSE/n) + 2k + 2k(k+1)/(n−k−1): −Infinity for an exact fit, which every fuller model ties. */
function aicc(sse: number, count: number, k: number): number {
  if (sse === 0) return Number.NEGATIVE_INFINITY;
  return count * Math.log(sse / count) + 2 * k + (2 * k * (k + 1)) / (count - k - 1);
}

function checkedSeasonMonths(seasonMonths = 12): number {
  if (!Number.isInteger(seasonMonths) || seasonMonths < 2) {
    throw new RangeError(`a season needs a whole number of months ≥ 2, not ${seasonMonths}`);
  }
  return seasonMonths;
}

function strictlyPositive(observations: Float64Array, count: number): boolean {
  for (let t = 0; t < count; t++) if (!((observations[t] as number) > 0)) return false;
  return true;
}

function largestMagnitude(observations: Float64Array, count: number): number {
  let largest = 0;
  for (let t = 0; t < count; t++) largest = Math.max(largest, Math.abs(observations[t] as number));
  return largest;
}

function emptyFit(): EtsFit {
  return {
    model: "ANN",
    alpha: 0,
    beta: 0,
    gamma: 0,
    phi: 1,
    level: 0,
    trend: 0,
    season: new Float64Array(0),
    sigma: 0,
    innovationVariance: 0,
    aicc: Number.POSITIVE_INFINITY,
    observations: 0,
  };
}
