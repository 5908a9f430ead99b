import { strengths, weaknesses } from "#domain/causes.ts";
import type { SegmentMetrics } from "#domain/metrics.ts";
import type { Policy } from "#domain/policy.ts";
import type { ProfitClass } from "#domain/profit-landscape.ts";
import type { ProjectedYear } from "#domain/projection.ts";
import { amount, pct, type Reason, reason } from "#domain/reason.ts";
import { repairOrDecline } from "#domain/repair-or-decline.ts";
import type { SegmentScores } from "#domain/scores.ts";

export type { Reason } from "#domain/reason.ts";

export type Decision = "choose" | "develop" | "fix" | "decline" | "insufficient_data";

export const DECISIONS: readonly Decision[] = ["choose", "develop", "fix", "decline", "insufficient_data"];

/** Low when the NPV's interval straddles zero: the numbers could yet turn the decision. */
export type Confidence = "high" | "low";

export const CONFIDENCES: readonly Confidence[] = ["high", "low"];

export interface Recommendation {
  readonly decision: Decision;
  readonly reasons: readonly Reason[];
  readonly guidance: string;
  readonly confidence: Confidence;
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
  /** Over the scheme's segments with revenue; null when none has any. */
  readonly medianPriceRealization: number | null;
  readonly medianCostToServeIntensity: number | null;
  /** The base projection's years, which repair adds its levers to. */
  readonly projectedYears: readonly ProjectedYear[];
  /** The NPV's P10 and P90, when the projection gives an interval; without them confidence is high. */
  readonly npvP10?: number;
  readonly npvP90?: number;
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

/**
 * The recommendation for one segment, by the rules of the design, each path a written rule (the
 * README's decision table) and none a default:
 *
 *  1. not enough evidence → insufficient_data;
 *  2. a negative base NPV → fix if the repaired NPV (price realization and cost-to-serve at the
 *     scheme's median) is positive, with each lever and what it is worth a year; else decline;
 *  3. a peak or a high focus score, with a positive NPV in the base case and under every active
 *     force → choose;
 *  4. by profit class: a drain → fix; a niche that grows → develop; a desert with low growth and
 *     defensibility → decline; a peak, or a strong niche or desert, whose NPV is zero or that a force
 *     turns unprofitable → fix (secure it); a niche that does not grow → fix (find what would make it
 *     grow); a desert with growth or defensibility → fix (cut its cost-to-serve).
 *
 * Every decision but insufficient_data names its causes in numbers (causes.ts); one whose NPV
 * interval straddles zero says so, and its confidence is low.
 */
export function recommend(inputs: DecisionInputs, policy: Policy): Recommendation {
  const evidence = missingEvidence(inputs, policy);
  // Too little evidence is certain in itself; it does not rest on the NPV.
  if (evidence.length > 0) return finish("insufficient_data", evidence, "high");
  const { decision, reasons } = ruled(inputs, policy);
  const { npvP10, npvP90 } = inputs;
  if (npvP10 !== undefined && npvP90 !== undefined && npvP10 < 0 && npvP90 > 0) {
    reasons.push(
      reason(
        "uncertain_npv",
        "npvP10",
        npvP10,
        0,
        `Its NPV could lie anywhere from ${amount(npvP10)} to ${amount(npvP90)} (P10 to P90): the interval straddles zero, so the numbers could yet turn this decision.`,
      ),
    );
    return finish(decision, reasons, "low");
  }
  return finish(decision, reasons, "high");
}

function ruled(inputs: DecisionInputs, policy: Policy): { decision: Decision; reasons: Reason[] } {
  const { scores, profitClass } = inputs;
  const thresholds = policy.thresholds;
  const classReason = landscapeReason(inputs);
  // Only the decisions that fix or decline name weaknesses: worked out when one of them is reached.
  const weak = () => weaknesses(inputs);
  if (inputs.baseNpv < 0) return repairOrDecline(inputs, policy, classReason, weak());

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
        `Projected profit is worth ${amount(inputs.baseNpv)} today${inputs.forces.length > 0 ? ", and stays positive under every force of change" : ""}.`,
      ),
      ...strengths(inputs),
    );
    return { decision: "choose", reasons };
  }

  const unproven = () => ({
    decision: "fix" as const,
    reasons: [classReason, ...unprovenReasons(inputs, losingForces), ...weak()],
  });
  switch (profitClass) {
    case "peak":
      return unproven();
    case "drain":
      return { decision: "fix", reasons: [classReason, ...fixReasons(inputs.metrics), ...weak()] };
    case "niche":
      if (scores.growth >= thresholds.developGrowth) {
        return {
          decision: "develop",
          reasons: [
            classReason,
            reason(
              "growing",
              "growth",
              scores.growth,
              thresholds.developGrowth,
              `Growth score ${scores.growth.toFixed(0)} is at or above ${thresholds.developGrowth}.`,
            ),
            ...strengths(inputs),
          ],
        };
      }
      if (strong) return unproven();
      return {
        decision: "fix",
        reasons: [
          classReason,
          reason(
            "not_growing",
            "growth",
            scores.growth,
            thresholds.developGrowth,
            `Growth score ${scores.growth.toFixed(0)} is below ${thresholds.developGrowth}, with revenue of ${amount(inputs.metrics.ttmRevenue)} over the last twelve months against ${amount(inputs.metrics.priorTtmRevenue)} the twelve before: profitable but not growing; keep its terms and find what would make it grow.`,
          ),
          // Its revenue figures are in the sentence above; the rest of what makes it strong follows.
          ...strengths(inputs).filter((strength) => strength.code !== "growing_revenue"),
          ...weak(),
        ],
      };
    case "desert":
      if (
        scores.growth < thresholds.declineGrowth &&
        scores.defensibility < thresholds.declineDefensibility
      ) {
        return {
          decision: "decline",
          reasons: [
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
            ...weak(),
          ],
        };
      }
      if (strong) return unproven();
      return {
        decision: "fix",
        reasons: [
          classReason,
          reason(
            "defensible_desert",
            "defensibility",
            scores.defensibility,
            thresholds.declineDefensibility,
            `Growth ${scores.growth.toFixed(0)} or defensibility ${scores.defensibility.toFixed(0)} is too high to walk away: cut its cost-to-serve instead.`,
          ),
          ...fixReasons(inputs.metrics),
          ...weak(),
        ],
      };
    default:
      return unreachable(profitClass);
  }
}

