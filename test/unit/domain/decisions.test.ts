import { describe, expect, it } from "vitest";
import {
  DECISIONS,
  type DecisionInputs,
  type Reason,
  type Recommendation,
  recommend,
} from "#domain/decisions.ts";
import type { SegmentMetrics } from "#domain/metrics.ts";
import { monthIndex } from "#domain/month.ts";
import { DEFAULT_POLICY, parsePolicy } from "#domain/policy.ts";
import type { SegmentScores } from "#domain/scores.ts";

/** A segment with ample evidence: 100 lines, 10 customers, 24 months; revenue 1000, margin 32%. */
function metrics(overrides: Partial<SegmentMetrics> = {}): SegmentMetrics {
  return {
    index: 0,
    id: "online",
    values: { channel: "online" },
    revenue: 1000,
    cogs: 600,
    costs: { freight: 50, handling: 30 },
    costToServe: 80,
    profit: 320,
    margin: 0.32,
    quantity: 0,
    lines: 100,
    customers: 10,
    discount: 111.11,
    priceRealization: 0.9,
    ttmRevenue: 600,
    priorTtmRevenue: 400,
    ttmProfit: 200,
    priorTtmProfit: 120,
    ttmCostToServe: 50,
    activeCustomersTtm: 8,
    activeCustomersPriorTtm: 6,
    retention: 0.75,
    repeatRate: 0.7,
    breadth: 1.5,
    concentration: 0.2,
    monthsWithLines: 24,
    firstMonth: monthIndex(2023, 1),
    lastMonth: monthIndex(2024, 12),
    monthly: { firstMonth: monthIndex(2023, 1), revenue: [], profit: [] },
    ...overrides,
  };
}

function scores(headline: {
  profitability?: number;
  growth?: number;
  defensibility?: number;
  focus?: number;
}) {
  const value: SegmentScores = {
    profitability: 50,
    growth: 50,
    defensibility: 50,
    focus: 50,
    components: { profitability: {}, growth: {}, defensibility: {} },
    ...headline,
  };
  return value;
}

/**
 * A peak of focus 50 with NPV 1000 and no forces, unless told otherwise; the scheme's median segment
 * realizes 90% of list price and spends 8% of revenue on being served, as this segment does.
 */
function inputs(overrides: Partial<DecisionInputs> = {}): DecisionInputs {
  return {
    metrics: metrics(),
    profitClass: "peak",
    scores: scores({}),
    companyMargin: 0.2,
    medianRevenue: 500,
    baseNpv: 1000,
    forces: [],
    perCustomer: false,
    medianPriceRealization: 0.9,
    medianCostToServeIntensity: 0.08,
    projectedYears: [],
    ...overrides,
  };
}

/** What the default segment does better than its benchmarks: margin 32% ≥ 20%, revenue 400 → 600, customers 6 → 8, price held. */
const STRENGTHS = ["above_company_margin", "growing_revenue", "gaining_customers", "holds_price"];

const decide = (overrides: Partial<DecisionInputs> = {}, policy = DEFAULT_POLICY) =>
  recommend(inputs(overrides), policy);

const codes = (recommendation: Recommendation) => recommendation.reasons.map((reason) => reason.code);

function reasonOf(recommendation: Recommendation, code: string): Reason {
  const found = recommendation.reasons.find((reason) => reason.code === code);
  if (!found) throw new Error(`no reason ${code} among ${codes(recommendation).join(", ")}`);
  return found;
}

const force = (forceId: string, npv: number) => ({
  forceId,
  name: `Force ${forceId}`,
  npv,
  threatened: npv < 900,
});

