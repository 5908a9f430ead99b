import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ForceOfChange, forceOfChangeSchema } from "#domain/forces.ts";
import { DEFAULT_POLICY, parsePolicy } from "#domain/policy.ts";
import { type ScoredScheme, type ScoredSegment, type ScoringResult, scoreCube } from "#domain/scoring.ts";
import { channelFixtureSales } from "#test-support/channel-fixture.ts";
import { cubeOf, type TestLine, testLine } from "#test-support/invoice-lines.ts";
import { salesCube } from "#test-support/segment-sales.ts";

function schemeOf(result: ScoringResult, id: string): ScoredScheme {
  const scheme = result.schemes.find((s) => s.id === id);
  if (!scheme) throw new Error(`no scheme ${id}`);
  return scheme;
}

function segmentOf(scheme: ScoredScheme, id: string): ScoredSegment {
  const segment = scheme.segments.find((s) => s.id === id);
  if (!segment) throw new Error(`no segment ${id} in ${scheme.id}`);
  return segment;
}

const codes = (segment: ScoredSegment) => segment.reasons.map((reason) => reason.code);

const digitalGiant: ForceOfChange = forceOfChangeSchema.parse({
  id: "digital-giant",
  name: "A digital giant enters arm's-length ordering",
  match: { channel: "online" },
  volumeGrowth: -0.5,
  priceRealization: -0.1,
});