function unreachable(profitClass: never): never {
  throw new Error(`no decision rule for profit class ${String(profitClass)}`);
}

/** Why a strong segment is not chosen: its NPV is not positive, or a force would make it so. */
function unprovenReasons(inputs: DecisionInputs, losingForces: DecisionInputs["forces"]): Reason[] {
  return [
    ...(inputs.baseNpv > 0
      ? []
      : [
          reason(
            "no_positive_npv",
            "npv",
            inputs.baseNpv,
            0,
            `Projected profit is worth ${amount(inputs.baseNpv)} today: its sales are not projected to continue; find out why before investing in it.`,
          ),
        ]),
    ...losingForces.map((force) =>
      reason(
        "threatened",
        `npv:${force.forceId}`,
        force.npv,
        0,
        `Under "${force.name}" its projected profit falls to ${amount(force.npv)}: secure it before that happens.`,
      ),
    ),
  ];
}

function finish(decision: Decision, reasons: Reason[], confidence: Confidence): Recommendation {
  return { decision, reasons, guidance: GUIDANCE[decision], confidence };
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
    `${meaning[profitClass]}: revenue ${amount(metrics.revenue)} ${size} median ${amount(medianRevenue)}, margin ${pct(metrics.margin)} ${margin} company ${pct(companyMargin)}.`,
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
        `${component} costs ${amount(cost)}, ${metrics.revenue > 0 ? pct(cost / metrics.revenue) : "—"} of revenue: a cost-to-serve to cut.`,
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
