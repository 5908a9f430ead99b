import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, PolicyError, parsePolicy } from "#domain/policy.ts";

/** The issues a refused policy names, or a failure if it was accepted. */
function issuesOf(document: unknown): readonly string[] {
  try {
    parsePolicy(document);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as PolicyError).issues;
  }
  throw new Error(`the policy ${JSON.stringify(document)} was accepted`);
}

describe("the default policy", () => {
  it("weighs profitability 0.6 margin and 0.4 profit", () => {
    expect(DEFAULT_POLICY.profitability).toEqual({ margin: 0.6, profit: 0.4 });
  });

  it("weighs growth 0.5 revenue growth, 0.3 profit trend and 0.2 customer growth", () => {
    expect(DEFAULT_POLICY.growth).toEqual({ revenueGrowth: 0.5, profitTrend: 0.3, customerGrowth: 0.2 });
  });

  it("weighs the six defensibility components equally", () => {
    expect(Object.keys(DEFAULT_POLICY.defensibility).sort()).toEqual([
      "breadth",
      "forceResilience",
      "lowConcentration",
      "priceRealization",
      "repeatRate",
      "retention",
    ]);
    for (const weight of Object.values(DEFAULT_POLICY.defensibility)) expect(weight).toBeCloseTo(1 / 6, 15);
  });

  it("makes focus 0.4 profitability + 0.3 growth + 0.3 defensibility", () => {
    expect(DEFAULT_POLICY.focus).toEqual({ profitability: 0.4, growth: 0.3, defensibility: 0.3 });
  });

  it("projects 3 years with damping 0.9 and discounts at 10%", () => {
    expect(DEFAULT_POLICY.projection.horizonYears).toBe(3);
    expect(DEFAULT_POLICY.projection.damping).toBe(0.9);
    expect(DEFAULT_POLICY.projection.discountRate).toBe(0.1);
  });

  it("asks for 30 lines, 3 customers and 6 months of evidence, and fails a batch past 5% rejects", () => {
    expect(DEFAULT_POLICY.minimumEvidence).toEqual({ lines: 30, customers: 3, months: 6 });
    expect(DEFAULT_POLICY.rejectRatio).toBe(0.05);
  });

  it("holds the decision thresholds of the design: choose at focus 70, develop at growth 60, decline below 50/50, ±10% force impact", () => {
    expect(DEFAULT_POLICY.thresholds).toEqual({
      chooseFocus: 70,
      developGrowth: 60,
      declineGrowth: 50,
      declineDefensibility: 50,
      forceImpact: 0.1,
    });
  });

  it("is version 1, scores the default schemes and measures breadth by category", () => {
    expect(DEFAULT_POLICY.version).toBe(1);
    expect(DEFAULT_POLICY.schemes).toEqual([]);
    expect(DEFAULT_POLICY.breadthDimension).toBe("category");
  });

  it("is what an empty document parses to", () => {
    expect(parsePolicy({})).toEqual(DEFAULT_POLICY);
  });
});

describe("parsing a policy", () => {
  it("keeps what the document sets and fills the rest with defaults", () => {
    const policy = parsePolicy({
      version: 4,
      thresholds: { chooseFocus: 80 },
      projection: { damping: 0.85 },
    });
    expect(policy.version).toBe(4);
    expect(policy.thresholds).toEqual({ ...DEFAULT_POLICY.thresholds, chooseFocus: 80 });
    expect(policy.projection).toEqual({ ...DEFAULT_POLICY.projection, damping: 0.85 });
    expect(policy.growth).toEqual(DEFAULT_POLICY.growth);
  });

  it("accepts weights that add up to 1", () => {
    expect(parsePolicy({ focus: { profitability: 0.5, growth: 0.25, defensibility: 0.25 } }).focus).toEqual({
      profitability: 0.5,
      growth: 0.25,
      defensibility: 0.25,
    });
  });

  it("refuses weights that do not add up to 1, naming the group", () => {
    expect(issuesOf({ focus: { profitability: 0.5, growth: 0.3, defensibility: 0.3 } })).toEqual([
      "focus: the weights must add up to 1",
    ]);
  });

  it("refuses one weight changed alone, since the defaults of the others no longer balance it", () => {
    // margin 0.7 + the default profit 0.4 = 1.1
    expect(issuesOf({ profitability: { margin: 0.7 } })).toEqual([
      "profitability: the weights must add up to 1",
    ]);
  });

  it("accepts damping at both ends of [0.8, 0.98] and refuses 0.99 and 0.79, naming projection.damping", () => {
    expect(parsePolicy({ projection: { damping: 0.8 } }).projection.damping).toBe(0.8);
    expect(parsePolicy({ projection: { damping: 0.98 } }).projection.damping).toBe(0.98);
    for (const damping of [0.99, 0.79]) {
      const issues = issuesOf({ projection: { damping } });
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatch(/^projection\.damping: /);
    }
  });

  it("refuses an unknown field, naming it", () => {
    const issues = issuesOf({ focusWeights: { profitability: 1 } });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^\(root\): .*focusWeights/);
  });

  it("refuses an unknown field inside a group, naming the group and the field", () => {
    const issues = issuesOf({ thresholds: { chooseFocus: 70, fixFocus: 40 } });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^thresholds: .*fixFocus/);
  });

  it("names every wrong field at once, with its path", () => {
    const issues = issuesOf({
      minimumEvidence: { lines: -1 },
      projection: { horizonYears: 6 },
      thresholds: { chooseFocus: 101 },
    });
    expect(issues.map((issue) => issue.split(":")[0]).sort()).toEqual([
      "minimumEvidence.lines",
      "projection.horizonYears",
      "thresholds.chooseFocus",
    ]);
  });

  it("says the policy is not valid in its message and carries the issues", () => {
    let caught: unknown;
    try {
      parsePolicy({ rejectRatio: 2 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PolicyError);
    expect((caught as PolicyError).name).toBe("PolicyError");
    expect((caught as PolicyError).message).toMatch(/^the policy is not valid: rejectRatio: /);
  });

  it("refuses a document that is not an object", () => {
    expect(issuesOf("weights please")[0]).toMatch(/^\(root\): /);
  });
});