describe("scoring the channel fixture end to end (worked out in scores.test.ts and metrics.test.ts)", () => {
  const result = scoreCube(salesCube(channelFixtureSales()), DEFAULT_POLICY);
  const channel = schemeOf(result, "channel");
  const segment = (id: string) => segmentOf(channel, id);

  it("anchors the trailing twelve months at the data's latest month and reports the policy version", () => {
    expect(result.latestMonth).toBe("2024-12");
    expect(result.policyVersion).toBe(1);
    expect(result.forces).toEqual([]);
    expect(result.schemes.map((scheme) => scheme.id)).toEqual(["channel", "customer", "channel+category"]);
  });

  it("totals the scheme and takes its median segment revenue", () => {
    // revenue 18520, profit 3772, cost-to-serve 288 + 60 + 1680 + 216 + 150 + 2 = 2396
    expect(channel.totals).toEqual({ revenue: 18520, profit: 3772, margin: 3772 / 18520, costToServe: 2396 });
    expect(channel.medianRevenue).toBe(1770);
  });

  it("draws the whale curve: 110.7% at its peak after 4 of 6 segments, a third of them losing money", () => {
    expect(channel.whaleCurve.totalProfit).toBe(3772);
    expect(channel.whaleCurve.peakShare).toBe(4174 / 3772);
    expect(channel.whaleCurve.peakAt).toBe(4 / 6);
    expect(channel.whaleCurve.lossSegmentShare).toBe(2 / 6);
  });

  it("pools cost-to-serve by component and gives each segment its intensity and opportunity", () => {
    expect(channel.costPools.components.map((c) => [c.component, c.cost])).toEqual([
      ["freight", 1238],
      ["handling", 918],
      ["returns", 240],
    ]);
    expect(channel.costPools.medianIntensity).toBe(288 / 5280);
    expect(segment("wholesale").metrics.costToServeIntensity).toBe(0.175);
    expect(segment("wholesale").metrics.opportunity).toBeCloseTo(1680 - (288 / 5280) * 9600, 9);
    expect(segment("warranty").metrics.costToServeIntensity).toBeNull();
  });

  it("classes each segment in the profit landscape", () => {
    expect(channel.segments.map((s) => [s.id, s.profitClass])).toEqual([
      ["direct", "peak"],
      ["online", "niche"],
      ["wholesale", "drain"],
      ["outlet", "drain"],
      ["warranty", "desert"],
      ["pilot", "niche"],
    ]);
  });

  it("fits Holt's trend to monthly profit, ranking the steps as worked out by hand", () => {
    // the trend is K × (p₁ − p₀) ÷ mean revenue with K > 0; the pilot's single month has none
    expect(segment("direct").scoreComponents.growth.profitTrend?.value).toBeGreaterThan(0);
    expect(segment("wholesale").scoreComponents.growth.profitTrend?.value).toBeLessThan(0);
    expect(segment("pilot").scoreComponents.growth.profitTrend?.value).toBe(0);
    expect(segment("warranty").scoreComponents.growth.profitTrend?.value).toBeNull();
    expect(channel.segments.map((s) => s.scoreComponents.growth.profitTrend?.percentile)).toEqual([
      75, 100, 0, 25, 50, 50,
    ]);
  });

  it("scores each segment as worked out by hand", () => {
    const expected: Record<string, [number, number, number, number]> = {
      // profitability, growth, defensibility, focus
      direct: [88, 60.5, 66.5, 73.3],
      online: [60, 86, 64.5, 69.15],
      wholesale: [56, 23, 44.5, 42.65],
      outlet: [12, 15.5, 54.5, 25.8],
      warranty: [8, 30, 32, 21.8],
      pilot: [76, 85, 38, 67.3],
    };
    for (const [id, [p, g, d, focus]] of Object.entries(expected)) {
      const { scores } = segment(id);
      expect(scores.profitability).toBeCloseTo(p, 10);
      expect(scores.growth).toBeCloseTo(g, 10);
      expect(scores.defensibility).toBeCloseTo(d, 10);
      expect(scores.focus).toBeCloseTo(focus, 10);
    }
  });

  it("projects a positive NPV for the profitable channels, a negative one for the outlet and none without revenue", () => {
    for (const id of ["direct", "online", "wholesale"]) expect(segment(id).projection.npv).toBeGreaterThan(0);
    expect(segment("outlet").projection.npv).toBeLessThan(0);
    // no revenue to carry forward: every projected month is 0
    expect(segment("warranty").projection.npv).toBe(0);
  });

  it("chooses the direct peak: focus 73.3 ≥ 70 and a positive NPV", () => {
    expect(segment("direct").decision).toBe("choose");
    // and what makes it strong: margin 44.5% ≥ 20.4%, revenue 2,400 → 2,880, 95% of list kept (the median)
    expect(codes(segment("direct"))).toEqual([
      "peak",
      "high_focus",
      "positive_npv",
      "above_company_margin",
      "growing_revenue",
      "holds_price",
    ]);
  });

  it("develops the online niche: growth 86 ≥ 60, focus 69.15 short of choosing", () => {
    expect(segment("online").decision).toBe("develop");
    expect(codes(segment("online"))).toEqual([
      "niche",
      "growing",
      "above_company_margin",
      "growing_revenue",
      "gaining_customers",
      "holds_price",
    ]);
    // 480 → 1,080 over the last twelve months
    expect(segment("online").reasons[3]?.message).toMatch(/125\.0%, from 480 to 1,080/);
  });

  it("fixes the wholesale drain, naming freight and handling (not returns), its 85% price realization, and both against the median", () => {
    const wholesale = segment("wholesale");
    expect(wholesale.decision).toBe("fix");
    // company margin 3,772 ÷ 18,520; the median channel with revenue: 95% of list kept (direct), intensity 288 ÷ 5,280
    expect(wholesale.reasons.map((r) => [r.code, r.metric, r.value, r.threshold])).toEqual([
      ["drain", "margin", 0.125, expect.closeTo(3772 / 18520, 12)],
      ["cost_to_serve", "cost:freight", 840, null],
      ["cost_to_serve", "cost:handling", 600, null],
      ["price_realization", "priceRealization", expect.closeTo(0.85, 12), null],
      ["low_margin", "margin", 0.125, expect.closeTo(3772 / 18520, 12)],
      ["heavy_discounting", "priceRealization", expect.closeTo(0.85, 12), expect.closeTo(0.95, 12)],
      ["high_cost_to_serve", "costToServeIntensity", 0.175, expect.closeTo(288 / 5280, 12)],
      // a few months of history leave its NPV interval across zero: a fix, with low confidence
      ["uncertain_npv", "npvP10", wholesale.projection.npvP10, 0],
    ]);
    expect(wholesale.projection.npvP10).toBeLessThan(0);
    expect(wholesale.projection.npvP90).toBeGreaterThan(0);
    expect(wholesale.confidence).toBe("low");
  });

  it("fixes the outlet, whose negative NPV the median price realization and cost-to-serve would lift", () => {
    const outlet = segment("outlet");
    expect(outlet.decision).toBe("fix");
    expect(codes(outlet)).toEqual([
      "negative_npv",
      "repairable",
      "reprice",
      "cut_cost_to_serve",
      "drain",
      "low_margin",
      "heavy_discounting",
      "high_cost_to_serve",
      "shrinking_revenue",
      "falling_profit",
      "uncertain_npv",
    ]);
    expect(outlet.confidence).toBe(outlet.projection.npvP90 > 0 ? "low" : "high");
    // price: 70% of list against the median 95%, so each year's revenue × (0.95 ÷ 0.7 − 1); cost-to-serve:
    // 216 of 1,980 against the median 288 of 5,280, so each year's revenue × (216/1980 − 288/5280)
    const years = outlet.projection.years;
    const priceShare = 0.95 / 0.7 - 1;
    const costShare = 216 / 1980 - 288 / 5280;
    const repaired = years.reduce(
      (npv, { year, revenue, profit }) => npv + (profit + revenue * (priceShare + costShare)) / 1.1 ** year,
      0,
    );
    expect(outlet.projection.npv).toBeLessThan(0);
    expect(outlet.reasons[1]?.value).toBeCloseTo(repaired, 9);
    expect(repaired).toBeGreaterThan(0);
    const meanRevenue = years.reduce((sum, y) => sum + y.revenue, 0) / years.length;
    expect(outlet.reasons[2]?.message).toContain(`would add ${Math.round(meanRevenue * priceShare)} a year`);
    expect(outlet.reasons[3]?.message).toContain(`would add ${Math.round(meanRevenue * costShare)} a year`);
  });

  it("declines the warranty desert: no revenue, growth 30 and defensibility 32 below 50", () => {
    const warranty = segment("warranty");
    expect(warranty.decision).toBe("decline");
    expect(warranty.reasons.map((r) => [r.code, r.value])).toEqual([
      ["desert", 0],
      ["low_growth", expect.closeTo(30, 10)],
      ["low_defensibility", expect.closeTo(32, 10)],
      // its causes: 150 of handling without revenue; X3 alone of X1, X2 and X3 active in the last year
      ["low_margin", 0],
      ["lost_customers", 1],
    ]);
    expect(warranty.guidance).toMatch(/existing customers/);
  });

  it("does not decide the pilot: 2 lines, 1 customer, 1 month", () => {
    const pilot = segment("pilot");
    expect(pilot.decision).toBe("insufficient_data");
    expect(pilot.reasons.map((r) => [r.code, r.value, r.threshold])).toEqual([
      ["few_lines", 2, 30],
      ["few_customers", 1, 3],
      ["short_history", 1, 6],
    ]);
  });

  it("reports metrics with month labels and the monthly history", () => {
    const warranty = segment("warranty");
    expect(warranty.metrics.firstMonth).toBe("2023-01");
    expect(warranty.metrics.lastMonth).toBe("2024-12");
    expect(warranty.history.firstMonth).toBe("2023-01");
    expect(warranty.history.profit).toHaveLength(24);
    expect(segment("pilot").history).toEqual({ firstMonth: "2024-12", revenue: [100], profit: [58] });
  });

  it("does not ask a customer for several customers: the per-customer scheme names only the lines it lacks", () => {
    const customer = schemeOf(result, "customer");
    // D1 has 24 lines in 24 months: too few lines, but one customer is what a customer segment is
    expect(customer.segments.find((s) => s.id === "D1")?.reasons.map((r) => r.code)).toEqual(["few_lines"]);
    const relaxed = schemeOf(
      scoreCube(salesCube(channelFixtureSales()), parsePolicy({ minimumEvidence: { lines: 20 } })),
      "customer",
    );
    expect(segmentOf(relaxed, "D1").decision).not.toBe("insufficient_data");
    // the pilot's customer still has one month of history
    expect(segmentOf(relaxed, "P1").reasons.map((r) => r.code)).toEqual(["few_lines", "short_history"]);
  });

  it("gives the same result for the same cube, policy and forces", () => {
    expect(scoreCube(salesCube(channelFixtureSales()), DEFAULT_POLICY)).toEqual(result);
  });
});

