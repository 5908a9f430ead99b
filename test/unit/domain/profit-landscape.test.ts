import { describe, expect, it } from "vitest";
import { landscapeBasis, median, profitClass } from "#domain/profit-landscape.ts";

// The channel fixture's segments (test/support/channel-fixture.ts), in currency units.
const segments = {
  direct: { revenue: 5280, profit: 2352 },
  online: { revenue: 1560, profit: 564 },
  wholesale: { revenue: 9600, profit: 1200 },
  outlet: { revenue: 1980, profit: -252 },
  warranty: { revenue: 0, profit: -150 },
  pilot: { revenue: 100, profit: 58 },
};

describe("the landscape basis", () => {
  const basis = landscapeBasis(Object.values(segments));

  it("takes the company margin as total profit ÷ total revenue", () => {
    // profit 2352 + 564 + 1200 − 252 − 150 + 58 = 3772; revenue 5280 + 1560 + 9600 + 1980 + 0 + 100 = 18520
    expect(basis.companyMargin).toBe(3772 / 18520);
  });

  it("takes the median of the segment revenues, the mean of the middle two for an even count", () => {
    // sorted: 0, 100, 1560, 1980, 5280, 9600 → (1560 + 1980) ÷ 2 = 1770
    expect(basis.medianRevenue).toBe(1770);
  });

  it("has a company margin of 0 when there is no positive revenue", () => {
    expect(landscapeBasis([{ revenue: 0, profit: -5 }]).companyMargin).toBe(0);
    expect(landscapeBasis([]).medianRevenue).toBe(0);
  });
});

describe("profit classes", () => {
  const basis = landscapeBasis(Object.values(segments));
  const classOf = (name: keyof typeof segments) =>
    profitClass(segments[name].revenue, segments[name].profit, basis);

  it("makes a large segment with a margin at or above the company's a peak", () => {
    // 5280 ≥ 1770 and 2352 ÷ 5280 = 44.5% ≥ 3772 ÷ 18520 = 20.4%
    expect(classOf("direct")).toBe("peak");
  });

  it("makes a large segment with a margin below the company's a drain", () => {
    // 9600 ≥ 1770, margin 12.5% < 20.4%
    expect(classOf("wholesale")).toBe("drain");
    // 1980 ≥ 1770, margin −12.7%
    expect(classOf("outlet")).toBe("drain");
  });

  it("makes a small segment with a margin at or above the company's a niche", () => {
    // 1560 < 1770, margin 36.2%
    expect(classOf("online")).toBe("niche");
    // 100 < 1770, margin 58%
    expect(classOf("pilot")).toBe("niche");
  });

  it("makes a small segment without revenue that loses money a desert", () => {
    expect(classOf("warranty")).toBe("desert");
  });

  it("counts revenue equal to the median as large and a margin equal to the company's as at or above", () => {
    const even = { companyMargin: 0.25, medianRevenue: 400 };
    expect(profitClass(400, 100, even)).toBe("peak");
    expect(profitClass(399, 100, even)).toBe("niche");
    expect(profitClass(400, 99, even)).toBe("drain");
    expect(profitClass(399, 99, even)).toBe("desert");
  });

  it("gives a segment without positive revenue margin 0 when it does not lose money, and below any margin when it does", () => {
    const negativeCompany = { companyMargin: -0.1, medianRevenue: 100 };
    // margin 0 ≥ −10%: a niche, small and not below the company
    expect(profitClass(0, 0, negativeCompany)).toBe("niche");
    // losing money without revenue is below even a company margin of −10%
    expect(profitClass(0, -1, negativeCompany)).toBe("desert");
    // returns exceeding sales, and a loss: below
    expect(profitClass(-50, -20, negativeCompany)).toBe("desert");
  });
});

describe("median", () => {
  it("is the middle value for an odd count, whatever the order", () => {
    expect(median([9, 1, 5])).toBe(5);
  });

  it("is the mean of the two middle values for an even count", () => {
    expect(median([4, 1, 3, 10])).toBe(3.5);
  });

  it("is 0 for no values and does not reorder its input", () => {
    expect(median([])).toBe(0);
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});