describe("insufficient evidence comes first", () => {
  it("names too few lines, with the count and the minimum", () => {
    const recommendation = decide({ metrics: metrics({ lines: 29 }) });
    expect(recommendation.decision).toBe("insufficient_data");
    expect(recommendation.reasons).toHaveLength(1);
    const few = reasonOf(recommendation, "few_lines");
    expect(few).toMatchObject({ metric: "lines", value: 29, threshold: 30 });
    expect(few.message).toMatch(/29\b.*\b30\b/);
  });

  it("names too few customers", () => {
    const recommendation = decide({ metrics: metrics({ customers: 2 }) });
    expect(recommendation.decision).toBe("insufficient_data");
    expect(recommendation.reasons).toEqual([
      expect.objectContaining({ code: "few_customers", metric: "customers", value: 2, threshold: 3 }),
    ]);
  });

  it("names too short a history, in months with sales", () => {
    const recommendation = decide({ metrics: metrics({ monthsWithLines: 5 }) });
    expect(recommendation.reasons).toEqual([
      expect.objectContaining({ code: "short_history", metric: "months", value: 5, threshold: 6 }),
    ]);
  });

  it("names every shortfall of a single month of history at once", () => {
    const recommendation = decide({ metrics: metrics({ lines: 2, customers: 1, monthsWithLines: 1 }) });
    expect(recommendation.decision).toBe("insufficient_data");
    expect(codes(recommendation)).toEqual(["few_lines", "few_customers", "short_history"]);
    expect(recommendation.guidance).toMatch(/evidence/);
  });

  it("does not ask a segment of a per-customer scheme for more than one customer", () => {
    expect(decide({ metrics: metrics({ customers: 1 }), perCustomer: true }).decision).toBe("choose");
    const short = decide({ metrics: metrics({ customers: 1, lines: 3 }), perCustomer: true });
    expect(codes(short)).toEqual(["few_lines"]);
  });

  it("counts the minimum itself as enough", () => {
    expect(decide({ metrics: metrics({ lines: 30, customers: 3, monthsWithLines: 6 }) }).decision).toBe(
      "choose",
    );
  });

  it("takes the minimum from the policy", () => {
    const policy = parsePolicy({ minimumEvidence: { lines: 200, customers: 0, months: 0 } });
    expect(codes(decide({}, policy))).toEqual(["few_lines"]);
    expect(reasonOf(decide({}, policy), "few_lines").threshold).toBe(200);
  });

  it("wins over a negative NPV", () => {
    expect(decide({ metrics: metrics({ lines: 1 }), baseNpv: -500 }).decision).toBe("insufficient_data");
  });
});

describe("decline for a negative NPV in the base case that repair does not lift", () => {
  it("declines even a high-focus peak, with the NPV, what repair would reach and the profit class as reasons", () => {
    const recommendation = decide({ scores: scores({ focus: 95 }), baseNpv: -250 });
    expect(recommendation.decision).toBe("decline");
    // at the median on price and on cost-to-serve: nothing to repair
    expect(codes(recommendation)).toEqual(["negative_npv", "beyond_repair", "peak"]);
    expect(reasonOf(recommendation, "beyond_repair")).toMatchObject({
      metric: "repairedNpv",
      value: 0,
      threshold: 0,
    });
    expect(reasonOf(recommendation, "beyond_repair").message).toMatch(/no lever/);
    expect(reasonOf(recommendation, "negative_npv")).toMatchObject({
      metric: "npv",
      value: -250,
      threshold: 0,
    });
    expect(reasonOf(recommendation, "negative_npv").message).toMatch(/-250/);
  });

  it("declines a drain with a negative NPV when repair has nothing to lift it with", () => {
    expect(decide({ profitClass: "drain", baseNpv: -1 }).decision).toBe("decline");
  });

  it("tells to keep serving existing customers well", () => {
    const { guidance } = decide({ baseNpv: -1 });
    expect(guidance).toMatch(/[Nn]ever serve existing customers badly/);
    expect(guidance).toMatch(/stop pursuing/);
  });
});

