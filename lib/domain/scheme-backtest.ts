import {
  type ErrorSums,
  mase,
  rollingOrigins,
  SEASON_MONTHS,
  seasonalNaive,
  trailingYearNaive,
  wapeOf,
} from "#domain/forecast-accuracy.ts";
import { totalOf } from "#domain/seasonal-profile.ts";

/**
 * The rolling-origin backtest of a scheme: at each cut-off the segments' months up to it are forecast
 * by every method, and the next `holdout` months, which the data already has, judge them. What it
 * yields is what a planner asks before trusting a projection — how far off was it last year, and did
 * it beat simply assuming next year repeats this one — and which method the scheme's projections use.
 * Pure: the histories are plain arrays.
 */

/** A segment's monthly revenue and profit, oldest first, the last entry the latest month of the data. */
export interface MonthlySeries {
  readonly revenue: readonly number[];
  readonly profit: readonly number[];
}

/** Forecast months of revenue and profit. */
export interface MonthlyForecast {
  readonly revenue: ArrayLike<number>;
  readonly profit: ArrayLike<number>;
  /** The standard deviation of the first year's revenue and profit, where the method has a model of its errors. */
  readonly spread?: { readonly revenue: number; readonly profit: number };
}

/** The methods that compete: the product's fitted model and the two forecasts a planner has without it. */
export const FORECAST_METHODS = ["fitted", "trailing-year-naive", "seasonal-naive"] as const;
export type ForecastMethod = (typeof FORECAST_METHODS)[number];

/**
 * Forecasts one segment. Built once per cut-off from the scheme's total revenue up to it, so that a
 * method drawing on the whole scheme (a seasonal profile borrowed from the total) sees nothing after
 * the cut-off either. The total is all a method may know of the other segments: cutting 100,000
 * histories at every cut-off, to test the few hundred largest, was most of a scoring run's backtest.
 */
export type SegmentForecaster = (history: MonthlySeries, horizon: number) => MonthlyForecast;
export type ForecasterAtCutoff = (schemeRevenue: Float64Array) => SegmentForecaster;

/** "Same as the last 12 months", for revenue and profit alike. */
export const trailingYearForecaster: ForecasterAtCutoff = () => (history, horizon) => ({
  revenue: trailingYearNaive(history.revenue, horizon),
  profit: trailingYearNaive(history.profit, horizon),
});

/** Each month as the same month a year before. */
export const seasonalNaiveForecaster: ForecasterAtCutoff = () => (history, horizon) => ({
  revenue: seasonalNaive(history.revenue, horizon),
  profit: seasonalNaive(history.profit, horizon),
});

/** How far off a method was on one measure (revenue or profit), over every segment and cut-off. */
export interface AccuracyFigures {
  /** Σ|actual − forecast| of each segment's first held-out year ÷ Σ|actual|: the error an NPV inherits. */
  readonly wape: number | null;
  /** The same over single months: seasonality counts here, not in the year's total. */
  readonly monthlyWape: number | null;
  /** Mean over segments and cut-offs of MASE (seasonal naive's in-sample error as the scale). */
  readonly mase: number | null;
}

/**
 * How well the fitted model's spread covered a method's misses: the share of held-out years inside
 * the forecast ± 1.2816 σ (the 80% interval), and the factor σ must be widened by for 80% to be inside.
 */
export interface IntervalFit {
  /** Null when no held-out year had a spread to compare with. */
  readonly coverage: number | null;
  /** ≥ 1: intervals are widened, never narrowed, by the backtest. */
  readonly scale: number;
}

export interface MethodAccuracy {
  readonly revenue: AccuracyFigures & { readonly interval80: IntervalFit };
  readonly profit: AccuracyFigures & { readonly interval80: IntervalFit };
}

/** How often the fitted model beat one naive forecast. */
export interface BeatCount {
  /** Segments whose year-1 revenue error, summed over the cut-offs, is below the naive forecast's. */
  readonly segments: number;
  readonly ofSegments: number;
  /** Cut-offs at which the scheme's year-1 revenue WAPE is below the naive forecast's. */
  readonly cutoffs: number;
  readonly ofCutoffs: number;
}