describe("scoring under a force of change", () => {
  const result = scoreCube(salesCube(channelFixtureSales()), DEFAULT_POLICY, [digitalGiant]);
  const channel = schemeOf(result, "channel");

  it("lists the active force", () => {
    expect(result.forces).toEqual([{ id: "digital-giant", name: digitalGiant.name }]);
  });

  it("threatens the segment it reaches and leaves the others' NPV as it was", () => {
    for (const segment of channel.segments) {
      const [projection] = segment.projection.forces;
      expect(projection?.forceId).toBe("digital-giant");
      if (segment.id === "online") {
        expect(projection?.exposure).toBe(1);
        expect(projection?.threatened).toBe(true);
        expect(projection?.npv).toBeLessThan(0.9 * segment.projection.npv);
      } else {
        expect(projection?.exposure).toBe(0);
        expect(projection?.threatened).toBe(false);
        expect(projection?.npv).toBe(segment.projection.npv);
      }
    }
  });

  it("threatens the customers of the channel in the customer scheme", () => {
    const threatened = schemeOf(result, "customer")
      .segments.filter((segment) => segment.projection.forces[0]?.threatened)
      .map((segment) => segment.id);
    expect(threatened).toEqual(["O1", "O2", "O3"]);
  });

  it("adds force resilience to defensibility: 1 + the relative NPV change, ranked", () => {
    const online = segmentOf(channel, "online");
    const change = online.projection.forces[0]?.npvChange as number;
    expect(change).toBeLessThan(-0.1);
    const resilience = online.scoreComponents.defensibility.forceResilience;
    expect(resilience?.value).toBeCloseTo(1 + change, 12);
    expect(resilience?.weight).toBeCloseTo(1 / 6, 12);
    // online ranks 0; the five untouched segments (resilience 1) share positions 1–5: 3 × 20 = 60
    expect(resilience?.percentile).toBe(0);
    for (const segment of channel.segments.filter((s) => s.id !== "online")) {
      expect(segment.scoreComponents.defensibility.forceResilience).toMatchObject({
        value: 1,
        percentile: 60,
      });
    }
    // online: (62.5 + 70 + 75 + 40 + 75 + 0) ÷ 6 = 53.75
    expect(online.scores.defensibility).toBeCloseTo(53.75, 10);
  });

  it("keeps every score within [0, 100]", () => {
    for (const scheme of result.schemes) {
      for (const segment of scheme.segments) {
        for (const score of Object.values(segment.scores)) {
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(100);
        }
      }
    }
  });

  it("does not choose a peak whose NPV a force takes below zero, and names the force", () => {
    // price realization −100% on direct: revenue 0, and every cost stays → a loss each year
    const giveaway = forceOfChangeSchema.parse({
      id: "giveaway",
      name: "Free delivery of everything",
      match: { channel: "direct" },
      priceRealization: -1,
    });
    const direct = segmentOf(
      schemeOf(scoreCube(salesCube(channelFixtureSales()), DEFAULT_POLICY, [giveaway]), "channel"),
      "direct",
    );
    expect(direct.projection.forces[0]?.npv).toBeLessThan(0);
    expect(direct.decision).toBe("fix");
    expect(direct.reasons.map((r) => [r.code, r.metric])).toContainEqual(["threatened", "npv:giveaway"]);
  });

  it("ignores an inactive force", () => {
    const dormant = { ...digitalGiant, active: false };
    const withDormant = scoreCube(salesCube(channelFixtureSales()), DEFAULT_POLICY, [dormant]);
    expect(withDormant).toEqual(scoreCube(salesCube(channelFixtureSales()), DEFAULT_POLICY));
  });
});

