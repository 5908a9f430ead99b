import type { Cube } from "#domain/cube.ts";
import { latestMonthOf, type SegmentMetrics, schemeMetrics } from "#domain/metrics.ts";
import { monthLabel } from "#domain/month.ts";
import type { Policy } from "#domain/policy.ts";
import { holtMonths } from "#domain/projection.ts";
import {
  type BacktestSettings,
  backtestScheme,
  DEFAULT_BACKTEST,
  type ForecasterAtCutoff,
  type MonthlySeries,
  type SchemeForecastAccuracy,
} from "#domain/scheme-backtest.ts";

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

export function backtestCube(
  cube: Cube,
  policy: Policy,
  settings: BacktestSettings = DEFAULT_BACKTEST,
): SchemeBacktest[] {
  const latestMonth = latestMonthOf(cube);
  return cube.schemes.map((scheme) => {
    const { segments } = schemeMetrics(cube, scheme, latestMonth);
    return { schemeId: scheme.id, accuracy: backtestSegments(segments, latestMonth, policy, settings) };
  });
}

/** The backtest of one scheme's segments, from their metrics. */
export function backtestSegments(
  segments: readonly SegmentMetrics[],
  latestMonth: number,
  policy: Policy,
  settings: BacktestSettings = DEFAULT_BACKTEST,
): SchemeForecastAccuracy | undefined {
  const histories: MonthlySeries[] = segments.map((m) => ({
    revenue: m.monthly.revenue,
    profit: m.monthly.profit,
  }));
  return backtestScheme(histories, fittedForecaster(policy), (k) => monthLabel(latestMonth - k), settings);
}

/** The product's own forecast of a segment's months. */
function fittedForecaster(policy: Policy): ForecasterAtCutoff {
  return () => (history, horizon) =>
    holtMonths(
      { monthlyRevenue: history.revenue, monthlyProfit: history.profit, costToServeIntensity: 0 },
      policy.projection,
      horizon,
    );
}