export interface SchemeForecastAccuracy {
  readonly holdoutMonths: number;
  /** The last month of training of each cut-off, latest first. */
  readonly cutoffs: readonly string[];
  /** Segments with a year of training at one cut-off at least, of the scheme's segments. */
  readonly segmentsEvaluated: number;
  readonly segments: number;
  readonly methods: Readonly<Record<ForecastMethod, MethodAccuracy>>;
  /** What the scheme's projections use: the method with the least year-1 error, revenue and profit together. */
  readonly chosen: ForecastMethod;
  readonly fittedBeats: {
    readonly trailingYearNaive: BeatCount;
    readonly seasonalNaive: BeatCount;
  };
}

export interface BacktestSettings {
  /** Months held out after each cut-off (12: the first projected year). */
  readonly holdout: number;
  /** How many cut-offs, a month apart, the latest leaving exactly `holdout` months. */
  readonly origins: number;
  /** Evaluate at most this many segments, the largest by revenue before the earliest cut-off. */
  readonly maxSegments: number;
}

export const DEFAULT_BACKTEST: BacktestSettings = { holdout: 12, origins: 4, maxSegments: 500 };

/** A segment needs this many months before a cut-off to be forecast at it: a whole year. */
export const MINIMUM_TRAINING_MONTHS = SEASON_MONTHS;

/**
 * Backtests the methods over a scheme's segments. `histories` end at the latest month of the data,
 * `monthLabelOf(k)` names the month k months before it (0 = the latest). Undefined when the data is
 * too short for one cut-off with a year of training and the held-out months after it.
 */
export function backtestScheme(
  histories: readonly MonthlySeries[],
  fitted: ForecasterAtCutoff,
  monthLabelOf: (monthsBeforeLatest: number) => string,
  settings: BacktestSettings = DEFAULT_BACKTEST,
): SchemeForecastAccuracy | undefined {
  const { holdout } = settings;
  let span = 0;
  for (const history of histories) span = Math.max(span, history.revenue.length);
  // Cut-offs as the number of months kept, counted on the longest history: the same calendar months for every segment.
  const cutoffs = rollingOrigins(span, {
    holdout,
    origins: settings.origins,
    minimumTraining: MINIMUM_TRAINING_MONTHS,
  });
  const earliest = cutoffs.at(-1);
  if (earliest === undefined) return undefined;

  const evaluated = largestBefore(histories, span - earliest, settings.maxSegments);
  const methods: Record<ForecastMethod, ForecasterAtCutoff> = {
    fitted,
    "trailing-year-naive": trailingYearForecaster,
    "seasonal-naive": seasonalNaiveForecaster,
  };
  const tallies = Object.fromEntries(
    FORECAST_METHODS.map((method) => [method, new MethodTally(evaluated.length, cutoffs.length)]),
  ) as Record<ForecastMethod, MethodTally>;

  // The fitted model's spread at this cut-off, which every method's misses are held against.
  const spreads: (MonthlyForecast["spread"] | undefined)[] = new Array(evaluated.length);
  const schemeRevenue = totalOf(histories.map((history) => history.revenue));
  cutoffs.forEach((cutoff, origin) => {
    const monthsAfter = span - cutoff;
    const training = evaluated.map((segment) => {
      const history = histories[segment] as MonthlySeries;
      return truncate(history, history.revenue.length - monthsAfter);
    });
    for (const method of FORECAST_METHODS) {
      const forecaster = methods[method](schemeRevenue.subarray(0, cutoff));
      const tally = tallies[method];
      evaluated.forEach((segment, slot) => {
        const history = histories[segment] as MonthlySeries;
        const kept = history.revenue.length - monthsAfter;
        if (kept < MINIMUM_TRAINING_MONTHS) return;
        const trainingMonths = training[slot] as MonthlySeries;
        const actual = {
          revenue: history.revenue.slice(kept, kept + holdout),
          profit: history.profit.slice(kept, kept + holdout),
        };
        const forecast = forecaster(trainingMonths, actual.revenue.length);
        if (method === "fitted") spreads[slot] = forecast.spread;
        tally.add(slot, origin, trainingMonths, actual, forecast, spreads[slot]);
      });
    }
  });

  const fittedTally = tallies.fitted;
  if (fittedTally.segmentsSeen() === 0) return undefined;
  const chosen = FORECAST_METHODS.reduce((best, method) =>
    tallies[method].isBetterThan(tallies[best]) ? method : best,
  );
  return {
    holdoutMonths: holdout,
    cutoffs: cutoffs.map((cutoff) => monthLabelOf(span - cutoff)),
    segmentsEvaluated: fittedTally.segmentsSeen(),
    segments: histories.length,
    methods: Object.fromEntries(
      FORECAST_METHODS.map((method) => [method, tallies[method].accuracy()]),
    ) as Record<ForecastMethod, MethodAccuracy>,
    chosen,
    fittedBeats: {
      trailingYearNaive: fittedTally.beats(tallies["trailing-year-naive"]),
      seasonalNaive: fittedTally.beats(tallies["seasonal-naive"]),
    },
  };
}