describe("scoring a cube without lines", () => {
  it("gives each scheme no segments, a flat whale curve and no latest month", () => {
    const result = scoreCube(cubeOf([]), DEFAULT_POLICY, [digitalGiant]);
    expect(result.latestMonth).toBe("");
    expect(result.schemes.map((scheme) => [scheme.id, scheme.segments.length])).toEqual([
      ["channel", 0],
      ["customer", 0],
      ["channel+category", 0],
    ]);
    expect(schemeOf(result, "channel").whaleCurve).toMatchObject({ peakShare: null, totalProfit: 0 });
    expect(schemeOf(result, "channel").totals).toEqual({ revenue: 0, profit: 0, margin: 0, costToServe: 0 });
  });
});

describe("scaling every amount by a power of two", () => {
  // Amounts of every order of magnitude, in multiples of 40 units, at a 20% discount: its discount off
  // list, net ÷ 4, stays a multiple of 2.5 units at every scale down to ¼, which the cube holds exactly.
  const amount = (max: number) =>
    fc
      .oneof(
        fc.integer({ min: 0, max: 1_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max }),
      )
      .map((units) => units * 40);
  const wholeLine = fc
    .tuple(testLine, amount(50_000_000), amount(30_000_000), amount(1_000_000), fc.boolean())
    .map(
      ([line, revenue, cogs, freight, isReturn]): TestLine => ({
        ...line,
        revenue: isReturn ? -revenue : revenue,
        cogs,
        freight,
      }),
    );
  const scaled = (lines: readonly TestLine[], by: number) =>
    lines.map((line) => ({
      ...line,
      revenue: line.revenue * by,
      cogs: line.cogs * by,
      freight: line.freight * by,
      quantity: line.quantity * by,
    }));
  // Every segment decided on its numbers, not turned away for lack of evidence.
  const policy = parsePolicy({ minimumEvidence: { lines: 0, customers: 0, months: 0 } });
  const outcome = (result: ScoringResult) =>
    result.schemes.map((scheme) =>
      scheme.segments.map((segment) => ({
        id: segment.id,
        profitClass: segment.profitClass,
        scores: segment.scores,
        percentiles: Object.values(segment.scoreComponents).map((components) =>
          Object.values(components).map((component) => component.percentile),
        ),
        decision: segment.decision,
        reasons: segment.reasons.map((reason) => reason.code),
        threatened: segment.projection.forces.map((force) => force.threatened),
      })),
    );

  it("changes no score, no rank and no decision", () => {
    fc.assert(
      fc.property(
        fc.array(wholeLine, { minLength: 1, maxLength: 60 }),
        fc.constantFrom(0.25, 0.5, 2, 4, 8),
        fc.boolean(),
        (lines, by, withForce) => {
          const forces = withForce ? [digitalGiant] : [];
          const original = scoreCube(cubeOf(lines, 2_000), policy, forces);
          const rescaled = scoreCube(cubeOf(scaled(lines, by), 2_000), policy, forces);
          expect(outcome(rescaled)).toEqual(outcome(original));
        },
      ),
    );
  });
});