describe("choose", () => {
  it("chooses a peak with a positive NPV, whatever its focus", () => {
    const recommendation = decide({ scores: scores({ focus: 40 }) });
    expect(recommendation.decision).toBe("choose");
    expect(codes(recommendation)).toEqual(["peak", "positive_npv", ...STRENGTHS]);
    expect(reasonOf(recommendation, "positive_npv")).toMatchObject({
      metric: "npv",
      value: 1000,
      threshold: 0,
    });
  });

  it("chooses any segment with focus at or above 70 and a positive NPV, saying so", () => {
    const recommendation = decide({ profitClass: "drain", scores: scores({ focus: 70 }) });
    expect(recommendation.decision).toBe("choose");
    expect(codes(recommendation)).toEqual(["drain", "high_focus", "positive_npv", ...STRENGTHS]);
    expect(reasonOf(recommendation, "high_focus")).toMatchObject({
      metric: "focus",
      value: 70,
      threshold: 70,
    });
  });

  it("chooses a high-focus growing niche rather than merely developing it", () => {
    const recommendation = decide({ profitClass: "niche", scores: scores({ focus: 75, growth: 90 }) });
    expect(recommendation.decision).toBe("choose");
  });

  it("chooses when the NPV stays positive under every active force, and says so", () => {
    const recommendation = decide({ forces: [force("giant", 400), force("innovation", 1500)] });
    expect(recommendation.decision).toBe("choose");
    expect(reasonOf(recommendation, "positive_npv").message).toMatch(/every force/);
  });

  it("takes the focus threshold from the policy", () => {
    const policy = parsePolicy({ thresholds: { chooseFocus: 80 } });
    expect(decide({ profitClass: "drain", scores: scores({ focus: 75 }) }, policy).decision).toBe("fix");
    expect(decide({ profitClass: "drain", scores: scores({ focus: 80 }) }, policy).decision).toBe("choose");
  });

  it("says yes in its guidance", () => {
    expect(decide().guidance).toMatch(/^Say yes/);
  });
});

describe("a strong segment that a force would make unprofitable", () => {
  it("is fixed, naming each force under which its NPV is not positive", () => {
    const recommendation = decide({
      forces: [force("giant", -300), force("innovation", 1200), force("tariff", 0)],
    });
    expect(recommendation.decision).toBe("fix");
    expect(codes(recommendation)).toEqual(["peak", "threatened", "threatened"]);
    const [, giant, tariff] = recommendation.reasons;
    expect(giant).toMatchObject({ metric: "npv:giant", value: -300, threshold: 0 });
    expect(giant?.message).toMatch(/Force giant/);
    expect(tariff).toMatchObject({ metric: "npv:tariff", value: 0 });
  });

  it("is fixed with its NPV as the reason when the base NPV is zero", () => {
    const recommendation = decide({ baseNpv: 0 });
    expect(recommendation.decision).toBe("fix");
    expect(reasonOf(recommendation, "no_positive_npv")).toMatchObject({
      metric: "npv",
      value: 0,
      threshold: 0,
    });
  });
});

describe("develop", () => {
  it("develops a niche whose growth is at or above 60", () => {
    const recommendation = decide({ profitClass: "niche", scores: scores({ growth: 60 }) });
    expect(recommendation.decision).toBe("develop");
    expect(codes(recommendation)).toEqual(["niche", "growing", ...STRENGTHS]);
    expect(reasonOf(recommendation, "growing")).toMatchObject({ metric: "growth", value: 60, threshold: 60 });
    expect(recommendation.guidance).toMatch(/^Invest/);
  });

  it("fixes a niche that does not grow, saying it does not grow, with its revenue in numbers", () => {
    const recommendation = decide({ profitClass: "niche", scores: scores({ growth: 59.9 }) });
    expect(recommendation.decision).toBe("fix");
    expect(codes(recommendation)).toEqual([
      "niche",
      "not_growing",
      "above_company_margin",
      "gaining_customers",
      "holds_price",
    ]);
    expect(reasonOf(recommendation, "not_growing")).toMatchObject({ value: 59.9, threshold: 60 });
    expect(reasonOf(recommendation, "not_growing").message).toMatch(
      /600 over the last twelve months against 400/,
    );
  });

  it("takes the growth threshold from the policy", () => {
    const policy = parsePolicy({ thresholds: { developGrowth: 40 } });
    expect(decide({ profitClass: "niche", scores: scores({ growth: 45 }) }, policy).decision).toBe("develop");
  });
});