/** The error sums of one method on one measure. */
class MeasureTally {
  /** |actual − forecast| ÷ σ of each held-out year with a spread (Infinity for a miss against σ = 0). */
  readonly standardMisses: number[] = [];
  year: ErrorSums = { absoluteError: 0, absoluteActual: 0 };
  month: ErrorSums = { absoluteError: 0, absoluteActual: 0 };
  maseTotal = 0;
  maseCount = 0;

  add(
    training: readonly number[],
    actual: readonly number[],
    forecast: ArrayLike<number>,
    spread: number | undefined,
  ): number {
    let actualYear = 0;
    let forecastYear = 0;
    let monthError = 0;
    let monthActual = 0;
    const predicted: number[] = [];
    for (let month = 0; month < actual.length; month++) {
      const a = actual[month] as number;
      const f = forecast[month] as number;
      predicted.push(f);
      actualYear += a;
      forecastYear += f;
      monthError += Math.abs(a - f);
      monthActual += Math.abs(a);
    }
    const yearError = Math.abs(actualYear - forecastYear);
    if (spread !== undefined) {
      this.standardMisses.push(
        yearError === 0 ? 0 : spread > 0 ? yearError / spread : Number.POSITIVE_INFINITY,
      );
    }
    this.year = {
      absoluteError: this.year.absoluteError + yearError,
      absoluteActual: this.year.absoluteActual + Math.abs(actualYear),
    };
    this.month = {
      absoluteError: this.month.absoluteError + monthError,
      absoluteActual: this.month.absoluteActual + monthActual,
    };
    const scaled = mase(actual, predicted, training);
    if (scaled !== undefined) {
      this.maseTotal += scaled;
      this.maseCount++;
    }
    return yearError;
  }

  figures(): AccuracyFigures & { interval80: IntervalFit } {
    return {
      wape: wapeOf(this.year) ?? null,
      monthlyWape: wapeOf(this.month) ?? null,
      mase: this.maseCount === 0 ? null : this.maseTotal / this.maseCount,
      interval80: intervalFit(this.standardMisses),
    };
  }
}

/** Everything one method's forecasts scored, by measure, segment and cut-off. */
class MethodTally {
  readonly revenue = new MeasureTally();
  readonly profit = new MeasureTally();
  /** Year-1 revenue error per evaluated segment, summed over cut-offs (NaN: never forecast). */
  readonly segmentError: Float64Array;
  readonly cutoffError: Float64Array;
  readonly cutoffActual: Float64Array;

  constructor(segments: number, cutoffs: number) {
    this.segmentError = new Float64Array(segments).fill(Number.NaN);
    this.cutoffError = new Float64Array(cutoffs);
    this.cutoffActual = new Float64Array(cutoffs);
  }

