import { describe, expect, it } from "vitest";
import { latestMonthOf, type SegmentMetrics, schemeMetrics } from "#domain/metrics.ts";
import { DEFAULT_POLICY, parsePolicy } from "#domain/policy.ts";
import { logGrowth, type SegmentScores, scoreSegments } from "#domain/scores.ts";
import { channelFixtureSales } from "#test-support/channel-fixture.ts";
import { salesCube } from "#test-support/segment-sales.ts";

const NAMES = ["direct", "online", "wholesale", "outlet", "warranty", "pilot"] as const;
type Name = (typeof NAMES)[number];

/** The channel fixture's metrics, in the order of NAMES. */
function fixtureMetrics(): SegmentMetrics[] {
  const cube = salesCube(channelFixtureSales());
  const scheme = cube.findScheme("channel");
  if (!scheme) throw new Error("no channel scheme");
  const { segments } = schemeMetrics(cube, scheme, latestMonthOf(cube));
  return NAMES.map((name) => {
    const found = segments.find((segment) => segment.id === name);
    if (!found) throw new Error(`no segment ${name}`);
    return found;
  });
}

/**
 * The profit trend of each segment. Every fixture series is a step: p₀ a month through 2023, p₁ through
 * 2024. Holt's fit is linear in the series and gives a constant series no trend, so the trend is
 * K × (p₁ − p₀) for one K > 0 shared by all 24-month series; ÷ mean monthly revenue. Ranks ignore K.
 * The pilot's single month has trend 0; the warranty segment has no revenue to divide by (NaN).
 */
const PROFIT_TREND: Record<Name, number> = {
  direct: (108 - 88) / 220,
  online: (33 - 14) / 65,
  wholesale: (40 - 60) / 400,
  outlet: (-12 - -9) / 82.5,
  warranty: Number.NaN,
  pilot: 0,
};

function scoresOf(
  policy = DEFAULT_POLICY,
  forceResilience: readonly number[] = NAMES.map(() => Number.NaN),
): Record<Name, SegmentScores> {
  const scores = scoreSegments(
    { metrics: fixtureMetrics(), profitTrend: NAMES.map((name) => PROFIT_TREND[name]), forceResilience },
    policy,
  );
  return Object.fromEntries(NAMES.map((name, i) => [name, scores[i]])) as Record<Name, SegmentScores>;
}