describe("fix a drain", () => {
  const drain = metrics({
    costs: { freight: 300, handling: 500, returns: 100, specialServices: 0 },
    costToServe: 900,
    priceRealization: 0.85,
  });

  it("names its two biggest cost-to-serve components, largest first, its price realization, and both against the median", () => {
    const recommendation = decide({ profitClass: "drain", metrics: drain });
    expect(recommendation.decision).toBe("fix");
    expect(codes(recommendation)).toEqual([
      "drain",
      "cost_to_serve",
      "cost_to_serve",
      "price_realization",
      "heavy_discounting",
      "high_cost_to_serve",
    ]);
    // 900 of revenue 1000 against the median 8%; 15% given away against the median 10%
    expect(reasonOf(recommendation, "high_cost_to_serve")).toMatchObject({ value: 0.9, threshold: 0.08 });
    expect(reasonOf(recommendation, "heavy_discounting")).toMatchObject({ value: 0.85, threshold: 0.9 });
    const [, first, second, price] = recommendation.reasons;
    expect(first).toMatchObject({ metric: "cost:handling", value: 500, threshold: null });
    // 500 of revenue 1000
    expect(first?.message).toMatch(/50\.0%/);
    expect(second).toMatchObject({ metric: "cost:freight", value: 300 });
    expect(price).toMatchObject({ metric: "priceRealization", value: 0.85, threshold: null });
    // 15% of list price given away
    expect(price?.message).toMatch(/85\.0%/);
    expect(price?.message).toMatch(/15\.0%/);
  });

  it("names no component that costs nothing, and no price realization without revenue", () => {
    const recommendation = decide({
      profitClass: "drain",
      metrics: metrics({ costs: { freight: 0, handling: 40 }, priceRealization: null }),
    });
    expect(recommendation.reasons.map((reason) => reason.metric)).toEqual(["margin", "cost:handling"]);
  });

  it("says not to simply drop it", () => {
    expect(decide({ profitClass: "drain", metrics: drain }).guidance).toMatch(/do not simply drop it/);
  });
});

describe("decline a weak desert", () => {
  it("declines a desert with growth and defensibility below 50, with both as reasons", () => {
    const recommendation = decide({
      profitClass: "desert",
      scores: scores({ growth: 49, defensibility: 30 }),
    });
    expect(recommendation.decision).toBe("decline");
    expect(codes(recommendation)).toEqual(["desert", "low_growth", "low_defensibility"]);
    expect(reasonOf(recommendation, "low_growth")).toMatchObject({
      metric: "growth",
      value: 49,
      threshold: 50,
    });
    expect(reasonOf(recommendation, "low_defensibility")).toMatchObject({
      metric: "defensibility",
      value: 30,
      threshold: 50,
    });
    expect(recommendation.guidance).toMatch(/existing customers/);
  });

  it("fixes a desert with growth or defensibility of 50 or more, cutting its cost-to-serve", () => {
    for (const headline of [
      { growth: 50, defensibility: 10 },
      { growth: 10, defensibility: 50 },
    ]) {
      const recommendation = decide({ profitClass: "desert", scores: scores(headline) });
      expect(recommendation.decision).toBe("fix");
      expect(codes(recommendation)).toEqual([
        "desert",
        "defensible_desert",
        "cost_to_serve",
        "cost_to_serve",
        "price_realization",
      ]);
    }
  });

  it("takes the decline thresholds from the policy", () => {
    const policy = parsePolicy({ thresholds: { declineGrowth: 20, declineDefensibility: 20 } });
    expect(
      decide({ profitClass: "desert", scores: scores({ growth: 30, defensibility: 10 }) }, policy).decision,
    ).toBe("fix");
  });
});

