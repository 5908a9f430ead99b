import { describe, expect, it } from "vitest";
import { costPools } from "#domain/cost-pools.ts";

// The channel fixture's segments (test/support/channel-fixture.ts), in currency units.
const direct = { revenue: 5280, costToServe: 288, costs: { freight: 192, handling: 96 } };
const online = { revenue: 1560, costToServe: 60, costs: { freight: 60 } };
const wholesale = { revenue: 9600, costToServe: 1680, costs: { freight: 840, handling: 600, returns: 240 } };
const outlet = { revenue: 1980, costToServe: 216, costs: { freight: 144, handling: 72 } };
const warranty = { revenue: 0, costToServe: 150, costs: { handling: 150 } };
const pilot = { revenue: 100, costToServe: 2, costs: { freight: 2 } };

describe("cost-to-serve pools by hand", () => {
  const pools = costPools([direct, online, wholesale, outlet, warranty, pilot]);

  it("measures each segment's intensity as cost-to-serve ÷ revenue, none without revenue", () => {
    expect(pools.intensity).toEqual([288 / 5280, 60 / 1560, 0.175, 216 / 1980, null, 0.02]);
  });

  it("takes the median intensity over the segments that have one", () => {
    // 0.02, 0.038, 0.0545 (direct), 0.109, 0.175 → the middle one, direct's
    expect(pools.medianIntensity).toBe(288 / 5280);
  });

  it("counts as opportunity what a segment would save at the median intensity, never less than 0", () => {
    const [directGap, onlineGap, wholesaleGap, outletGap, warrantyGap, pilotGap] = pools.opportunity;
    // wholesale: (0.175 − 0.0545) × 9600 = 1680 − 523.6 = 1156.4
    expect(wholesaleGap).toBeCloseTo(1680 - (288 / 5280) * 9600, 9);
    // outlet: (216 ÷ 1980 − 288 ÷ 5280) × 1980 = 216 − 108 = 108
    expect(outletGap).toBeCloseTo(108, 9);
    // at or below the median: nothing to save; without revenue: no intensity, no opportunity
    expect([directGap, onlineGap, warrantyGap, pilotGap]).toEqual([0, 0, 0, 0]);
  });

  it("sums each component over the scheme, largest first, with its share of revenue", () => {
    // revenue 18520; freight 192 + 60 + 840 + 144 + 2 = 1238; handling 96 + 600 + 72 + 150 = 918; returns 240
    expect(pools.components).toEqual([
      { component: "freight", cost: 1238, shareOfRevenue: 1238 / 18520 },
      { component: "handling", cost: 918, shareOfRevenue: 918 / 18520 },
      { component: "returns", cost: 240, shareOfRevenue: 240 / 18520 },
    ]);
  });

  it("has a share of revenue of 0 and no intensities when no segment has revenue", () => {
    const pools = costPools([warranty]);
    expect(pools.components).toEqual([{ component: "handling", cost: 150, shareOfRevenue: 0 }]);
    expect(pools.intensity).toEqual([null]);
    expect(pools.medianIntensity).toBe(0);
    expect(pools.opportunity).toEqual([0]);
  });

  it("takes the mean of the middle two intensities for an even count", () => {
    const pools = costPools([direct, online, wholesale, outlet]);
    // 0.038, 0.0545, 0.109, 0.175 → (288 ÷ 5280 + 216 ÷ 1980) ÷ 2 = 0.0818…
    expect(pools.medianIntensity).toBeCloseTo((288 / 5280 + 216 / 1980) / 2, 15);
    // direct, the lower middle, is now below the median: nothing to save
    expect(pools.opportunity[0]).toBe(0);
    // outlet, the upper middle: 216 − (288 ÷ 5280 + 216 ÷ 1980) ÷ 2 × 1980 = 216 − 162 = 54
    expect(pools.opportunity[3]).toBeCloseTo(54, 9);
  });
});