describe("the scores of the channel fixture, by hand", () => {
  // Six segments: ranks step by 100 ÷ 5 = 20; equal values share the mean of their ranks.
  const scores = scoresOf();
  const percentile = (name: Name, score: keyof SegmentScores["components"], component: string) =>
    scores[name].components[score][component]?.percentile;

  it("ranks margin and profit within the scheme", () => {
    // margin ascending: warranty (no revenue, a loss: −∞) 0, outlet −12.7% 20, wholesale 12.5% 40,
    // online 36.2% 60, direct 44.5% 80, pilot 58% 100
    expect(NAMES.map((name) => percentile(name, "profitability", "margin"))).toEqual([
      80, 60, 40, 20, 0, 100,
    ]);
    // profit ascending: outlet −252, warranty −150, pilot 58, online 564, wholesale 1200, direct 2352
    expect(NAMES.map((name) => percentile(name, "profitability", "profit"))).toEqual([
      100, 60, 80, 0, 20, 40,
    ]);
  });

  it("makes profitability 0.6 × pct(margin) + 0.4 × pct(profit)", () => {
    // direct 0.6 × 80 + 0.4 × 100 = 88; online 36 + 24 = 60; wholesale 24 + 32 = 56; outlet 12 + 0 = 12;
    // warranty 0 + 8 = 8; pilot 60 + 16 = 76
    expect(NAMES.map((name) => scores[name].profitability)).toEqual([88, 60, 56, 12, 8, 76]);
  });

  it("ranks revenue growth, profit trend and customer growth, sharing ranks on ties", () => {
    // ln(TTM ÷ prior): outlet ln(900/1080) < wholesale ln(1) = warranty (0/0 → 0) < direct ln 1.2
    // < online ln 2.25 < pilot (none before: +∞); the tie at positions 1, 2 ranks 1.5 × 20 = 30
    expect(NAMES.map((name) => percentile(name, "growth", "revenueGrowth"))).toEqual([
      60, 80, 30, 0, 30, 100,
    ]);
    // five trends (warranty has none and ranks 50), steps of 25: wholesale −0.05, outlet −0.036,
    // pilot 0, direct 0.09, online 0.29
    expect(NAMES.map((name) => percentile(name, "growth", "profitTrend"))).toEqual([75, 100, 0, 25, 50, 50]);
    // ln((active TTM + 1) ÷ (active prior + 1)): warranty ln(2/3) < direct = wholesale = outlet ln(4/4)
    // < online ln(4/3) < pilot ln(2/1); the tie at positions 1, 2, 3 ranks 2 × 20 = 40
    expect(NAMES.map((name) => percentile(name, "growth", "customerGrowth"))).toEqual([
      40, 80, 40, 40, 0, 100,
    ]);
  });

  it("makes growth 0.5 × revenue growth + 0.3 × profit trend + 0.2 × customer growth", () => {
    // direct 30 + 22.5 + 8 = 60.5; online 40 + 30 + 16 = 86; wholesale 15 + 0 + 8 = 23;
    // outlet 0 + 7.5 + 8 = 15.5; warranty 15 + 15 + 0 = 30; pilot 50 + 15 + 20 = 85
    const expected = [60.5, 86, 23, 15.5, 30, 85];
    NAMES.forEach((name, i) => {
      expect(scores[name].growth).toBeCloseTo(expected[i] as number, 10);
    });
  });

  it("ranks the defensibility components, a segment without evidence at 50", () => {
    // retention: warranty 0, four segments at 1 (positions 1–4 of 5 → 2.5 ÷ 4 = 62.5); the pilot had no
    // customer before, so none (50)
    expect(NAMES.map((name) => percentile(name, "defensibility", "retention"))).toEqual([
      62.5, 62.5, 62.5, 62.5, 0, 50,
    ]);
    // repeat rate: pilot 0, warranty ⅔, four at 1 (positions 2–5 → 3.5 × 20 = 70)
    expect(NAMES.map((name) => percentile(name, "defensibility", "repeatRate"))).toEqual([
      70, 70, 70, 70, 20, 0,
    ]);
    // price realization: outlet 0.70, wholesale 0.85, direct 0.95, online 0.98, pilot 1; warranty none
    expect(NAMES.map((name) => percentile(name, "defensibility", "priceRealization"))).toEqual([
      50, 75, 25, 0, 50, 100,
    ]);
    // breadth: five segments at 1 category per customer (positions 0–4 → 2 × 20 = 40), direct at 2
    expect(NAMES.map((name) => percentile(name, "defensibility", "breadth"))).toEqual([
      100, 40, 40, 40, 40, 40,
    ]);
    // 1 − HHI: pilot 0, wholesale 0.34, direct 0.625, online 0.651, outlet 0.667; warranty none
    expect(NAMES.map((name) => percentile(name, "defensibility", "lowConcentration"))).toEqual([
      50, 75, 25, 100, 50, 0,
    ]);
  });

  it("leaves out force resilience when there are no forces, sharing its weight among the other five", () => {
    for (const name of NAMES) {
      const components = scores[name].components.defensibility;
      expect(components.forceResilience?.weight).toBe(0);
      expect(components.forceResilience?.value).toBeNull();
      expect(components.retention?.weight).toBeCloseTo(0.2, 15);
    }
  });

  it("makes defensibility the mean of the five ranks", () => {
    // direct (62.5 + 70 + 50 + 100 + 50) ÷ 5 = 66.5; online (62.5 + 70 + 75 + 40 + 75) ÷ 5 = 64.5;
    // wholesale (62.5 + 70 + 25 + 40 + 25) ÷ 5 = 44.5; outlet (62.5 + 70 + 0 + 40 + 100) ÷ 5 = 54.5;
    // warranty (0 + 20 + 50 + 40 + 50) ÷ 5 = 32; pilot (50 + 0 + 100 + 40 + 0) ÷ 5 = 38
    const expected = [66.5, 64.5, 44.5, 54.5, 32, 38];
    NAMES.forEach((name, i) => {
      expect(scores[name].defensibility).toBeCloseTo(expected[i] as number, 10);
    });
  });

  it("makes focus 0.4 × profitability + 0.3 × growth + 0.3 × defensibility", () => {
    // direct 35.2 + 18.15 + 19.95 = 73.3; online 24 + 25.8 + 19.35 = 69.15; wholesale 22.4 + 6.9 + 13.35
    // = 42.65; outlet 4.8 + 4.65 + 16.35 = 25.8; warranty 3.2 + 9 + 9.6 = 21.8; pilot 30.4 + 25.5 + 11.4 = 67.3
    const expected = [73.3, 69.15, 42.65, 25.8, 21.8, 67.3];
    NAMES.forEach((name, i) => {
      expect(scores[name].focus).toBeCloseTo(expected[i] as number, 10);
    });
  });

  it("reports each component's raw value, an unbounded one as null with its direction, no evidence as null", () => {
    expect(scores.direct.components.growth.revenueGrowth?.value).toBeCloseTo(Math.log(1.2), 15);
    expect(scores.direct.components.growth.revenueGrowth?.extreme).toBeUndefined();
    expect(scores.pilot.components.growth.revenueGrowth).toMatchObject({ value: null, extreme: "highest" });
    expect(scores.warranty.components.profitability.margin).toMatchObject({ value: null, extreme: "lowest" });
    expect(scores.warranty.components.growth.profitTrend?.value).toBeNull();
    expect(scores.warranty.components.growth.profitTrend?.extreme).toBeUndefined();
    expect(scores.direct.components.defensibility.lowConcentration?.value).toBe(0.625);
    expect(scores.direct.components.profitability.margin?.weight).toBe(0.6);
  });
});