describe("every recommendation", () => {
  const cases: DecisionInputs[] = [
    inputs({ metrics: metrics({ lines: 1 }) }),
    inputs({ baseNpv: -1 }),
    inputs(),
    inputs({ profitClass: "niche", scores: scores({ growth: 80 }) }),
    inputs({ profitClass: "drain" }),
    inputs({ profitClass: "desert", scores: scores({ growth: 0, defensibility: 0 }) }),
    inputs({ profitClass: "desert", scores: scores({ growth: 70 }) }),
    inputs({ forces: [force("giant", -1)] }),
  ];

  it("covers every decision in the cases above", () => {
    expect(new Set(cases.map((c) => recommend(c, DEFAULT_POLICY).decision))).toEqual(new Set(DECISIONS));
  });

  it("carries reasons with a code, a metric, a value, a threshold and a plain sentence, and guidance", () => {
    for (const c of cases) {
      const recommendation = recommend(c, DEFAULT_POLICY);
      expect(recommendation.reasons.length).toBeGreaterThan(0);
      expect(recommendation.guidance.length).toBeGreaterThan(20);
      for (const reason of recommendation.reasons) {
        expect(Object.keys(reason).sort()).toEqual(["code", "message", "metric", "threshold", "value"]);
        expect(reason.code).toMatch(/^[a-z_]+$/);
        expect(reason.metric.length).toBeGreaterThan(0);
        expect(reason.message).toMatch(/^\S.*\.$/);
      }
    }
  });

  it("states the profit class against the company margin, with the margin as value", () => {
    const recommendation = decide({
      profitClass: "drain",
      metrics: metrics({ margin: 0.1 }),
      companyMargin: 0.2,
    });
    expect(reasonOf(recommendation, "drain")).toMatchObject({ metric: "margin", value: 0.1, threshold: 0.2 });
    expect(reasonOf(recommendation, "drain").message).toMatch(/10\.0%.*20\.0%/);
  });

  it("describes a loss-making segment without revenue as below the company margin, even a negative one", () => {
    // no revenue: margin 0 by convention, but a loss puts it below any company margin (class desert)
    const recommendation = decide({
      profitClass: "desert",
      metrics: metrics({ revenue: 0, profit: -150, margin: 0, priceRealization: null }),
      companyMargin: -0.05,
      scores: scores({ growth: 10, defensibility: 10 }),
    });
    const desert = reasonOf(recommendation, "desert");
    expect(desert.message).toMatch(/margin 0\.0% (<|below)/);
    expect(desert.message).not.toMatch(/margin 0\.0% (≥|at or above)/);
  });
});

describe("repair before decline", () => {
  /**
   * A drain: revenue 10,000 at 80% of list (median 88%) and 15% of revenue spent on being served
   * (median 10%), projected at 10,000 a year and losses of 1,000, 1,200 and 1,400.
   */
  const drain = metrics({
    revenue: 10_000,
    cogs: 8_000,
    costs: { freight: 1_000, handling: 500 },
    costToServe: 1_500,
    profit: 500,
    margin: 0.05,
    discount: 2_500,
    priceRealization: 0.8,
  });
  const projected = (profits: readonly number[], revenue = 10_000) =>
    profits.map((profit, y) => ({ year: y + 1, revenue, profit }));
  const baseNpv = -1_000 / 1.1 - 1_200 / 1.21 - 1_400 / 1.331;
  const repairable = {
    profitClass: "drain" as const,
    metrics: drain,
    baseNpv,
    projectedYears: projected([-1_000, -1_200, -1_400]),
    medianPriceRealization: 0.88,
    medianCostToServeIntensity: 0.1,
  };

  it("fixes a drain that the scheme's median price and cost-to-serve would make worth having, naming each lever a year", () => {
    const recommendation = decide(repairable);
    expect(recommendation.decision).toBe("fix");
    expect(codes(recommendation)).toEqual([
      "negative_npv",
      "repairable",
      "reprice",
      "cut_cost_to_serve",
      "drain",
      "low_margin",
      "heavy_discounting",
      "high_cost_to_serve",
    ]);
    // repaired profit 500, 300, 100 a year → 777.61 today
    expect(reasonOf(recommendation, "repairable").value).toBeCloseTo(500 / 1.1 + 300 / 1.21 + 100 / 1.331, 9);
    expect(reasonOf(recommendation, "repairable").message).toMatch(/778 today/);
    // 10,000 × (0.88 ÷ 0.8 − 1) = 1,000 a year; 10,000 × (0.15 − 0.10) = 500 a year
    expect(reasonOf(recommendation, "reprice")).toMatchObject({
      metric: "priceRealization",
      value: 0.8,
      threshold: 0.88,
    });
    expect(reasonOf(recommendation, "reprice").message).toBe(
      "Holding discounts to the scheme median of 12.0% of list price (now 20.0%) would add 1,000 a year.",
    );
    expect(reasonOf(recommendation, "cut_cost_to_serve").message).toBe(
      "Serving it at the scheme median cost-to-serve of 10.0% of revenue (now 15.0%) would add 500 a year.",
    );
    expect(recommendation.guidance).toMatch(/do not simply drop it/);
  });

  it("declines a drain whose repaired NPV is still negative, with what repair would reach", () => {
    const recommendation = decide({ ...repairable, projectedYears: projected([-2_000, -2_000, -2_000]) });
    expect(recommendation.decision).toBe("decline");
    // 2,000 − 1,500 of levers leaves a loss of 500 a year: −500 × (1/1.1 + 1/1.21 + 1/1.331)
    const beyond = reasonOf(recommendation, "beyond_repair");
    expect(beyond.value).toBeCloseTo(-500 / 1.1 - 500 / 1.21 - 500 / 1.331, 9);
    expect(beyond.message).toMatch(/would be worth -1,243 today/);
  });

  it("declines a loss-making, heavily discounted product line naming the discounting with its percentage", () => {
    const productLine = metrics({
      id: "packaging",
      values: { category: "packaging" },
      revenue: 10_000,
      cogs: 13_500,
      costs: { freight: 800 },
      costToServe: 800,
      profit: -4_300,
      margin: -0.43,
      discount: 10_000 / 0.7 - 10_000,
      priceRealization: 0.7,
    });
    const recommendation = decide({
      profitClass: "drain",
      metrics: productLine,
      baseNpv: -10_000,
      projectedYears: projected([-4_300, -4_300, -4_300]),
      medianPriceRealization: 0.88,
      medianCostToServeIntensity: 0.08,
    });
    expect(recommendation.decision).toBe("decline");
    // price lever 10,000 × (0.88 ÷ 0.7 − 1) = 2,571 a year: not enough against a loss of 4,300
    expect(codes(recommendation)).toEqual([
      "negative_npv",
      "beyond_repair",
      "drain",
      "low_margin",
      "heavy_discounting",
    ]);
    expect(reasonOf(recommendation, "heavy_discounting").message).toBe(
      "30.0% of list price is given away in discounts (4,286), against 12.0% for the scheme's median segment.",
    );
    expect(reasonOf(recommendation, "low_margin").message).toMatch(/-43\.0%.*loses 4,300/);
  });

  it("names where the projection turns to a loss when no figure of the past is worse than its benchmark", () => {
    const recommendation = decide({ baseNpv: -50, projectedYears: projected([100, -20, -150]) });
    expect(recommendation.decision).toBe("decline");
    expect(codes(recommendation)).toEqual(["negative_npv", "beyond_repair", "peak", "projected_loss"]);
    expect(reasonOf(recommendation, "projected_loss")).toMatchObject({ metric: "profit:year2", value: -20 });
  });
});

