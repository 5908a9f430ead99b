import { describe, expect, it } from "vitest";
import type { ProjectionSettings } from "#domain/projection.ts";
import { Z_P90 } from "#domain/scheme-backtest.ts";
import { forecastSegment, type SegmentForecast, yearOneSpread } from "#domain/segment-forecast.ts";
import { projectForecast, UNCALIBRATED } from "#domain/segment-projection.ts";
import { Random } from "#sample/random.ts";

const SETTINGS: ProjectionSettings = {
  horizonYears: 3,
  damping: 0.9,
  alpha: 0.3,
  beta: 0.1,
  discountRate: 0.1,
};

/** Two years of a noisy level of 1000 a month at a noisy margin around 20%: both models have a spread. */
function noisyForecast(seed: number): SegmentForecast {
  const random = new Random(seed);
  const revenue = Array.from({ length: 24 }, () => 1000 + random.normal(0, 150));
  const profit = revenue.map((month) => month * (0.2 + random.normal(0, 0.05)));
  return forecastSegment({ revenue, profit }, { profile: undefined, thorough: true }, 36);
}

function sum(values: ArrayLike<number>, from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i++) total += values[i] as number;
  return total;
}

describe("projectForecast", () => {
  const forecast = noisyForecast(21);
  const projection = projectForecast(forecast, SETTINGS, UNCALIBRATED, "fitted");

  it("totals each year's twelve months of revenue and profit", () => {
    expect(projection.years.map((year) => year.year)).toEqual([1, 2, 3]);
    projection.years.forEach((year, index) => {
      expect(year.revenue).toBeCloseTo(sum(forecast.revenue, 12 * index, 12 * index + 12), 9);
      expect(year.profit).toBeCloseTo(sum(forecast.profit, 12 * index, 12 * index + 12), 9);
    });
  });

  it("discounts each year's profit at the rate to the year: Σ profit_y ÷ 1.1^y", () => {
    const [one, two, three] = projection.years.map((year) => year.profit) as [number, number, number];
    expect(projection.npv).toBeCloseTo(one / 1.1 + two / 1.1 ** 2 + three / 1.1 ** 3, 9);
  });

  it("orders P10 ≤ P50 ≤ P90 for revenue, profit and NPV, with intervals of some width", () => {
    for (const year of projection.years) {
      expect(year.revenueP10).toBeLessThan(year.revenue);
      expect(year.revenue).toBeLessThan(year.revenueP90);
      expect(year.profitP10).toBeLessThan(year.profit);
      expect(year.profit).toBeLessThan(year.profitP90);
    }
    expect(projection.npvP10).toBeLessThan(projection.npv);
    expect(projection.npv).toBeLessThan(projection.npvP90);
  });

  it("draws year 1's revenue interval at ±1.2816 times the year-1 spread", () => {
    const year = projection.years[0];
    const halfWidth = Z_P90 * yearOneSpread(forecast).revenue;
    expect((year?.revenueP90 ?? 0) - (year?.revenue ?? 0)).toBeCloseTo(halfWidth, 6);
    expect((year?.revenue ?? 0) - (year?.revenueP10 ?? 0)).toBeCloseTo(halfWidth, 6);
    const profitHalfWidth = Z_P90 * yearOneSpread(forecast).profit;
    expect((year?.profitP90 ?? 0) - (year?.profit ?? 0)).toBeCloseTo(profitHalfWidth, 6);
  });

  it("never puts revenue P10 below zero, however wide the spread", () => {
    // A hundredth of the revenue with the same models: the year's spread exceeds its revenue.
    const small = forecast.revenue.map((month) => month / 100);
    const thin = projectForecast(
      {
        ...forecast,
        revenue: small,
        profit: small.map((month, h) => month * (forecast.margin[h] as number)),
      },
      SETTINGS,
      UNCALIBRATED,
      "fitted",
    );
    for (const year of thin.years) {
      expect(year.revenue - (year.revenueP90 - year.revenue)).toBeLessThan(0);
      expect(year.revenueP10).toBe(0);
    }
  });

  it("doubles the revenue half-widths with a revenue calibration of 2, and only those", () => {
    const wider = projectForecast(forecast, SETTINGS, { revenue: 2, profit: 1 }, "fitted");
    wider.years.forEach((year, index) => {
      const base = projection.years[index];
      expect(year.revenueP90 - year.revenue).toBeCloseTo(
        2 * ((base?.revenueP90 ?? 0) - (base?.revenue ?? 0)),
        6,
      );
      expect(year.profitP90).toBeCloseTo(base?.profitP90 ?? 0, 9);
    });
    expect(wider.npvP90).toBeCloseTo(projection.npvP90, 9);
  });

  it("doubles the profit and NPV half-widths with a profit calibration of 2, and only those", () => {
    const wider = projectForecast(forecast, SETTINGS, { revenue: 1, profit: 2 }, "fitted");
    wider.years.forEach((year, index) => {
      const base = projection.years[index];
      expect(year.profit - year.profitP10).toBeCloseTo(2 * ((base?.profit ?? 0) - (base?.profitP10 ?? 0)), 6);
      expect(year.revenueP90).toBeCloseTo(base?.revenueP90 ?? 0, 9);
    });
    expect(wider.npvP90 - wider.npv).toBeCloseTo(2 * (projection.npvP90 - projection.npv), 6);
  });

  it("collapses P10, P50 and P90 onto the forecast when no model gives a spread", () => {
    const exact = projectForecast(
      { ...forecast, revenueFit: undefined, marginFit: undefined },
      SETTINGS,
      { revenue: 3, profit: 3 },
      "seasonal-naive",
    );
    for (const year of exact.years) {
      expect([year.revenueP10, year.revenueP90]).toEqual([year.revenue, year.revenue]);
      expect([year.profitP10, year.profitP90]).toEqual([year.profit, year.profit]);
    }
    expect([exact.npvP10, exact.npvP90]).toEqual([exact.npv, exact.npv]);
  });

  it("names the forecast's model and the method", () => {
    expect(projection.model).toEqual({ ...forecast.model, method: "fitted" });
  });
});
