/**
 * npm run bench:forecast — a rolling-origin backtest of the forecasters a projection could use: cut-offs
 * 12, 13 and 14 months before the end of each series, each forecasting the 12 months after it. Per set
 * of series and forecaster it prints the WAPE of the year-1 total (Σ|Σ12 actual − Σ12 forecast| ÷
 * ΣΣ12 actual), the monthly WAPE, the mean MASE (scaled by seasonal naive's in-sample error), the
 * share of held-out months inside the 80% interval, and the time of one fit and forecast.
 *
 *   npm run bench:forecast -- [--series 500] [--months 36] [--seed 1] [--rows 50000]
 *
 * --rows 0 leaves out the segments of the generated ERP sample.
 */
import { parseArgs } from "node:util";
import {
  type ErrorSums,
  errorSums,
  mase,
  rollingOrigins,
  SEASON_MONTHS,
  seasonalNaive,
  wapeOf,
} from "#domain/forecast-accuracy.ts";
import {
  augursAutoEts,
  augursMstl,
  type ForecastEngine,
  type IntervalForecast,
  OWN_SELECT_ETS,
  SEASONAL_NAIVE,
  SEGFOCUS_PROJECTION,
  TRAILING_YEAR_NAIVE,
} from "./forecast-engines.ts";
import { generatedSets, type SeriesSet, sampleSets } from "./forecast-series.ts";

const HOLDOUT = SEASON_MONTHS;
const ORIGINS = 3;

const { values } = parseArgs({
  options: {
    series: { type: "string", default: "500" },
    months: { type: "string", default: "36" },
    seed: { type: "string", default: "1" },
    rows: { type: "string", default: "50000" },
  },
});
const rows = Number(values.rows);

const engines = await loadEngines();
const sets = [
  ...generatedSets(Number(values.series), Number(values.months), Number(values.seed)),
  ...(rows > 0 ? await sampleSets(rows) : []),
];
for (const set of sets)
  printTable(
    set,
    engines.map((engine) => backtest(set, engine)),
  );
console.log(
  `\nA forecaster that throws or returns a non-finite month at a cut-off is counted under "failed" and` +
    `\nscored there as seasonal naive, without an interval; 80% cover counts the months with an interval.`,
);

async function loadEngines(): Promise<ForecastEngine[]> {
  const started = performance.now();
  const autoEts = augursAutoEts();
  const afterEts = performance.now();
  const mstl = augursMstl();
  const afterMstl = performance.now();
  console.log(
    `augurs init (read .wasm + initSync): ets ${(afterEts - started).toFixed(1)} ms, mstl ${(afterMstl - afterEts).toFixed(1)} ms`,
  );
  return [TRAILING_YEAR_NAIVE, SEASONAL_NAIVE, autoEts, mstl, OWN_SELECT_ETS, SEGFOCUS_PROJECTION];
}

interface BacktestResult {
  readonly engine: string;
  readonly yearTotal: ErrorSums;
  readonly monthly: ErrorSums;
  readonly meanMase: number | undefined;
  readonly coverage: number | undefined;
  readonly microsecondsPerFit: number;
  readonly failed: number;
  readonly fits: number;
}

function backtest(set: SeriesSet, engine: ForecastEngine): BacktestResult {
  const yearTotal = { absoluteError: 0, absoluteActual: 0 };
  const monthly = { absoluteError: 0, absoluteActual: 0 };
  let maseTotal = 0;
  let maseCount = 0;
  let covered = 0;
  let withInterval = 0;
  let failed = 0;
  let fits = 0;
  let elapsed = 0;
  // A scheme-wide engine is built once per cut-off (j months before the latest) from every series' training months.
  const started = performance.now();
  const forSchemeAt = Array.from({ length: ORIGINS }, (_, j) =>
    engine.forScheme?.(set.series.map((series) => series.slice(0, Math.max(0, series.length - HOLDOUT - j)))),
  );
  elapsed += performance.now() - started;
  for (const series of set.series) {
    const cutoffs = rollingOrigins(series.length, {
      holdout: HOLDOUT,
      origins: ORIGINS,
      minimumTraining: SEASON_MONTHS + 1,
    });
    for (const cutoff of cutoffs) {
      const training = series.slice(0, cutoff);
      const actual = series.slice(cutoff, cutoff + HOLDOUT);
      const started = performance.now();
      const forScheme = forSchemeAt[series.length - HOLDOUT - cutoff];
      const forecast = forecastOrFallback(
        forScheme ? { name: engine.name, forecast: forScheme } : engine,
        training,
        actual.length,
      );
      elapsed += performance.now() - started;
      fits++;
      if (!forecast.ok) failed++;
      const { point, interval } = forecast.forecast;

      add(yearTotal, errorSums([sum(actual)], [sum(point)]));
      add(monthly, errorSums(actual, point));
      const scaled = mase(actual, point, training);
      if (scaled !== undefined) {
        maseTotal += scaled;
        maseCount++;
      }
      if (interval) {
        for (let month = 0; month < actual.length; month++) {
          const value = actual[month] ?? 0;
          if (value >= (interval.lower[month] ?? 0) && value <= (interval.upper[month] ?? 0)) covered++;
          withInterval++;
        }
      }
    }
  }
  return {
    engine: engine.name,
    yearTotal,
    monthly,
    meanMase: maseCount === 0 ? undefined : maseTotal / maseCount,
    coverage: withInterval === 0 ? undefined : covered / withInterval,
    microsecondsPerFit: fits === 0 ? 0 : (elapsed * 1000) / fits,
    failed,
    fits,
  };
}

/** The engine's forecast, or seasonal naive's point forecast where the engine throws or gives NaN. */
function forecastOrFallback(
  engine: ForecastEngine,
  training: readonly number[],
  horizon: number,
): { ok: boolean; forecast: IntervalForecast } {
  try {
    const forecast = engine.forecast(training, horizon);
    if (forecast.point.length === horizon && forecast.point.every(Number.isFinite))
      return { ok: true, forecast };
  } catch {
    // Counted as a failure below, as a non-finite forecast is.
  }
  return { ok: false, forecast: { point: seasonalNaive(training, horizon) } };
}

function printTable(set: SeriesSet, results: readonly BacktestResult[]): void {
  const fits = results[0]?.fits ?? 0;
  console.log(
    `\n${set.name}: ${set.series.length.toLocaleString("en")} series, ${fits.toLocaleString("en")} cut-offs`,
  );
  const header = ["forecaster", "year-1 WAPE", "monthly WAPE", "mean MASE", "80% cover", "µs/fit", "failed"];
  const lines = results.map((result) => [
    result.engine,
    percent(wapeOf(result.yearTotal)),
    percent(wapeOf(result.monthly)),
    result.meanMase === undefined ? "—" : result.meanMase.toFixed(3),
    percent(result.coverage),
    result.microsecondsPerFit.toFixed(result.microsecondsPerFit < 10 ? 1 : 0),
    `${result.failed}/${result.fits}`,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]?.length ?? 0)),
  );
  for (const line of [header, ...lines]) {
    console.log(
      line
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0),
        )
        .join("  "),
    );
  }
}

function percent(ratio: number | undefined): string {
  return ratio === undefined ? "—" : `${(ratio * 100).toFixed(1)}%`;
}

function add(total: { absoluteError: number; absoluteActual: number }, sums: ErrorSums): void {
  total.absoluteError += sums.absoluteError;
  total.absoluteActual += sums.absoluteActual;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