describe("confidence", () => {
  it("is low, with a reason giving the interval, when the NPV's P10 and P90 straddle zero", () => {
    const recommendation = decide({ npvP10: -400, npvP90: 2_600 });
    expect(recommendation.decision).toBe("choose");
    expect(recommendation.confidence).toBe("low");
    expect(recommendation.reasons.at(-1)).toMatchObject({
      code: "uncertain_npv",
      metric: "npvP10",
      value: -400,
    });
    expect(reasonOf(recommendation, "uncertain_npv").message).toMatch(/-400 to 2,600/);
  });

  it("is low for a decline whose interval reaches above zero", () => {
    const recommendation = decide({ baseNpv: -250, npvP10: -900, npvP90: 100 });
    expect(recommendation).toMatchObject({ decision: "decline", confidence: "low" });
  });

  it("is high when the interval stays on one side of zero, or touches it", () => {
    for (const [npvP10, npvP90] of [
      [200, 2_600],
      [-900, -100],
      [0, 2_600],
      [-900, 0],
    ]) {
      const recommendation = decide({ npvP10, npvP90 });
      expect(recommendation.confidence).toBe("high");
      expect(codes(recommendation)).not.toContain("uncertain_npv");
    }
  });

  it("is high without an interval", () => {
    expect(decide().confidence).toBe("high");
    expect(decide({ npvP10: -400 }).confidence).toBe("high");
  });

  it("is high for insufficient data, which does not rest on the NPV", () => {
    const recommendation = decide({ metrics: metrics({ lines: 3 }), npvP10: -400, npvP90: 2_600 });
    expect(recommendation).toMatchObject({ decision: "insufficient_data", confidence: "high" });
    expect(codes(recommendation)).toEqual(["few_lines"]);
  });
});

