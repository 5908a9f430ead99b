import type { Cube } from "#domain/cube.ts";
import { latestMonthOf, type SegmentMetrics, schemeMetrics } from "#domain/metrics.ts";
import { monthLabel } from "#domain/month.ts";
import {
  type BacktestSettings,
  backtestScheme,
  DEFAULT_BACKTEST,
  type MonthlySeries,
  type SchemeForecastAccuracy,
} from "#domain/scheme-backtest.ts";
import { fittedForecaster } from "#domain/scheme-forecast.ts";

/**
 * The backtest of every scheme of a cube, as `segfocus backtest` prints it and every scoring run
 * keeps it: the segments' own monthly series, cut at each origin, forecast by the product's method
 * and by the two naive forecasts.
 */
export interface SchemeBacktest {
  readonly schemeId: string;
  /** Undefined when the data is too short for one cut-off: a year of training and the held-out months. */
  readonly accuracy: SchemeForecastAccuracy | undefined;
}

export function backtestCube(cube: Cube, settings: BacktestSettings = DEFAULT_BACKTEST): SchemeBacktest[] {
  const latestMonth = latestMonthOf(cube);
  return cube.schemes.map((scheme) => {
    const { segments } = schemeMetrics(cube, scheme, latestMonth);
    return { schemeId: scheme.id, accuracy: backtestSegments(segments, latestMonth, settings) };
  });
}

/** The backtest of one scheme's segments, from their metrics. */
function backtestSegments(
  segments: readonly SegmentMetrics[],
  latestMonth: number,
  settings: BacktestSettings = DEFAULT_BACKTEST,
): SchemeForecastAccuracy | undefined {
  const histories: MonthlySeries[] = segments.map((m) => ({
    revenue: m.monthly.revenue,
    profit: m.monthly.profit,
  }));
  return backtestScheme(histories, fittedForecaster, (k) => monthLabel(latestMonth - k), settings);
}
