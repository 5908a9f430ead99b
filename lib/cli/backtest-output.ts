import { textTable } from "#cli/table.ts";
import type { SchemeBacktest } from "#domain/cube-backtest.ts";
import type { AccuracyFigures, BeatCount, ForecastMethod } from "#domain/scheme-backtest.ts";

export const BACKTEST_FORMATS = ["table", "json"] as const;

const METHOD_NAMES: Readonly<Record<ForecastMethod, string>> = {
  fitted: "segfocus projection",
  "trailing-year-naive": "same as the last 12 months",
  "seasonal-naive": "seasonal naive",
};

/** Per scheme: the errors of each method side by side, then how often the projection beat each naive forecast. */
export function backtestTable(schemes: readonly SchemeBacktest[], holdout: number): string {
  return `${schemes.map((scheme) => schemeBlock(scheme, holdout)).join("\n\n")}\n`;
}

function schemeBlock({ schemeId, accuracy }: SchemeBacktest, holdout: number): string {
  if (!accuracy) {
    return `== ${schemeId}: too little history to backtest (a cut-off needs 12 months before it and ${holdout} after)`;
  }
  const latest = accuracy.cutoffs[0];
  const earliest = accuracy.cutoffs.at(-1);
  const rows = (Object.keys(METHOD_NAMES) as ForecastMethod[]).map((method) => {
    const { revenue, profit } = accuracy.methods[method];
    return [
      `${METHOD_NAMES[method]}${accuracy.chosen === method ? " *" : ""}`,
      ratio(revenue.wape),
      ratio(revenue.monthlyWape),
      ratio(revenue.mase),
      ratio(profit.wape),
      ratio(profit.mase),
    ];
  });
  return [
    `== ${schemeId}: ${accuracy.segmentsEvaluated.toLocaleString("en-US")} of ${accuracy.segments.toLocaleString("en-US")} segments, ${accuracy.cutoffs.length} cut-off${accuracy.cutoffs.length === 1 ? "" : "s"} (training up to ${earliest}${earliest === latest ? "" : ` … ${latest}`}), ${accuracy.holdoutMonths} months held out`,
    textTable(["method", "revenue WAPE", "monthly WAPE", "MASE", "profit WAPE", "profit MASE"], rows),
    `Projection beats "same as the last 12 months": ${beats(accuracy.fittedBeats.trailingYearNaive)}.`,
    `Projection beats seasonal naive: ${beats(accuracy.fittedBeats.seasonalNaive)}.`,
    `* projections of this scheme use ${METHOD_NAMES[accuracy.chosen]}: the least year-1 error, revenue and profit together.`,
  ].join("\n");
}

function beats(count: BeatCount): string {
  return `${count.segments.toLocaleString("en-US")} of ${count.ofSegments.toLocaleString("en-US")} segments, ${count.cutoffs} of ${count.ofCutoffs} cut-offs`;
}

function ratio(value: AccuracyFigures["wape"]): string {
  return value === null ? "—" : value.toFixed(2);
}
