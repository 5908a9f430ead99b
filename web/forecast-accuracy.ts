import { forecastAccuracySummary } from "#domain/forecast-accuracy-summary.ts";
import type { ForecastMethod } from "#domain/scheme-backtest.ts";
import type { SchemeRecord } from "./api-types.ts";
import { formatShare } from "./format.ts";

/**
 * What the panel "How well did we forecast last year" shows for a scheme, as plain data: the
 * backtest the scoring run kept, the projection beside the two naive forecasts. No DOM here.
 */

export type SchemeForecastAccuracy = NonNullable<SchemeRecord["forecastAccuracy"]>;
type BeatCount = SchemeForecastAccuracy["fittedBeats"]["seasonalNaive"];

/** The projection first, then the forecasts a planner has without it. */
const METHOD_ROWS: ReadonlyArray<readonly [ForecastMethod, string]> = [
  ["fitted", "Our projection"],
  ["trailing-year-naive", "Same as the last 12 months"],
  ["seasonal-naive", "Seasonal naive (each month as a year before)"],
];

export interface ForecastAccuracyRow {
  readonly method: ForecastMethod;
  readonly label: string;
  /** Year-1 WAPE as a percentage, MASE as a ratio; "–" where nothing could be measured. */
  readonly revenueWape: string;
  readonly revenueMase: string;
  readonly profitWape: string;
  readonly profitMase: string;
  /** The method the scheme's projections use. */
  readonly chosen: boolean;
  /** How often the projection beat this naive forecast, in words; null on the projection's own row. */
  readonly beatenBy: string | null;
}

export type ForecastAccuracyView =
  | {
      readonly kind: "measured";
      /** One sentence, as the API's forecast-accuracy route says it. */
      readonly summary: string;
      /** What the figures cover: cut-offs, held-out months, segments. */
      readonly coverage: string;
      readonly rows: readonly ForecastAccuracyRow[];
    }
  | { readonly kind: "unknown"; readonly summary: string };

export function forecastAccuracyView(accuracy: SchemeForecastAccuracy | null): ForecastAccuracyView {
  const summary = forecastAccuracySummary(accuracy);
  if (accuracy === null) return { kind: "unknown", summary };
  const beats: Readonly<Partial<Record<ForecastMethod, BeatCount>>> = {
    "trailing-year-naive": accuracy.fittedBeats.trailingYearNaive,
    "seasonal-naive": accuracy.fittedBeats.seasonalNaive,
  };
  const rows = METHOD_ROWS.map(([method, label]): ForecastAccuracyRow => {
    const { revenue, profit } = accuracy.methods[method];
    const beat = beats[method];
    return {
      method,
      label,
      revenueWape: formatShare(revenue.wape),
      revenueMase: ratio(revenue.mase),
      profitWape: formatShare(profit.wape),
      profitMase: ratio(profit.mase),
      chosen: accuracy.chosen === method,
      beatenBy:
        beat === undefined
          ? null
          : `${count(beat.segments)} of ${count(beat.ofSegments)} segments, ${beat.cutoffs} of ${beat.ofCutoffs} cut-offs`,
    };
  });
  const latest = accuracy.cutoffs[0];
  const earliest = accuracy.cutoffs.at(-1);
  const cutoffs = accuracy.cutoffs.length;
  const training = earliest === latest ? `${latest}` : `${earliest} … ${latest}`;
  return {
    kind: "measured",
    summary,
    coverage: `${cutoffs} cut-off${cutoffs === 1 ? "" : "s"} (training up to ${training}), ${accuracy.holdoutMonths} months held out after each; ${count(accuracy.segmentsEvaluated)} of ${count(accuracy.segments)} segments forecast.`,
    rows,
  };
}

const counts = new Intl.NumberFormat("en-US");

function count(value: number): string {
  return counts.format(value);
}

/** MASE with two decimals: below 1 beats seasonal naive's in-sample error. */
function ratio(value: number | null): string {
  return value === null || !Number.isFinite(value) ? "–" : value.toFixed(2);
}
