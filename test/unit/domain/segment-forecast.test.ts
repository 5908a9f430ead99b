import { describe, expect, it } from "vitest";
import { fitEts, forecastErrorVariance } from "#domain/ets.ts";
import type { MonthlySeries } from "#domain/scheme-backtest.ts";
import { phaseOf } from "#domain/seasonal-profile.ts";
import {
  EVIDENCE,
  forecastSegment,
  forecastSpread,
  type SegmentForecast,
  yearOneSpread,
} from "#domain/segment-forecast.ts";
import { Random } from "#sample/random.ts";

/** A scheme season with mean 1: a December-style peak three times the quietest month, at phase 11. */
const PROFILE = Float64Array.from(
  [0.6, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0, 1.1, 1.2, 1.3, 1.4, 1.8],
  (factor) => factor / (12.8 / 12),
);

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i] as number;
  return total;
}

function withMargin(revenue: number[], margin: number): MonthlySeries {
  return { revenue, profit: revenue.map((month) => month * margin) };
}

/** 24 months with sales in only four of them, 3 of those in the trailing year. */
const SPARSE = withMargin(
  [0, 0, 400, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 300, 0, 0, 0, 500, 0, 0, 0, 700],
  0.25,
);

/** Months of a steady level with noise, seeded. */
function noisyLevel(months: number, level: number, noise: number, seed: number): number[] {
  const random = new Random(seed);
  return Array.from({ length: months }, () => level + random.normal(0, noise));
}

describe("forecastSegment for a segment with too few months with sales", () => {
  it("is 'same as the last 12 months', the reason naming the count of months with sales", () => {
    const forecast = forecastSegment(SPARSE, { profile: PROFILE, thorough: true }, 24);
    expect(EVIDENCE.fitSalesMonths).toBe(6);
    expect(forecast.model.name).toBe("same as the last 12 months × scheme season");
    expect(forecast.model.reason).toMatch(/sales in only 4 of the last 24 months/);
  });

  it("totals its trailing 12 months in the first year and shapes the months by the profile", () => {
    const forecast = forecastSegment(SPARSE, { profile: PROFILE, thorough: true }, 24);
    // The trailing year sold 300 + 500 + 700; the profile has mean 1, so a year of it totals 12 levels.
    expect(sum(forecast.revenue.slice(0, 12))).toBeCloseTo(1500, 9);
    const level = 1500 / 12;
    for (let h = 1; h <= 24; h++) {
      expect(forecast.revenue[h - 1]).toBeCloseTo(level * (PROFILE[h % 12] as number), 9);
    }
  });

  it("is flat at the trailing year's mean month without a profile", () => {
    const forecast = forecastSegment(SPARSE, { profile: undefined, thorough: true }, 18);
    expect(forecast.model.name).toBe("same as the last 12 months");
    for (const month of forecast.revenue) expect(month).toBeCloseTo(1500 / 12, 9);
  });

  it("names the months of history when there is less than a year", () => {
    const forecast = forecastSegment(
      withMargin([100, 120, 90, 110, 100, 80, 130, 95], 0.1),
      { profile: undefined, thorough: true },
      12,
    );
    expect(forecast.model.name).toBe("same as the last 12 months");
    expect(forecast.model.reason).toMatch(/only 8 months of history; a fitted model needs 12/);
    // Fewer than 12 months: their mean month, 825 ÷ 8.
    for (const month of forecast.revenue) expect(month).toBeCloseTo(825 / 8, 9);
  });
});

describe("forecastSegment for a dense segment", () => {
  it("borrows the scheme season for a segment that follows it exactly, and forecasts level × profile", () => {
    // 20 months, too few for its own season: level 500 times the profile at each month's phase.
    const months = 20;
    const revenue = Array.from({ length: months }, (_, t) => 500 * (PROFILE[phaseOf(t, months)] as number));
    const forecast = forecastSegment(withMargin(revenue, 0.2), { profile: PROFILE, thorough: true }, 24);
    expect(forecast.model.name).toMatch(/ × scheme season$/);
    expect(forecast.model.name).not.toMatch(/^same as/);
    for (let h = 1; h <= 24; h++) {
      expect(forecast.revenue[h - 1]).toBeCloseTo(500 * (PROFILE[h % 12] as number), 6);
    }
  });

  it("makes profit revenue × margin month by month, the margin clamped to [−1, 1]", () => {
    const revenue = noisyLevel(18, 1000, 80, 7);
    for (const [margin, clamped] of [
      [1.4, 1],
      [-2.5, -1],
    ] as const) {
      const forecast = forecastSegment(
        withMargin(revenue, margin),
        { profile: undefined, thorough: true },
        24,
      );
      for (let h = 0; h < 24; h++) {
        expect(forecast.margin[h]).toBeCloseTo(clamped, 9);
        expect(forecast.profit[h]).toBe((forecast.revenue[h] as number) * (forecast.margin[h] as number));
      }
    }
  });

  it("never forecasts negative revenue, even for a segment falling steadily towards zero", () => {
    // 1000 down by 60 a month: a trend carried on would cross zero within a few months.
    const revenue = Array.from({ length: 16 }, (_, t) => 1000 - 60 * t);
    const forecast = forecastSegment(withMargin(revenue, 0.3), { profile: undefined, thorough: true }, 36);
    expect(forecast.revenue.every((month) => month >= 0)).toBe(true);
    expect(forecast.revenue[35]).toBeLessThan(revenue[15] as number);
    expect(forecast.margin.every((margin) => margin >= -1 && margin <= 1)).toBe(true);
  });
});

