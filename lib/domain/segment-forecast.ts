import {
  applyEts,
  type EtsFit,
  type EtsModel,
  etsForecast,
  fitEts,
  forecastErrorVariance,
  selectEts,
} from "#domain/ets.ts";
import { SEASON_MONTHS } from "#domain/forecast-accuracy.ts";
import type { MonthlySeries } from "#domain/scheme-backtest.ts";
import { phaseOf, type SeasonalProfile, scaledProfile, seasonalStrength } from "#domain/seasonal-profile.ts";

/**
 * One segment's months ahead: revenue by exponential smoothing fitted to its own months (with its own
 * season when it has two years of steady sales, or the scheme's season borrowed), margin by a level or
 * damped trend fitted to its monthly margins (a small segment keeps its trailing year's), profit their
 * product; and the models of their errors, which give
 * the spread of any sum of those months. A segment with too few months with sales to fit anything
 * gets "same as the last 12 months", shaped by the scheme's season. Which model and why is part of
 * the result: a planner checking one segment by hand can redo it.
 */
export interface ForecastModel {
  /** The ETS model (ANN, AAdN, ANA, AAdA, ANM, AAdM), "× scheme season" when borrowed; or the naive forecast. */
  readonly name: string;
  readonly reason: string;
}

export interface SegmentForecast {
  /** Months ahead, from the month after the latest: revenue ≥ 0, margin in [−1, 1], profit = revenue × margin. */
  readonly revenue: Float64Array;
  readonly margin: Float64Array;
  readonly profit: Float64Array;
  readonly model: ForecastModel;
  /** The model whose innovations spread revenue; its errors scale month by month by `revenueScale` (the borrowed season). */
  readonly revenueFit: EtsFit | undefined;
  readonly revenueScale: Float64Array | undefined;
  /** The model whose innovations spread the monthly margin. */
  readonly marginFit: EtsFit | undefined;
}

/** The evidence each model needs, counted over the trailing 24 months. */
export const EVIDENCE = {
  /** Months of history before any model is fitted: a year. */
  fitMonths: SEASON_MONTHS,
  /** Months with sales before a model is fitted; fewer is "same as the last 12 months". */
  fitSalesMonths: 6,
  /** Months with sales before a segment's own season is fitted (of the two years a season needs). */
  ownSeasonSalesMonths: 20,
} as const;

const TRENDS: readonly EtsModel[] = ["ANN", "AAdN"];
const LEVEL_ONLY: readonly EtsModel[] = ["ANN"];
const SLOW_MARGIN_ALPHA = 0.1;

/**
 * Amounts are kept in units of 0.0001: a projected month below half of one is nothing, not a sliver a
 * level decayed towards zero leaves (2e-45 of revenue would make a stopped segment's NPV positive).
 */
const LESS_THAN_A_UNIT = 0.00005;

/**
 * What the scheme tells a segment's forecast: its season, and whether the segment is large enough for
 * every candidate model. Fitting is most of the cost of scoring a scheme of 100,000 customers; a
 * segment with under a thousandth of the scheme's revenue cannot show a season or a trend of its own
 * that would move the scheme's figures (on the sample, "same as the last 12 months" beats any trend
 * fitted to a customer), so it fits a level under the scheme's season (or none) and keeps its trailing
 * year's margin.
 */
export interface SchemeContext {
  readonly profile: SeasonalProfile | undefined;
  readonly thorough: boolean;
}

export function forecastSegment(
  history: MonthlySeries,
  scheme: SchemeContext,
  horizon: number,
): SegmentForecast {
  const revenue = revenueForecast(history.revenue, scheme, horizon);
  const margin = marginForecast(history, revenue.fitted, scheme.thorough, horizon);
  const profit = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) profit[h] = (revenue.months[h] as number) * (margin.months[h] as number);
  return {
    revenue: revenue.months,
    margin: margin.months,
    profit,
    model: revenue.model,
    revenueFit: revenue.fit,
    revenueScale: revenue.scale,
    marginFit: margin.fit,
  };
}

/**
 * The standard deviation of Σ_h w_h·revenue_h + Σ_h v_h·margin_h's error, to first order: revenue and
 * margin errors taken as independent, each linear in its model's innovations. A year's revenue is w = 1
 * on its months; a year's profit w = margin, v = revenue on its months; an NPV the same times the discount.
 */
export function forecastSpread(
  forecast: SegmentForecast,
  revenueWeights: Float64Array,
  marginWeights: Float64Array | undefined,
): number {
  let variance = 0;
  if (forecast.revenueFit) {
    const scale = forecast.revenueScale;
    let weights = revenueWeights;
    if (scale) {
      if (scaledWeights.length < revenueWeights.length)
        scaledWeights = new Float64Array(revenueWeights.length);
      weights = scaledWeights.subarray(0, revenueWeights.length);
      for (let h = 0; h < weights.length; h++)
        weights[h] = (revenueWeights[h] as number) * (scale[h] as number);
    }
    variance += forecastErrorVariance(forecast.revenueFit, weights);
  }
  if (forecast.marginFit && marginWeights)
    variance += forecastErrorVariance(forecast.marginFit, marginWeights);
  return Math.sqrt(Math.max(0, variance));
}

