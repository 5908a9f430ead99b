import type { SegmentResponse } from "./api-types.ts";
import { formatAmount, formatComponentValue, formatScore, formatShare, humanName } from "./format.ts";

/**
 * The figures of a segment's detail as rows to show: its metrics, its three scores with their
 * components, and its cost-to-serve next to its scheme's. The API sends some of these as open
 * objects; what is not a number reads as missing rather than breaking the page.
 */

type Metrics = SegmentResponse["metrics"];

function numberOr(value: unknown, fallback: number | null = null): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

/** The headline metrics of a segment, as label and formatted value. */
export function metricFigures(metrics: Metrics, npv: number | null): Array<readonly [string, string]> {
  const share = (name: string) => formatShare(numberOr(metrics[name]));
  return [
    ["Revenue", formatAmount(metrics.revenue)],
    ["Profit", formatAmount(metrics.profit)],
    ["Margin", formatShare(metrics.margin)],
    ["Cost-to-serve", formatAmount(metrics.costToServe)],
    ["Cost-to-serve intensity", formatShare(metrics.costToServeIntensity)],
    ["Price realization", share("priceRealization")],
    ["Customers", formatAmount(metrics.customers)],
    ["Retention", share("retention")],
    ["Repeat rate", share("repeatRate")],
    ["Cost-to-serve opportunity", formatAmount(metrics.opportunity)],
    ["Projected profit today (NPV)", npv === null ? "–" : formatAmount(npv)],
    ["Months", `${metrics.firstMonth} – ${metrics.lastMonth}`],
  ];
}

export interface ScoreComponentRow {
  readonly name: string;
  readonly value: string;
  readonly percentile: string;
  readonly weight: string;
}

export interface ScoreBlock {
  readonly score: "profitability" | "growth" | "defensibility";
  readonly title: string;
  readonly value: string;
  readonly components: readonly ScoreComponentRow[];
}

const SCORES = ["profitability", "growth", "defensibility"] as const;

/** Each of the three scores with the components it is built from: value, percentile in the scheme, weight. */
export function scoreBlocks(segment: Pick<SegmentResponse, "scores" | "scoreComponents">): ScoreBlock[] {
  const components = segment.scoreComponents as Record<string, unknown>;
  return SCORES.map((score) => {
    const parts = (components[score] ?? {}) as Record<string, Record<string, unknown> | undefined>;
    return {
      score,
      title: score.charAt(0).toUpperCase() + score.slice(1),
      value: formatScore(segment.scores[score]),
      components: Object.entries(parts).map(([name, part]) => {
        const percentile = numberOr(part?.percentile);
        const weight = numberOr(part?.weight);
        return {
          name: humanName(name),
          value: formatComponentValue(part?.value),
          percentile: percentile === null ? "–" : formatScore(percentile),
          weight: weight === null ? "–" : formatShare(weight),
        };
      }),
    };
  });
}

export interface CostToServeRow {
  readonly component: string;
  readonly cost: number;
  /** The component's cost ÷ the segment's revenue; null without positive revenue. */
  readonly shareOfRevenue: number | null;
  /** The same share for the whole scheme; null when the scheme does not report the component. */
  readonly schemeShareOfRevenue: number | null;
}

/**
 * The segment's cost-to-serve by component, largest first, each as a share of its revenue next to
 * the scheme's: what a "fix" would work on.
 */
export function costToServeRows(
  metrics: Metrics,
  schemeComponents: ReadonlyArray<{ readonly component: string; readonly shareOfRevenue: number }>,
): CostToServeRow[] {
  const costs = (typeof metrics.costs === "object" && metrics.costs !== null ? metrics.costs : {}) as Record<
    string,
    unknown
  >;
  const scheme = new Map(schemeComponents.map((entry) => [entry.component, entry.shareOfRevenue]));
  return Object.entries(costs)
    .map(([component, value]) => {
      const cost = numberOr(value, 0) as number;
      return {
        component,
        cost,
        shareOfRevenue: metrics.revenue > 0 ? cost / metrics.revenue : null,
        schemeShareOfRevenue: scheme.get(component) ?? null,
      };
    })
    .sort((a, b) => b.cost - a.cost);
}
