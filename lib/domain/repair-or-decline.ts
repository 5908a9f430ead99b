import { costToServeIntensity } from "#domain/causes.ts";
import type { Decision, DecisionInputs } from "#domain/decisions.ts";
import type { Policy } from "#domain/policy.ts";
import { amount, pct, type Reason, reason } from "#domain/reason.ts";
import { type Lever, repair } from "#domain/repair.ts";

/**
 * A segment whose projected profit is worth less than nothing: fixed when the two levers of repair
 * lift its NPV above zero, each named with what it is worth a year; declined otherwise, with what
 * repair would reach and the causes in numbers.
 */
export function repairOrDecline(
  inputs: DecisionInputs,
  policy: Policy,
  classReason: Reason,
  weak: readonly Reason[],
): { decision: Decision; reasons: Reason[] } {
  const { metrics } = inputs;
  const repaired = repair({
    years: inputs.projectedYears,
    discountRate: policy.projection.discountRate,
    priceRealization: metrics.priceRealization,
    medianPriceRealization: inputs.medianPriceRealization,
    costToServeIntensity: costToServeIntensity(metrics),
    medianCostToServeIntensity: inputs.medianCostToServeIntensity,
  });
  const negative = reason(
    "negative_npv",
    "npv",
    inputs.baseNpv,
    0,
    `Projected profit is worth ${amount(inputs.baseNpv)} today: it destroys value as it is.`,
  );
  if (repaired.npv > 0) {
    return {
      decision: "fix",
      reasons: [
        negative,
        reason(
          "repairable",
          "repairedNpv",
          repaired.npv,
          0,
          `At the scheme's median price realization and cost-to-serve, its projected profit would be worth ${amount(repaired.npv)} today.`,
        ),
        ...repaired.levers.map(leverReason),
        classReason,
        ...weak,
      ],
    };
  }
  return {
    decision: "decline",
    reasons: [
      negative,
      reason(
        "beyond_repair",
        "repairedNpv",
        repaired.npv,
        0,
        repaired.levers.length > 0
          ? `Even at the scheme's median price realization and cost-to-serve, its projected profit would be worth ${amount(repaired.npv)} today.`
          : "It already prices and serves at or better than the scheme's median segment: repair has no lever to pull.",
      ),
      classReason,
      ...(weak.length > 0 ? weak : projectedLoss(inputs)),
    ],
  };
}

function leverReason(lever: Lever): Reason {
  if (lever.kind === "price") {
    return reason(
      "reprice",
      "priceRealization",
      lever.own,
      lever.median,
      `Holding discounts to the scheme median of ${pct(1 - lever.median)} of list price (now ${pct(1 - lever.own)}) would add ${amount(lever.yearly)} a year.`,
    );
  }
  return reason(
    "cut_cost_to_serve",
    "costToServeIntensity",
    lever.own,
    lever.median,
    `Serving it at the scheme median cost-to-serve of ${pct(lever.median)} of revenue (now ${pct(lever.own)}) would add ${amount(lever.yearly)} a year.`,
  );
}

/** When no figure of its past is worse than its benchmark, the cause is where its projection turns to a loss. */
function projectedLoss(inputs: DecisionInputs): Reason[] {
  const year = inputs.projectedYears.find((projected) => projected.profit < 0);
  if (!year) return [];
  return [
    reason(
      "projected_loss",
      `profit:year${year.year}`,
      year.profit,
      0,
      `Its trend carries it to a loss of ${amount(-year.profit)} in projected year ${year.year}.`,
    ),
  ];
}