  add(
    slot: number,
    origin: number,
    training: MonthlySeries,
    actual: MonthlySeries,
    forecast: MonthlyForecast,
    spread: MonthlyForecast["spread"],
  ): void {
    const yearError = this.revenue.add(training.revenue, actual.revenue, forecast.revenue, spread?.revenue);
    this.profit.add(training.profit, actual.profit, forecast.profit, spread?.profit);
    const before = this.segmentError[slot] as number;
    this.segmentError[slot] = (Number.isNaN(before) ? 0 : before) + yearError;
    this.cutoffError[origin] = (this.cutoffError[origin] as number) + yearError;
    let actualYear = 0;
    for (const month of actual.revenue) actualYear += month;
    this.cutoffActual[origin] = (this.cutoffActual[origin] as number) + Math.abs(actualYear);
  }

  /**
   * Less year-1 absolute error, revenue and profit together: what the scheme's choice of method
   * minimises. The two naive forecasts total the same year, so errors equal but for rounding are a
   * tie, settled by the error of single months.
   */
  isBetterThan(other: MethodTally): boolean {
    const year = this.yearError();
    const otherYear = other.yearError();
    if (Math.abs(year - otherYear) > 1e-9 * Math.max(year, otherYear)) return year < otherYear;
    return this.monthError() < other.monthError();
  }

  private yearError(): number {
    return this.revenue.year.absoluteError + this.profit.year.absoluteError;
  }

  private monthError(): number {
    return this.revenue.month.absoluteError + this.profit.month.absoluteError;
  }

  segmentsSeen(): number {
    let seen = 0;
    for (const error of this.segmentError) if (!Number.isNaN(error)) seen++;
    return seen;
  }

  accuracy(): MethodAccuracy {
    return { revenue: this.revenue.figures(), profit: this.profit.figures() };
  }

  beats(naive: MethodTally): BeatCount {
    let segments = 0;
    let ofSegments = 0;
    this.segmentError.forEach((error, slot) => {
      if (Number.isNaN(error)) return;
      ofSegments++;
      if (error < (naive.segmentError[slot] as number)) segments++;
    });
    let cutoffs = 0;
    let ofCutoffs = 0;
    this.cutoffActual.forEach((actual, origin) => {
      if (actual === 0) return;
      ofCutoffs++;
      if ((this.cutoffError[origin] as number) < (naive.cutoffError[origin] as number)) cutoffs++;
    });
    return { segments, ofSegments, cutoffs, ofCutoffs };
  }
}

/** z of the 90th percentile of the normal: an 80% interval is the forecast ± this many σ. */
export const Z_P90 = 1.2815515655446004;

/** Intervals are never widened more than this: beyond it the spread says little and the cap says so. */
const MAX_INTERVAL_SCALE = 10;

function intervalFit(standardMisses: readonly number[]): IntervalFit {
  if (standardMisses.length === 0) return { coverage: null, scale: 1 };
  const sorted = [...standardMisses].sort((a, b) => a - b);
  let inside = 0;
  for (const miss of sorted) if (miss <= Z_P90) inside++;
  // The smallest widening that brings 80% of the held-out years inside.
  const eightieth = sorted[Math.ceil(0.8 * sorted.length) - 1] as number;
  return {
    coverage: inside / sorted.length,
    scale: Math.min(MAX_INTERVAL_SCALE, Math.max(1, eightieth / Z_P90)),
  };
}

function truncate(history: MonthlySeries, kept: number): MonthlySeries {
  const length = Math.max(0, kept);
  return { revenue: history.revenue.slice(0, length), profit: history.profit.slice(0, length) };
}

/** The indexes of the `limit` segments with the most revenue in their first `months` calendar months. */
function largestBefore(histories: readonly MonthlySeries[], monthsAfter: number, limit: number): number[] {
  const revenueBefore = histories.map((history) => {
    let total = 0;
    const kept = history.revenue.length - monthsAfter;
    for (let month = 0; month < kept; month++) total += Math.abs(history.revenue[month] as number);
    return total;
  });
  const order = histories.map((_, index) => index);
  if (order.length <= limit) return order;
  order.sort((a, b) => (revenueBefore[b] as number) - (revenueBefore[a] as number) || a - b);
  return order.slice(0, limit).sort((a, b) => a - b);
}