describe("the rules close every gap", () => {
  it("fixes a high-focus niche whose NPV is zero as an unproven strong segment, not as a niche that does not grow", () => {
    const recommendation = decide({
      profitClass: "niche",
      scores: scores({ focus: 80, growth: 40 }),
      baseNpv: 0,
    });
    expect(recommendation.decision).toBe("fix");
    expect(codes(recommendation)).toEqual(["niche", "no_positive_npv"]);
  });

  it("fixes a high-focus desert that a force turns unprofitable, naming the force", () => {
    const recommendation = decide({
      profitClass: "desert",
      scores: scores({ focus: 75, growth: 60, defensibility: 60 }),
      forces: [force("giant", -10)],
    });
    expect(recommendation.decision).toBe("fix");
    expect(codes(recommendation)).toEqual(["desert", "threatened"]);
  });

  it("develops a growing niche even when a force would turn it unprofitable", () => {
    const recommendation = decide({
      profitClass: "niche",
      scores: scores({ growth: 70 }),
      forces: [force("giant", -10)],
    });
    expect(recommendation.decision).toBe("develop");
  });

  /** The README's decision table, written out independently: the decision and the rule's own reason code. */
  function ruleOf(c: DecisionInputs): [string, string] {
    const strong = c.profitClass === "peak" || c.scores.focus >= 70;
    const losing = c.forces.some((f) => f.npv <= 0);
    if (c.baseNpv < 0) return ["decline", "beyond_repair"];
    if (strong && c.baseNpv > 0 && !losing) return ["choose", "positive_npv"];
    if (c.profitClass === "drain") return ["fix", "drain"];
    if (c.profitClass === "niche" && c.scores.growth >= 60) return ["develop", "growing"];
    if (c.profitClass === "desert" && c.scores.growth < 50 && c.scores.defensibility < 50)
      return ["decline", "low_defensibility"];
    if (strong) return ["fix", c.baseNpv > 0 ? "threatened" : "no_positive_npv"];
    if (c.profitClass === "niche") return ["fix", "not_growing"];
    return ["fix", "defensible_desert"];
  }

  it("decides every combination of class, NPV, force, focus, growth and defensibility by its written rule", () => {
    let combinations = 0;
    for (const profitClass of ["peak", "drain", "desert", "niche"] as const)
      for (const baseNpv of [-100, 0, 100])
        for (const forces of [[], [force("giant", 50)], [force("giant", 0)]])
          for (const focus of [40, 70])
            for (const growth of [30, 50, 60])
              for (const defensibility of [30, 50]) {
                const c = inputs({
                  profitClass,
                  baseNpv,
                  forces,
                  scores: scores({ focus, growth, defensibility }),
                });
                const recommendation = recommend(c, DEFAULT_POLICY);
                const [decision, code] = ruleOf(c);
                expect(
                  recommendation.decision,
                  JSON.stringify({ profitClass, baseNpv, focus, growth, defensibility }),
                ).toBe(decision);
                expect(codes(recommendation)).toContain(code);
                combinations++;
              }
    expect(combinations).toBe(4 * 3 * 3 * 2 * 3 * 2);
  });
});

describe("every decision but insufficient_data names its cause in numbers", () => {
  it("gives choose and develop what makes them strong, fix and decline what holds them back", () => {
    const weak = metrics({
      margin: 0.05,
      profit: 50,
      priceRealization: 0.8,
      ttmRevenue: 300,
      priorTtmRevenue: 400,
    });
    const cases: Array<[Partial<DecisionInputs>, string]> = [
      [{}, "above_company_margin"],
      [{ profitClass: "niche", scores: scores({ growth: 80 }) }, "growing_revenue"],
      [{ profitClass: "drain", metrics: weak }, "heavy_discounting"],
      [
        { profitClass: "desert", metrics: weak, scores: scores({ growth: 10, defensibility: 10 }) },
        "shrinking_revenue",
      ],
      [{ profitClass: "desert", metrics: weak, scores: scores({ growth: 70 }) }, "low_margin"],
      [{ baseNpv: -10, metrics: weak }, "heavy_discounting"],
    ];
    for (const [overrides, code] of cases) {
      const reason = reasonOf(decide(overrides), code);
      expect(typeof reason.value).toBe("number");
      expect(reason.message).toMatch(/\d/);
    }
  });
});
