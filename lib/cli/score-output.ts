import { money, percent, textTable } from "#cli/table.ts";
import { type DecisionList, decisionList } from "#domain/decision-list.ts";
import type { ScoredScheme, ScoredSegment, ScoringResult } from "#domain/scoring.ts";
import { csvField } from "#format/csv-field.ts";

/** The formats `segfocus score` prints in. */
export const SCORE_FORMATS = ["table", "json", "csv"] as const;

/** How many segments each list shows in the table format; the CSV has them all. */
export const TABLE_LIST_LIMIT = 15;

const LISTS: ReadonlyArray<{ title: string; list: DecisionList }> = [
  { title: "Say yes", list: "yes" },
  { title: "Fix", list: "fix" },
  { title: "Say no", list: "no" },
];

/** Per scheme: the whale-curve headline, then the say-yes, fix and say-no lists, best focus first. */
export function scoreTable(result: ScoringResult): string {
  const parts: string[] = [
    `Scored ${result.schemes.length} scheme${result.schemes.length === 1 ? "" : "s"} up to ${result.latestMonth} with policy v${result.policyVersion}${
      result.forces.length > 0 ? `, under ${result.forces.map((f) => `"${f.name}"`).join(", ")}` : ""
    }.`,
  ];
  for (const scheme of result.schemes) parts.push(schemeTable(scheme));
  return `${parts.join("\n\n")}\n`;
}

function schemeTable(scheme: ScoredScheme): string {
  const { totals, whaleCurve } = scheme;
  const lines = [
    `== ${scheme.id}: ${scheme.segments.length} segments, revenue ${money(totals.revenue)}, profit ${money(totals.profit)}, margin ${percent(totals.margin)}`,
    whaleCurve.peakShare === null
      ? "Whale curve: the segments make no profit in total."
      : `Whale curve: the most profitable ${percent(whaleCurve.peakAt)} of segments earn ${percent(whaleCurve.peakShare)} of total profit; ${percent(whaleCurve.lossSegmentShare)} of segments lose money.`,
  ];
  for (const list of LISTS) {
    const members = scheme.segments
      .filter((segment) => decisionList(segment.decision) === list.list)
      .sort((a, b) => b.scores.focus - a.scores.focus);
    lines.push("", `${list.title} (${members.length})`);
    if (members.length === 0) continue;
    lines.push(
      textTable(
        ["segment", "decision", "class", "revenue", "profit", "margin", "P", "G", "D", "focus", "why"],
        members
          .slice(0, TABLE_LIST_LIMIT)
          .map((segment) => [
            segment.id,
            segment.decision,
            segment.profitClass,
            money(segment.metrics.revenue),
            money(segment.metrics.profit),
            percent(segment.metrics.margin),
            segment.scores.profitability.toFixed(0),
            segment.scores.growth.toFixed(0),
            segment.scores.defensibility.toFixed(0),
            segment.scores.focus.toFixed(0),
            shorten(decisiveReason(segment), 90),
          ]),
      ),
    );
    if (members.length > TABLE_LIST_LIMIT)
      lines.push(`… and ${members.length - TABLE_LIST_LIMIT} more (--format csv lists them all)`);
  }
  const insufficient = scheme.segments.filter((segment) => segment.decision === "insufficient_data").length;
  if (insufficient > 0) lines.push("", `Not enough data to decide: ${insufficient} segments.`);
  return lines.join("\n");
}

const CSV_COLUMNS = [
  "scheme",
  "segment",
  "decision",
  "profit_class",
  "revenue",
  "profit",
  "margin",
  "cost_to_serve",
  "customers",
  "profitability",
  "growth",
  "defensibility",
  "focus",
  "npv",
  "reason",
] as const;

/** One row per segment of every scheme, for a spreadsheet. */
export function scoreCsv(result: ScoringResult): string {
  const rows = [CSV_COLUMNS.join(",")];
  for (const scheme of result.schemes) {
    for (const segment of scheme.segments) rows.push(csvRow(scheme.id, segment).map(csvField).join(","));
  }
  return `${rows.join("\r\n")}\r\n`;
}

function csvRow(schemeId: string, segment: ScoredSegment): Array<string | number> {
  const { metrics, scores } = segment;
  return [
    schemeId,
    segment.id,
    segment.decision,
    segment.profitClass,
    round2(metrics.revenue),
    round2(metrics.profit),
    round4(metrics.margin),
    round2(metrics.costToServe),
    metrics.customers,
    round2(scores.profitability),
    round2(scores.growth),
    round2(scores.defensibility),
    round2(scores.focus),
    round2(segment.projection.npv),
    segment.reasons[0]?.message ?? "",
  ];
}

/** The class has its own column: show the first reason beyond it. */
function decisiveReason(segment: ScoredSegment): string {
  const reason = segment.reasons.find((r) => r.code !== segment.profitClass) ?? segment.reasons[0];
  return reason?.message ?? "";
}

function shorten(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const round4 = (n: number) => Math.round(n * 10_000) / 10_000;