/** Revenue weights times the borrowed season, reused from call to call. */
let scaledWeights = new Float64Array(60);

/** The spread of the first year's revenue and profit: what the backtest holds the actual years against. */
export function yearOneSpread(forecast: SegmentForecast): { revenue: number; profit: number } {
  const months = Math.min(SEASON_MONTHS, forecast.revenue.length);
  const ones = new Float64Array(months).fill(1);
  return {
    revenue: forecastSpread(forecast, ones, undefined),
    profit: forecastSpread(forecast, forecast.margin.slice(0, months), forecast.revenue.slice(0, months)),
  };
}

interface RevenueForecast {
  readonly months: Float64Array;
  readonly model: ForecastModel;
  readonly fit: EtsFit | undefined;
  readonly scale: Float64Array | undefined;
  /** Whether a model was fitted (enough evidence), which the margin follows. */
  readonly fitted: boolean;
}

function revenueForecast(
  revenue: readonly number[],
  { profile, thorough }: SchemeContext,
  horizon: number,
): RevenueForecast {
  const n = revenue.length;
  const salesMonths = monthsWithSales(revenue);
  if (n < EVIDENCE.fitMonths || salesMonths < EVIDENCE.fitSalesMonths) {
    const seasonIn = profile
      ? Float64Array.from(revenue, (_, t) => profile[phaseOf(t, n)] as number)
      : undefined;
    const seasonAhead = profile
      ? Float64Array.from({ length: horizon }, (_, h) => profile[(h + 1) % SEASON_MONTHS] as number)
      : undefined;
    const deseasonalised = seasonIn ? revenue.map((y, t) => y / (seasonIn[t] as number)) : revenue;
    const trailing = Math.min(SEASON_MONTHS, n);
    let sales = 0;
    let weight = 0;
    for (let t = n - trailing; t < n; t++) {
      sales += revenue[t] as number;
      weight += seasonIn ? (seasonIn[t] as number) : 1;
    }
    const level = weight > 0 ? sales / weight : 0;
    return {
      months: Float64Array.from({ length: horizon }, (_, h) =>
        Math.max(0, level * (seasonAhead ? (seasonAhead[h] as number) : 1)),
      ),
      model: {
        name: `same as the last 12 months${profile ? " × scheme season" : ""}`,
        reason:
          n < EVIDENCE.fitMonths
            ? `only ${n} months of history; a fitted model needs ${EVIDENCE.fitMonths}`
            : `sales in only ${salesMonths} of the last 24 months; a fitted model needs ${EVIDENCE.fitSalesMonths}`,
      },
      fit: n >= 2 ? fitEts(deseasonalised, "ANN") : undefined,
      scale: seasonAhead,
      fitted: false,
    };
  }

  const ownSeason = thorough && n >= 2 * SEASON_MONTHS && salesMonths >= EVIDENCE.ownSeasonSalesMonths;
  let chosen: Candidate | undefined;
  const trends = thorough ? TRENDS : LEVEL_ONLY;
  if (thorough || !profile) {
    const fit = selectEts(revenue, ownSeason ? {} : { models: trends });
    chosen = { fit, aicc: fit.aicc, scale: undefined, strength: undefined };
  }
  if (profile) {
    chosen = better(chosen, borrowedSeason(revenue, profile, 1, trends, horizon));
    const strength = thorough ? seasonalStrength(revenue, profile) : undefined;
    if (strength !== undefined) {
      chosen = better(chosen, borrowedSeason(revenue, profile, strength, trends, horizon));
    }
  }
  if (chosen === undefined) throw new Error("unreachable: a segment gets its own fit or the scheme's season");
  const point = etsForecast(chosen.fit, horizon);
  // The point forecast is this segment's own array: scaled in place, not copied.
  const months = point;
  for (let h = 0; h < horizon; h++) {
    const month = (point[h] as number) * (chosen.scale ? (chosen.scale[h] as number) : 1);
    months[h] = month < LESS_THAN_A_UNIT ? 0 : month;
  }
  const seasonal = chosen.fit.model.endsWith("A") || chosen.fit.model.endsWith("M");
  return {
    months,
    model: {
      name: `${chosen.fit.model}${chosen.scale ? ` × scheme season${chosen.strength === undefined ? "" : ` × ${chosen.strength.toFixed(2)}`}` : ""}`,
      reason: chosen.scale
        ? `its own level and trend, the scheme's season${chosen.strength === undefined ? "" : ` ${chosen.strength.toFixed(2)} times as strong`}: the lowest AICc`
        : seasonal
          ? "its own level, trend and season: the lowest AICc"
          : `the lowest AICc${ownSeason ? "" : thorough ? `; its own season needs ${EVIDENCE.ownSeasonSalesMonths} of 24 months with sales` : ""}`,
    },
    fit: chosen.fit,
    scale: chosen.scale,
    fitted: true,
  };
}

