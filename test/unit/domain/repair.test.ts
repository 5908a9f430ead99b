import { describe, expect, it } from "vitest";
import { type RepairInputs, repair } from "#domain/repair.ts";

const flat = (revenue: number, profits: readonly number[]) =>
  profits.map((profit, y) => ({ year: y + 1, revenue, profit }));

/**
 * A drain: 10,000 a year projected at a loss of 1,000, 1,200 and 1,400; it realizes 80% of list price
 * where the scheme's median segment realizes 88%, and serves at 15% of revenue against 10%.
 */
function drain(overrides: Partial<RepairInputs> = {}): RepairInputs {
  return {
    years: flat(10_000, [-1_000, -1_200, -1_400]),
    discountRate: 0.1,
    priceRealization: 0.8,
    medianPriceRealization: 0.88,
    costToServeIntensity: 0.15,
    medianCostToServeIntensity: 0.1,
    ...overrides,
  };
}

describe("repair", () => {
  it("prices the same list revenue at the median realization, and serves at the median intensity", () => {
    const { levers, npv } = repair(drain());
    // price: 10,000 × (0.88 ÷ 0.8 − 1) = 1,000 a year; cost-to-serve: 10,000 × (0.15 − 0.10) = 500 a year
    expect(levers.map((lever) => lever.kind)).toEqual(["price", "costToServe"]);
    const [price, cost] = levers;
    expect(price).toMatchObject({ own: 0.8, median: 0.88 });
    expect(price?.yearly).toBeCloseTo(1_000, 9);
    for (const value of price?.perYear ?? []) expect(value).toBeCloseTo(1_000, 9);
    expect(cost).toMatchObject({ own: 0.15, median: 0.1 });
    expect(cost?.yearly).toBeCloseTo(500, 9);
    // repaired profit 500, 300, 100 → 500 ÷ 1.1 + 300 ÷ 1.21 + 100 ÷ 1.331 = 777.6108…
    expect(npv).toBeCloseTo(500 / 1.1 + 300 / 1.21 + 100 / 1.331, 9);
    expect(npv).toBeCloseTo(777.6108, 4);
  });

  it("pulls no lever where the segment is at or better than the median, leaving the base NPV", () => {
    const { levers, npv } = repair(
      drain({ priceRealization: 0.9, costToServeIntensity: 0.1, medianCostToServeIntensity: 0.1 }),
    );
    expect(levers).toEqual([]);
    // −1,000 ÷ 1.1 − 1,200 ÷ 1.21 − 1,400 ÷ 1.331
    expect(npv).toBeCloseTo(-1_000 / 1.1 - 1_200 / 1.21 - 1_400 / 1.331, 9);
  });

  it("pulls only the lever that is worse than the median", () => {
    expect(repair(drain({ costToServeIntensity: 0.05 })).levers.map((lever) => lever.kind)).toEqual([
      "price",
    ]);
    expect(repair(drain({ priceRealization: 0.95 })).levers.map((lever) => lever.kind)).toEqual([
      "costToServe",
    ]);
  });

  it("says what a lever is worth a year as its mean over the projected years, which follow revenue", () => {
    const years = [
      { year: 1, revenue: 10_000, profit: -500 },
      { year: 2, revenue: 12_000, profit: -500 },
      { year: 3, revenue: 14_000, profit: -500 },
    ];
    const [price] = repair(drain({ years, costToServeIntensity: 0.1 })).levers;
    // 10% of 10,000, 12,000 and 14,000
    expect(price?.perYear.map((value) => Math.round(value))).toEqual([1_000, 1_200, 1_400]);
    expect(price?.yearly).toBeCloseTo(1_200, 9);
  });

  it("has no price lever without a price realization, or without a median to hold it to", () => {
    expect(repair(drain({ priceRealization: null })).levers.map((lever) => lever.kind)).toEqual([
      "costToServe",
    ]);
    expect(repair(drain({ medianPriceRealization: null })).levers.map((lever) => lever.kind)).toEqual([
      "costToServe",
    ]);
    expect(repair(drain({ costToServeIntensity: null })).levers.map((lever) => lever.kind)).toEqual([
      "price",
    ]);
  });

  it("cannot repair a segment projected to sell nothing", () => {
    const { levers, npv } = repair(drain({ years: flat(0, [-100, -100, -100]) }));
    expect(levers.every((lever) => lever.yearly === 0)).toBe(true);
    expect(npv).toBeLessThan(0);
  });
});
