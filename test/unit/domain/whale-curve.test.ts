import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { monthIndex } from "#domain/month.ts";
import { DEFAULT_POLICY } from "#domain/policy.ts";
import { scoreCube } from "#domain/scoring.ts";
import { whaleCurve } from "#domain/whale-curve.ts";
import { type Sale, salesCube } from "#test-support/segment-sales.ts";

describe("the whale curve by hand", () => {
  // the channel fixture's segment profits: direct, online, wholesale, outlet, warranty, pilot
  const curve = whaleCurve([2352, 564, 1200, -252, -150, 58]);

  it("ends at total profit", () => {
    // 2352 + 564 + 1200 − 252 − 150 + 58 = 3772
    expect(curve.totalProfit).toBe(3772);
  });

  it("peaks where the profitable segments end, as a share of total profit", () => {
    // most profitable first: 2352, 1200, 564, 58, −150, −252
    // cumulative: 2352, 3552, 4116, 4174, 4024, 3772 → peak 4174 after 4 of 6 segments
    expect(curve.peakShare).toBe(4174 / 3772);
    expect(curve.peakAt).toBe(4 / 6);
  });

  it("counts the share of segments that destroy profit", () => {
    // outlet and warranty
    expect(curve.lossSegmentShare).toBe(2 / 6);
  });

  it("samples (share of segments, cumulative ÷ total), ending at (1, 1)", () => {
    expect(curve.points).toEqual([
      [1 / 6, 2352 / 3772],
      [2 / 6, 3552 / 3772],
      [3 / 6, 4116 / 3772],
      [4 / 6, 4174 / 3772],
      [5 / 6, 4024 / 3772],
      [1, 1],
    ]);
  });

  it("takes at most the requested number of samples from a long curve", () => {
    // 10 segments, 4 points wanted: every ⌈10 ÷ 4⌉ = 3rd segment, then the end
    const long = whaleCurve([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 4);
    // total 55; cumulative after 3: 27, after 6: 45, after 9: 54
    expect(long.points).toEqual([
      [0.3, 27 / 55],
      [0.6, 45 / 55],
      [0.9, 54 / 55],
      [1, 1],
    ]);
  });

  it("has no peak share and no points when total profit is not positive", () => {
    const losing = whaleCurve([5, -8]);
    expect(losing.totalProfit).toBe(-3);
    expect(losing.peakShare).toBeNull();
    expect(losing.points).toEqual([]);
    // it still peaks after the one profitable segment and half the segments lose money
    expect(losing.peakAt).toBe(0.5);
    expect(losing.lossSegmentShare).toBe(0.5);
  });

  it("peaks at 100% at the last segment when no segment loses money", () => {
    const curve = whaleCurve([1, 3, 2]);
    expect(curve.peakShare).toBe(1);
    expect(curve.peakAt).toBe(1);
    expect(curve.lossSegmentShare).toBe(0);
  });

  it("is flat for no segments", () => {
    expect(whaleCurve([])).toEqual({
      peakShare: null,
      peakAt: 0,
      lossSegmentShare: 0,
      totalProfit: 0,
      points: [],
    });
  });
});

const profit = fc.integer({ min: -1_000_000, max: 1_000_000 });

describe("adding a segment that loses money", () => {
  it("lowers total profit and raises the peak share and the share of loss segments", () => {
    fc.assert(
      fc.property(
        fc.array(profit, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (profits, loss) => {
          const before = whaleCurve(profits);
          const after = whaleCurve([...profits, -loss]);
          expect(after.totalProfit).toBe(before.totalProfit - loss);
          // while some segment still makes money (so that the curve has a share to speak of)
          fc.pre(after.totalProfit > 0);
          expect(after.lossSegmentShare).toBeGreaterThan(before.lossSegmentShare);
          expect(after.peakShare as number).toBeGreaterThan(before.peakShare as number);
        },
      ),
    );
  });

  it("does the same to a scheme's curve when a losing channel joins the data", () => {
    const month = monthIndex(2024, 6);
    const channelSale = fc.record({
      channel: fc.constantFrom("online", "retail", "wholesale"),
      revenue: fc.integer({ min: 0, max: 10_000 }),
      cogs: fc.integer({ min: 0, max: 8_000 }),
    });
    const losingSale = fc.record({
      revenue: fc.integer({ min: 0, max: 5_000 }),
      loss: fc.integer({ min: 1, max: 3_000 }),
    });
    const toSale = (fields: { channel: string; revenue: number; cogs: number }, i: number): Sale => ({
      customer: `C${i % 4}`,
      order: `O${i}`,
      month,
      category: "tools",
      ...fields,
    });
    fc.assert(
      fc.property(
        fc.array(channelSale, { minLength: 1, maxLength: 12 }),
        fc.array(losingSale, { minLength: 1, maxLength: 4 }),
        (sales, losing) => {
          const base = sales.map(toSale);
          const outlet = losing.map(({ revenue, loss }, i) =>
            toSale({ channel: "outlet", revenue, cogs: revenue + loss }, 100 + i),
          );
          const curveOf = (all: Sale[]) =>
            scoreCube(salesCube(all, [["channel"]]), DEFAULT_POLICY).schemes[0]?.whaleCurve;
          const before = curveOf(base);
          const after = curveOf([...base, ...outlet]);
          if (!before || !after) throw new Error("no channel scheme");
          expect(after.totalProfit).toBeLessThan(before.totalProfit);
          fc.pre(after.totalProfit > 0);
          expect(after.lossSegmentShare).toBeGreaterThan(before.lossSegmentShare);
          expect(after.peakShare as number).toBeGreaterThan(before.peakShare as number);
        },
      ),
    );
  });
});