/** A forecast with only a revenue model: ANN fitted to a noisy level, optionally scaled by the profile. */
function levelForecast(scale: Float64Array | undefined): SegmentForecast {
  const revenue = noisyLevel(24, 1000, 100, 11);
  const fit = fitEts(revenue, "ANN");
  if (!fit) throw new Error("ANN fits any series of two months or more");
  const forecast = forecastSegment(withMargin(revenue, 0.2), { profile: undefined, thorough: true }, 24);
  return { ...forecast, revenueFit: fit, revenueScale: scale, marginFit: undefined };
}

/** Var(Σ w_h e_h) of ANN by hand: e_h = ε_h + α(ε_1 + … + ε_{h−1}), so ε_k carries w_k + α Σ_{h>k} w_h. */
function annSpread(alpha: number, sigma: number, weights: ArrayLike<number>): number {
  let variance = 0;
  for (let k = 0; k < weights.length; k++) {
    let later = 0;
    for (let h = k + 1; h < weights.length; h++) later += weights[h] as number;
    variance += ((weights[k] as number) + alpha * later) ** 2;
  }
  return sigma * Math.sqrt(variance);
}

describe("forecastSpread", () => {
  const yearOne = Float64Array.from({ length: 24 }, (_, h) => (h < 12 ? 1 : 0));
  const yearTwo = Float64Array.from({ length: 24 }, (_, h) => (h < 12 ? 0 : 1));
  const none = new Float64Array(24);

  it("is 0 for zero weights", () => {
    const forecast = forecastSegment(
      withMargin(noisyLevel(24, 1000, 100, 3), 0.2),
      { profile: PROFILE, thorough: true },
      24,
    );
    expect(forecast.revenueFit).toBeDefined();
    expect(forecastSpread(forecast, none, none)).toBe(0);
  });

  it("matches the level model's error variance worked by hand, and grows from year 1 to year 2", () => {
    const forecast = levelForecast(undefined);
    const fit = forecast.revenueFit;
    if (!fit) throw new Error("a revenue model was fitted");
    expect(fit.sigma).toBeGreaterThan(0);
    const one = forecastSpread(forecast, yearOne, none);
    const two = forecastSpread(forecast, yearTwo, none);
    expect(one).toBeCloseTo(annSpread(fit.alpha, Math.sqrt(fit.innovationVariance), yearOne), 6);
    expect(two).toBeCloseTo(annSpread(fit.alpha, Math.sqrt(fit.innovationVariance), yearTwo), 6);
    expect(two).toBeGreaterThan(one);
    expect(yearOneSpread(forecast).revenue).toBeCloseTo(one, 9);
  });

  it("scales the revenue weights by the borrowed season: √(forecastErrorVariance(fit, w·scale))", () => {
    const scale = Float64Array.from({ length: 24 }, (_, h) => PROFILE[(h + 1) % 12] as number);
    const forecast = levelForecast(scale);
    const fit = forecast.revenueFit;
    if (!fit) throw new Error("a revenue model was fitted");
    const scaled = yearOne.map((w, h) => w * (scale[h] as number));
    const spread = forecastSpread(forecast, yearOne, none);
    expect(spread).toBeCloseTo(Math.sqrt(forecastErrorVariance(fit, scaled)), 9);
    expect(spread).toBeCloseTo(annSpread(fit.alpha, Math.sqrt(fit.innovationVariance), scaled), 6);
    expect(spread).not.toBeCloseTo(forecastSpread(levelForecast(undefined), yearOne, none), 0);
  });

  it("adds the margin model's variance to the revenue model's", () => {
    const revenue = noisyLevel(24, 1000, 100, 5);
    const margin = noisyLevel(24, 0.2, 0.05, 6);
    const history = { revenue, profit: revenue.map((month, t) => month * (margin[t] as number)) };
    const forecast = forecastSegment(history, { profile: undefined, thorough: true }, 24);
    expect(forecast.marginFit?.sigma).toBeGreaterThan(0);
    const margins = forecast.margin.map(() => 1);
    const revenueOnly = forecastSpread({ ...forecast, marginFit: undefined }, yearOne, none);
    const marginOnly = forecastSpread({ ...forecast, revenueFit: undefined }, none, margins);
    expect(forecastSpread(forecast, yearOne, margins)).toBeCloseTo(Math.hypot(revenueOnly, marginOnly), 9);
  });
});
