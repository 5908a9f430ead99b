import type { SegmentMetrics } from "#domain/metrics.ts";
import type { Policy } from "#domain/policy.ts";
import type { ProfitClass } from "#domain/profit-landscape.ts";
import type { SegmentScores } from "#domain/scores.ts";

export type Decision = "choose" | "develop" | "fix" | "decline" | "insufficient_data";

export const DECISIONS: readonly Decision[] = ["choose", "develop", "fix", "decline", "insufficient_data"];

/** One number behind a decision, with the threshold it was held against and a plain sentence. */
export interface Reason {
  readonly code: string;
  readonly metric: string;
  readonly value: number | string | null;
  readonly threshold: number | string | null;
  readonly message: string;
}

export interface Recommendation {
  readonly decision: Decision;
  readonly reasons: readonly Reason[];
  readonly guidance: string;
}

export interface DecisionInputs {
  readonly metrics: SegmentMetrics;
  readonly profitClass: ProfitClass;
  readonly scores: SegmentScores;
  readonly companyMargin: number;
  readonly medianRevenue: number;
  readonly baseNpv: number;
  readonly forces: ReadonlyArray<{
    readonly forceId: string;
    readonly name: string;
    readonly npv: number;
    readonly threatened: boolean;
  }>;
  /** The customer dimension is in the scheme: a segment is one customer, so no minimum of customers. */
  readonly perCustomer: boolean;
}

const GUIDANCE: Record<Decision, string> = {
  choose:
    "Say yes: pursue more business like this, protect these relationships, and serve these customers first when capacity is short.",
  develop:
    "Invest to grow: small, profitable and growing. Give it sales attention and offers built for it, and watch that its margin holds as it scales.",
  fix: "Fix before growing it: reprice, change terms, or take cost out of serving it; do not simply drop it — its revenue carries fixed costs.",
  decline:
    "Say no to new business of this kind: stop pursuing and investing in it, and change the terms (minimum order, price, channel) on which it is served. Never serve existing customers badly: neglected customers talk, and the best customers listen.",
  insufficient_data: "Not enough evidence to decide; look again when more history has arrived.",
};

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const round = (n: number) => Math.round(n).toLocaleString("en-US");

/**
 * The recommendation for one segment, by the rules of the design, in this order: not enough
 * evidence; a negative NPV in the base case (decline); a peak or a high focus score with a positive
 * NPV in the base case and under every active force (choose); a growing niche (develop); a drain
 * (fix); a weak desert (decline). What remains — a peak or high-focus segment whose base NPV is zero or
 * that a force would turn unprofitable, a niche that does not grow, a desert with growth or
 * defensibility — is fixed, with the reason why.
 */
export function recommend(inputs: DecisionInputs, policy: Policy): Recommendation {
  const { metrics, scores, profitClass } = inputs;
  const thresholds = policy.thresholds;
  const evidence = missingEvidence(inputs, policy);
  if (evidence.length > 0) return finish("insufficient_data", evidence);

  const classReason = landscapeReason(inputs);
  if (inputs.baseNpv < 0) {
    return finish("decline", [
      reason(
        "negative_npv",
        "npv",
        inputs.baseNpv,
        0,
        `Projected profit is worth ${round(inputs.baseNpv)} today: it destroys value.`,
      ),
      classReason,
    ]);
  }

  const losingForces = inputs.forces.filter((force) => force.npv <= 0);
  const strong = profitClass === "peak" || scores.focus >= thresholds.chooseFocus;
  if (strong && inputs.baseNpv > 0 && losingForces.length === 0) {
    const reasons = [classReason];
    if (scores.focus >= thresholds.chooseFocus) {
      reasons.push(
        reason(
          "high_focus",
          "focus",
          scores.focus,
          thresholds.chooseFocus,
          `Focus score ${scores.focus.toFixed(0)} is at or above ${thresholds.chooseFocus}.`,
        ),
      );
    }
    reasons.push(
      reason(
        "positive_npv",
        "npv",
        inputs.baseNpv,
        0,
        `Projected profit is worth ${round(inputs.baseNpv)} today${inputs.forces.length > 0 ? ", and stays positive under every force of change" : ""}.`,
      ),
    );
    return finish("choose", reasons);
  }
  if (profitClass === "niche" && scores.growth >= thresholds.developGrowth) {
    return finish("develop", [
      classReason,
      reason(
        "growing",
        "growth",
        scores.growth,
        thresholds.developGrowth,
        `Growth score ${scores.growth.toFixed(0)} is at or above ${thresholds.developGrowth}.`,
      ),
    ]);
  }
  if (profitClass === "drain") return finish("fix", [classReason, ...fixReasons(metrics)]);
  if (
    profitClass === "desert" &&
    scores.growth < thresholds.declineGrowth &&
    scores.defensibility < thresholds.declineDefensibility
  ) {
    return finish("decline", [
      classReason,
      reason(
        "low_growth",
        "growth",
        scores.growth,
        thresholds.declineGrowth,
        `Growth score ${scores.growth.toFixed(0)} is below ${thresholds.declineGrowth}.`,
      ),
      reason(
        "low_defensibility",
        "defensibility",
        scores.defensibility,
        thresholds.declineDefensibility,
        `Defensibility score ${scores.defensibility.toFixed(0)} is below ${thresholds.declineDefensibility}.`,
      ),
    ]);
  }
  if (strong) {
    return finish("fix", [
      classReason,
      ...(inputs.baseNpv > 0
        ? []
        : [
            reason(
              "no_positive_npv",
              "npv",
              inputs.baseNpv,
              0,
              `Projected profit is worth ${round(inputs.baseNpv)} today: its sales are not projected to continue; find out why before investing in it.`,
            ),
          ]),
      ...losingForces.map((force) =>
        reason(
          "threatened",
          `npv:${force.forceId}`,
          force.npv,
          0,
          `Under "${force.name}" its projected profit falls to ${round(force.npv)}: secure it before that happens.`,
        ),
      ),
    ]);
  }
  if (profitClass === "niche") {
    return finish("fix", [
      classReason,
      reason(
        "not_growing",
        "growth",
        scores.growth,
        thresholds.developGrowth,
        `Growth score ${scores.growth.toFixed(0)} is below ${thresholds.developGrowth}: profitable but not growing; keep its terms and find what would make it grow.`,
      ),
    ]);
  }
  return finish("fix", [
    classReason,
    reason(
      "defensible_desert",
      "defensibility",
      scores.defensibility,
      thresholds.declineDefensibility,
      `Growth ${scores.growth.toFixed(0)} or defensibility ${scores.defensibility.toFixed(0)} is too high to walk away: cut its cost-to-serve instead.`,
    ),
    ...fixReasons(metrics),
  ]);
}

