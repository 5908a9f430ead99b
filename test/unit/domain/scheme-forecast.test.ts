import { describe, expect, it } from "vitest";
import type { ProjectionSettings } from "#domain/projection.ts";
import type { MonthlySeries } from "#domain/scheme-backtest.ts";
import { forecastScheme } from "#domain/scheme-forecast.ts";
import { seasonalProfile, totalOf } from "#domain/seasonal-profile.ts";
import { forecastSegment } from "#domain/segment-forecast.ts";
import { projectForecast, UNCALIBRATED } from "#domain/segment-projection.ts";
import { Random } from "#sample/random.ts";

const SETTINGS: ProjectionSettings = {
  horizonYears: 3,
  damping: 0.9,
  alpha: 0.3,
  beta: 0.1,
  discountRate: 0.1,
};

const label = (monthsBeforeLatest: number): string => `${monthsBeforeLatest} before`;

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function repeated(year: readonly number[], months: number, margin: number): MonthlySeries {
  const revenue = Array.from({ length: months }, (_, t) => year[t % 12] as number);
  return { revenue, profit: revenue.map((month) => month * margin) };
}

function growing(first: number, monthlyGrowth: number, months: number): MonthlySeries {
  const revenue = Array.from({ length: months }, (_, t) => first * (1 + monthlyGrowth) ** t);
  return { revenue, profit: revenue.map((month) => 0.2 * month) };
}

describe("forecastScheme", () => {
  it("projects by seasonal naive where it is exact and the fitted models are not", () => {
    // Segments repeating their own, differing years: the scheme's season fits none of them, and 30
    // months leave the cut-offs 18 months of training, too few for a segment's own season.
    const histories = [
      repeated([100, 120, 90, 200, 150, 80, 60, 110, 130, 170, 250, 300], 30, 0.2),
      repeated([300, 250, 170, 130, 110, 60, 80, 150, 200, 90, 120, 100], 30, 0.3),
      repeated([50, 50, 80, 50, 40, 50, 90, 50, 50, 60, 50, 40], 30, 0.1),
    ];
    const { accuracy, projections } = forecastScheme(histories, SETTINGS, label);
    expect(accuracy?.methods["seasonal-naive"].revenue.wape).toBe(0);
    expect(accuracy?.methods.fitted.revenue.wape).toBeGreaterThan(0);
    expect(accuracy?.chosen).toBe("seasonal-naive");
    projections.forEach((projection, index) => {
      const history = histories[index] as MonthlySeries;
      expect(projection.model.method).toBe("seasonal-naive");
      expect(projection.model.name).toBe("seasonal naive");
      expect(projection.years[0]?.revenue).toBeCloseTo(sum(history.revenue.slice(-12)), 9);
      expect(projection.years[0]?.profit).toBeCloseTo(sum(history.profit.slice(-12)), 9);
    });
  });

  it("projects by the fitted models a scheme growing 3% a month, above the trailing year", () => {
    const histories = [100, 250, 400, 800, 1500].map((first) => growing(first, 0.03, 36));
    const { accuracy, projections } = forecastScheme(histories, SETTINGS, label);
    expect(accuracy?.chosen).toBe("fitted");
    projections.forEach((projection, index) => {
      const history = histories[index] as MonthlySeries;
      expect(projection.model.method).toBe("fitted");
      expect(projection.years[0]?.revenue).toBeGreaterThan(sum(history.revenue.slice(-12)));
    });
  });

  it("has no accuracy for 20 months of data, and projects by the fitted models uncalibrated", () => {
    const histories = [100, 250, 400].map((first) => growing(first, 0.03, 20));
    const { accuracy, projections } = forecastScheme(histories, SETTINGS, label);
    expect(accuracy).toBeUndefined();
    const profile = seasonalProfile(totalOf(histories.map((history) => history.revenue)));
    projections.forEach((projection, index) => {
      const forecast = forecastSegment(
        histories[index] as MonthlySeries,
        { profile: profile, thorough: true },
        36,
      );
      expect(projection).toEqual(projectForecast(forecast, SETTINGS, UNCALIBRATED, "fitted"));
    });
  });
});

describe("forecastScheme intervals on simulated segments", () => {
  it("holds about 80% of the held-out year-1 revenue totals inside year 1's P10–P90", () => {
    // 300 segments of 48 months: a lognormal level, every other one with a season, 20% noise a month
    // and a margin around 10–30%. The scheme is projected from the first 36 months and judged on the
    // last 12, which it never sees.
    const random = new Random(42);
    const season = [0.7, 0.8, 0.9, 1, 1, 1.1, 1.2, 1.1, 1, 0.9, 1.1, 1.2];
    const segments = Array.from({ length: 300 }, (_, index) => {
      const level = 500 * Math.exp(random.normal(0, 1));
      const margin = 0.1 + 0.2 * random.next();
      const revenue = Array.from({ length: 48 }, (_, t) => {
        const factor = index % 2 === 0 ? (season[t % 12] as number) : 1;
        return Math.max(0, level * factor * (1 + random.normal(0, 0.2)));
      });
      return { revenue, profit: revenue.map((month) => month * (margin + random.normal(0, 0.05))) };
    });
    const training = segments.map(({ revenue, profit }) => ({
      revenue: revenue.slice(0, 36),
      profit: profit.slice(0, 36),
    }));
    const { projections } = forecastScheme(training, SETTINGS, label);
    let inside = 0;
    projections.forEach((projection, index) => {
      const heldOut = sum((segments[index] as MonthlySeries).revenue.slice(36));
      const year = projection.years[0];
      if (year && heldOut >= year.revenueP10 && heldOut <= year.revenueP90) inside++;
    });
    const coverage = inside / segments.length;
    expect(coverage).toBeGreaterThanOrEqual(0.7);
    expect(coverage).toBeLessThanOrEqual(0.9);
  });
});
