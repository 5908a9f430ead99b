import type { SegmentMetrics } from "#domain/metrics.ts";
import { amount, pct, type Reason } from "#domain/reason.ts";

/**
 * What makes a segment weak or strong, in numbers, against the company and the scheme's median
 * segment: margin, discounting, cost-to-serve (with its largest component), revenue over the last
 * twelve months against the twelve before, profit likewise, and active customers. A decision names
 * these so that it says why, not only which class the segment is in.
 */
export interface CauseInputs {
  readonly metrics: SegmentMetrics;
  readonly companyMargin: number;
  /** Over the scheme's segments with revenue; null when none has any. */
  readonly medianPriceRealization: number | null;
  readonly medianCostToServeIntensity: number | null;
}

/** Cost-to-serve ÷ revenue; null without revenue. */
export function costToServeIntensity(metrics: SegmentMetrics): number | null {
  return metrics.revenue > 0 ? metrics.costToServe / metrics.revenue : null;
}

/** What holds the segment back, each where it does worse than its benchmark; empty when nothing does. */
export function weaknesses(inputs: CauseInputs): Reason[] {
  const { metrics, companyMargin } = inputs;
  const found: Reason[] = [];
  if (metrics.profit < 0 || (metrics.revenue > 0 && metrics.margin < companyMargin)) {
    found.push({
      code: "low_margin",
      metric: "margin",
      value: metrics.margin,
      threshold: companyMargin,
      message:
        metrics.revenue > 0
          ? `Margin ${pct(metrics.margin)} is below the company's ${pct(companyMargin)}${metrics.profit < 0 ? `: it loses ${amount(-metrics.profit)}` : ""}.`
          : `It loses ${amount(-metrics.profit)} without any revenue to carry it.`,
    });
  }
  const realization = metrics.priceRealization;
  const medianRealization = inputs.medianPriceRealization;
  if (realization !== null && medianRealization !== null && realization < medianRealization) {
    found.push({
      code: "heavy_discounting",
      metric: "priceRealization",
      value: realization,
      threshold: medianRealization,
      message: `${pct(1 - realization)} of list price is given away in discounts (${amount(metrics.discount)}), against ${pct(1 - medianRealization)} for the scheme's median segment.`,
    });
  }
  const intensity = costToServeIntensity(metrics);
  const medianIntensity = inputs.medianCostToServeIntensity;
  if (intensity !== null && medianIntensity !== null && intensity > medianIntensity) {
    const largest = largestComponent(metrics);
    found.push({
      code: "high_cost_to_serve",
      metric: "costToServeIntensity",
      value: intensity,
      threshold: medianIntensity,
      message: `Serving it costs ${pct(intensity)} of revenue, against ${pct(medianIntensity)} for the scheme's median segment${largest ? `; most of it ${largest.component}, ${amount(largest.cost)} (${pct(largest.cost / metrics.revenue)} of revenue)` : ""}.`,
    });
  }
  if (metrics.priorTtmRevenue > 0 && metrics.ttmRevenue < metrics.priorTtmRevenue) {
    found.push({
      code: "shrinking_revenue",
      metric: "ttmRevenue",
      value: metrics.ttmRevenue,
      threshold: metrics.priorTtmRevenue,
      message: `Revenue over the last twelve months fell ${pct(1 - metrics.ttmRevenue / metrics.priorTtmRevenue)}, from ${amount(metrics.priorTtmRevenue)} to ${amount(metrics.ttmRevenue)}.`,
    });
  }
  if (metrics.ttmProfit < metrics.priorTtmProfit && metrics.ttmProfit < 0) {
    found.push({
      code: "falling_profit",
      metric: "ttmProfit",
      value: metrics.ttmProfit,
      threshold: metrics.priorTtmProfit,
      message: `Profit over the last twelve months fell from ${amount(metrics.priorTtmProfit)} to ${amount(metrics.ttmProfit)}.`,
    });
  }
  if (metrics.activeCustomersTtm < metrics.activeCustomersPriorTtm) {
    found.push({
      code: "lost_customers",
      metric: "activeCustomers",
      value: metrics.activeCustomersTtm,
      threshold: metrics.activeCustomersPriorTtm,
      message: `Active customers fell from ${metrics.activeCustomersPriorTtm} to ${metrics.activeCustomersTtm}${metrics.retention === null ? "" : `; ${pct(metrics.retention)} of last year's customers bought again`}.`,
    });
  }
  return found;
}

/** What makes the segment strong, each where it does at least as well as its benchmark. */
export function strengths(inputs: CauseInputs): Reason[] {
  const { metrics, companyMargin } = inputs;
  const found: Reason[] = [];
  if (metrics.revenue > 0 && metrics.profit > 0 && metrics.margin >= companyMargin) {
    found.push({
      code: "above_company_margin",
      metric: "margin",
      value: metrics.margin,
      threshold: companyMargin,
      message: `Margin ${pct(metrics.margin)} is at or above the company's ${pct(companyMargin)}: it earns ${amount(metrics.profit)}.`,
    });
  }
  if (metrics.ttmRevenue > metrics.priorTtmRevenue && metrics.ttmRevenue > 0) {
    found.push({
      code: "growing_revenue",
      metric: "ttmRevenue",
      value: metrics.ttmRevenue,
      threshold: metrics.priorTtmRevenue,
      message:
        metrics.priorTtmRevenue > 0
          ? `Revenue over the last twelve months grew ${pct(metrics.ttmRevenue / metrics.priorTtmRevenue - 1)}, from ${amount(metrics.priorTtmRevenue)} to ${amount(metrics.ttmRevenue)}.`
          : `Revenue of ${amount(metrics.ttmRevenue)} over the last twelve months, where the twelve before had none.`,
    });
  }
  if (metrics.activeCustomersTtm > metrics.activeCustomersPriorTtm) {
    found.push({
      code: "gaining_customers",
      metric: "activeCustomers",
      value: metrics.activeCustomersTtm,
      threshold: metrics.activeCustomersPriorTtm,
      message: `Active customers rose from ${metrics.activeCustomersPriorTtm} to ${metrics.activeCustomersTtm}.`,
    });
  }
  const realization = metrics.priceRealization;
  const medianRealization = inputs.medianPriceRealization;
  if (realization !== null && medianRealization !== null && realization >= medianRealization) {
    found.push({
      code: "holds_price",
      metric: "priceRealization",
      value: realization,
      threshold: medianRealization,
      message: `It keeps ${pct(realization)} of list price, against ${pct(medianRealization)} for the scheme's median segment.`,
    });
  }
  return found;
}

function largestComponent(metrics: SegmentMetrics): { component: string; cost: number } | undefined {
  let largest: { component: string; cost: number } | undefined;
  for (const [component, cost] of Object.entries(metrics.costs)) {
    if (cost > 0 && (!largest || cost > largest.cost)) largest = { component, cost };
  }
  return largest;
}