function finish(decision: Decision, reasons: Reason[]): Recommendation {
  return { decision, reasons, guidance: GUIDANCE[decision] };
}

function reason(
  code: string,
  metric: string,
  value: number | string | null,
  threshold: number | string | null,
  message: string,
): Reason {
  return { code, metric, value, threshold, message };
}

function missingEvidence(inputs: DecisionInputs, policy: Policy): Reason[] {
  const { metrics } = inputs;
  const minimum = policy.minimumEvidence;
  const missing: Reason[] = [];
  if (metrics.lines < minimum.lines) {
    missing.push(
      reason(
        "few_lines",
        "lines",
        metrics.lines,
        minimum.lines,
        `Only ${metrics.lines} invoice lines; at least ${minimum.lines} are needed.`,
      ),
    );
  }
  if (!inputs.perCustomer && metrics.customers < minimum.customers) {
    missing.push(
      reason(
        "few_customers",
        "customers",
        metrics.customers,
        minimum.customers,
        `Only ${metrics.customers} customers; at least ${minimum.customers} are needed.`,
      ),
    );
  }
  if (metrics.monthsWithLines < minimum.months) {
    missing.push(
      reason(
        "short_history",
        "months",
        metrics.monthsWithLines,
        minimum.months,
        `Only ${metrics.monthsWithLines} months with sales; at least ${minimum.months} are needed.`,
      ),
    );
  }
  return missing;
}

function landscapeReason(inputs: DecisionInputs): Reason {
  const { metrics, profitClass, companyMargin, medianRevenue } = inputs;
  const size = metrics.revenue >= medianRevenue ? "≥" : "<";
  // From the class, not from metrics.margin: without revenue that is 0, yet a loss ranks below any company margin.
  const margin = profitClass === "peak" || profitClass === "niche" ? "≥" : "<";
  const meaning: Record<ProfitClass, string> = {
    peak: "A profit peak, large and profitable",
    drain: "A profit drain, large but below the company margin",
    desert: "A profit desert, small and below the company margin",
    niche: "A profitable niche, small but above the company margin",
  };
  return reason(
    profitClass,
    "margin",
    metrics.margin,
    companyMargin,
    `${meaning[profitClass]}: revenue ${round(metrics.revenue)} ${size} median ${round(medianRevenue)}, margin ${pct(metrics.margin)} ${margin} company ${pct(companyMargin)}.`,
  );
}

/** What to fix: the biggest cost-to-serve components, and price realization. */
function fixReasons(metrics: SegmentMetrics): Reason[] {
  const reasons = Object.entries(metrics.costs)
    .filter(([, cost]) => cost > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 2)
    .map(([component, cost]) =>
      reason(
        "cost_to_serve",
        `cost:${component}`,
        cost,
        null,
        `${component} costs ${round(cost)}, ${metrics.revenue > 0 ? pct(cost / metrics.revenue) : "—"} of revenue: a cost-to-serve to cut.`,
      ),
    );
  if (metrics.priceRealization !== null) {
    reasons.push(
      reason(
        "price_realization",
        "priceRealization",
        metrics.priceRealization,
        null,
        `Price realization is ${pct(metrics.priceRealization)}: ${pct(1 - metrics.priceRealization)} of list price is given away in discounts.`,
      ),
    );
  }
  return reasons;
}