interface Candidate {
  readonly fit: EtsFit;
  /** AICc of the months themselves, with the season's own parameter counted. */
  readonly aicc: number;
  /** The borrowed season's factors for the months ahead, which the forecast and its errors scale by. */
  readonly scale: Float64Array | undefined;
  /** κ when the scheme's season was scaled to the segment's (see seasonalStrength). */
  readonly strength: number | undefined;
}

function better(current: Candidate | undefined, challenger: Candidate): Candidate {
  return current === undefined || challenger.aicc < current.aicc ? challenger : current;
}

/**
 * A level, or a level and damped trend, fitted to the months divided by the scheme's season (scaled by κ when
 * `strength` ≠ 1). Its AICc is that of the months themselves: the deseasonalised fit's, plus twice the
 * log of the scaling (the change of variables), plus 2 for κ when it was estimated.
 */
function borrowedSeason(
  revenue: readonly number[],
  profile: SeasonalProfile,
  strength: number,
  models: readonly EtsModel[],
  horizon: number,
): Candidate {
  const factors = strength === 1 ? profile : scaledProfile(profile, strength);
  const n = revenue.length;
  const logs = logFactors(factors);
  let logScale = 0;
  const deseasonalised = scratchOf(n);
  for (let t = 0, phase = phaseOf(0, n); t < n; t++, phase = phase + 1 === SEASON_MONTHS ? 0 : phase + 1) {
    logScale += logs[phase] as number;
    deseasonalised[t] = (revenue[t] as number) / (factors[phase] as number);
  }
  const fit = selectEts(deseasonalised, { models });
  return {
    fit,
    aicc: fit.aicc + 2 * logScale + (strength === 1 ? 0 : 2),
    scale: Float64Array.from({ length: horizon }, (_, h) => factors[(h + 1) % SEASON_MONTHS] as number),
    strength: strength === 1 ? undefined : strength,
  };
}

/**
 * Margins month by month (months with revenue, each clamped to [−1, 1] like the forecast), fitted as a
 * level or damped trend for a large segment whose revenue was fitted; otherwise the trailing year's
 * margin, profit over revenue, held flat, with the spread of a level that moves slowly (α = 0.1) over
 * its monthly margins: a small segment's months are too few and too noisy to fit a margin model worth
 * its cost, and the backtest widens the profit intervals where that spread falls short.
 */
function marginForecast(
  history: MonthlySeries,
  fitted: boolean,
  thorough: boolean,
  horizon: number,
): { months: Float64Array; fit: EtsFit | undefined } {
  const all = scratchOf(history.revenue.length);
  let count = 0;
  history.revenue.forEach((revenue, t) => {
    if (revenue > 0) all[count++] = clampMargin((history.profit[t] as number) / revenue);
  });
  const margins = all.subarray(0, count);
  if (fitted && thorough && margins.length >= EVIDENCE.fitSalesMonths) {
    const fit = selectEts(margins, { models: TRENDS });
    return { months: etsForecast(fit, horizon).map(clampMargin), fit };
  }
  // The trailing year's margin, revenue-weighted, held flat; its spread that of a slowly moving level.
  const margin = trailingMargin(history);
  return {
    months: new Float64Array(horizon).fill(margin),
    fit: margins.length >= 2 ? applyEts(margins, "ANN", { alpha: SLOW_MARGIN_ALPHA }) : undefined,
  };
}

/** Profit over revenue of the trailing twelve months, or of every month when those sold nothing. */
function trailingMargin({ revenue, profit }: MonthlySeries): number {
  for (const from of [Math.max(0, revenue.length - SEASON_MONTHS), 0]) {
    let sales = 0;
    let earned = 0;
    for (let t = from; t < revenue.length; t++) {
      sales += revenue[t] as number;
      earned += profit[t] as number;
    }
    if (sales > 0) return clampMargin(earned / sales);
  }
  return 0;
}

/** ln of each factor of a profile, kept with the profile: a scheme's 100,000 segments share one. */
const logsOfProfile = new WeakMap<SeasonalProfile, Float64Array>();

function logFactors(factors: SeasonalProfile): Float64Array {
  let logs = logsOfProfile.get(factors);
  if (!logs) {
    logs = factors.map(Math.log);
    logsOfProfile.set(factors, logs);
  }
  return logs;
}

/**
 * A series handed to a fit is copied into the fit's own buffer, so the deseasonalised months and the
 * margins can live in one reused array: at 100,000 segments a scheme, their garbage was felt.
 */
let scratch = new Float64Array(64);

function scratchOf(length: number): Float64Array {
  if (scratch.length < length) scratch = new Float64Array(2 * length);
  return scratch.subarray(0, length);
}

function monthsWithSales(revenue: readonly number[]): number {
  let months = 0;
  for (let t = Math.max(0, revenue.length - 2 * SEASON_MONTHS); t < revenue.length; t++) {
    if ((revenue[t] as number) > 0) months++;
  }
  return months;
}

/** Margin bounds of the projection (see projection.ts): a loss of twice the revenue is loss enough to decide. */
function clampMargin(margin: number): number {
  return Math.min(1, Math.max(-1, margin));
}