describe("scores under other inputs", () => {
  it("weighs force resilience like the other five when forces were run", () => {
    // online loses 40% of its NPV under a force, the rest nothing: online ranks 0, the five ties
    // (positions 1–5) rank 3 × 20 = 60
    const resilience = NAMES.map((name) => (name === "online" ? 0.6 : 1));
    const scores = scoresOf(DEFAULT_POLICY, resilience);
    const online = scores.online.components.defensibility.forceResilience;
    expect([online?.value, online?.percentile]).toEqual([0.6, 0]);
    expect(online?.weight).toBeCloseTo(1 / 6, 15);
    expect(scores.direct.components.defensibility.forceResilience?.percentile).toBe(60);
    // direct: (62.5 + 70 + 50 + 100 + 50 + 60) ÷ 6 = 65.4166…
    expect(scores.direct.defensibility).toBeCloseTo(392.5 / 6, 10);
    // online: (62.5 + 70 + 75 + 40 + 75 + 0) ÷ 6 = 53.75
    expect(scores.online.defensibility).toBeCloseTo(53.75, 10);
  });

  it("follows the policy's weights", () => {
    const policy = parsePolicy({
      profitability: { margin: 1, profit: 0 },
      focus: { profitability: 1, growth: 0, defensibility: 0 },
    });
    const scores = scoresOf(policy);
    // profitability is now the margin rank alone, and focus is profitability
    expect(NAMES.map((name) => scores[name].profitability)).toEqual([80, 60, 40, 20, 0, 100]);
    expect(NAMES.map((name) => scores[name].focus)).toEqual([80, 60, 40, 20, 0, 100]);
  });

  it("scores 50 everywhere when no component has evidence", () => {
    const [direct] = fixtureMetrics();
    if (!direct) throw new Error("no direct");
    const [only] = scoreSegments(
      { metrics: [direct], profitTrend: [Number.NaN], forceResilience: [Number.NaN] },
      DEFAULT_POLICY,
    );
    // a lone segment ranks 50 on every component
    expect(only).toMatchObject({ profitability: 50, growth: 50, defensibility: 50 });
    expect(only?.focus).toBeCloseTo(50, 12);
  });
});

describe("annual log growth", () => {
  it("is ln(TTM ÷ prior TTM)", () => {
    expect(logGrowth(150, 100)).toBe(Math.log(1.5));
    expect(logGrowth(50, 100)).toBe(Math.log(0.5));
  });

  it("is +∞ for revenue where there was none, −∞ for none where there was some, and 0 for neither", () => {
    expect(logGrowth(10, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(logGrowth(0, 10)).toBe(Number.NEGATIVE_INFINITY);
    expect(logGrowth(-5, 10)).toBe(Number.NEGATIVE_INFINITY);
    expect(logGrowth(0, 0)).toBe(0);
  });
});
