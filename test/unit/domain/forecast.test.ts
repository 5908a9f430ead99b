import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { holtDampedFit, holtDampedForecast, holtDampedLimit } from "#domain/forecast.ts";

const damping = fc.double({ min: 0.8, max: 0.98, noNaN: true });
const smoothing = fc.double({ min: 0, max: 1, noNaN: true });
const amount = fc.integer({ min: -1_000_000, max: 1_000_000 });

/** |actual − expected| within `relative` of the larger of |expected| and 1. */
function expectNear(actual: number, expected: number, relative = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
}

describe("holtDampedFit", () => {
  it("follows the damped-trend recurrence month by month on a hand-made series", () => {
    const alpha = 0.5;
    const beta = 0.3;
    const phi = 0.9;
    // ℓ0 = y0, b0 = y1 − y0, then ℓt = α·yt + (1 − α)(ℓt−1 + φ·bt−1), bt = β(ℓt − ℓt−1) + (1 − β)·φ·bt−1
    const level0 = 100;
    const trend0 = 110 - 100; // 10
    const level1 = alpha * 110 + (1 - alpha) * (level0 + phi * trend0); // 109.5
    const trend1 = beta * (level1 - level0) + (1 - beta) * phi * trend0; // 9.15
    const level2 = alpha * 118 + (1 - alpha) * (level1 + phi * trend1); // 117.8675
    const trend2 = beta * (level2 - level1) + (1 - beta) * phi * trend1; // 8.27475
    const level3 = alpha * 130 + (1 - alpha) * (level2 + phi * trend2); // 127.6573875
    const trend3 = beta * (level3 - level2) + (1 - beta) * phi * trend2; // 8.15005875

    const state = holtDampedFit([100, 110, 118, 130], { alpha, beta, damping: phi });

    expectNear(state.level, level3, 1e-12);
    expectNear(state.trend, trend3, 1e-12);
    expectNear(state.level, 127.6573875, 1e-12);
    expectNear(state.trend, 8.15005875, 1e-12);
  });

  it("starts a single month at its value with no trend, and an empty series at zero", () => {
    expect(holtDampedFit([42], { alpha: 0.3, beta: 0.1, damping: 0.9 })).toEqual({ level: 42, trend: 0 });
    expect(holtDampedFit([], { alpha: 0.3, beta: 0.1, damping: 0.9 })).toEqual({ level: 0, trend: 0 });
  });

  it("takes two months as the level of the second and their difference as the trend", () => {
    const state = holtDampedFit([40, 46], { alpha: 0.2, beta: 0.1, damping: 0.9 });
    // ℓ1 = 0.2·46 + 0.8·(40 + 0.9·6) = 45.52; b1 = 0.1·5.52 + 0.9·0.9·6 = 5.412
    expectNear(state.level, 45.52, 1e-12);
    expectNear(state.trend, 5.412, 1e-12);
  });
});

describe("holtDampedForecast", () => {
  it("adds the trend damped by φ, φ + φ², φ + φ² + φ³ … to the level", () => {
    const state = { level: 127.6573875, trend: 8.15005875 };
    const forecast = holtDampedForecast(state, 0.9, 3);
    expect(forecast).toHaveLength(3);
    expectNear(forecast[0] as number, state.level + 0.9 * state.trend, 1e-12);
    expectNear(forecast[1] as number, state.level + (0.9 + 0.81) * state.trend, 1e-12);
    expectNear(forecast[2] as number, state.level + (0.9 + 0.81 + 0.729) * state.trend, 1e-12);
  });

  it("gives one value per step and none for zero steps", () => {
    expect(holtDampedForecast({ level: 5, trend: 1 }, 0.9, 36)).toHaveLength(36);
    expect(holtDampedForecast({ level: 5, trend: 1 }, 0.9, 0)).toEqual([]);
  });

  it("forecasts a constant series as the constant, whatever the smoothing and damping", () => {
    fc.assert(
      fc.property(
        amount,
        fc.integer({ min: 1, max: 48 }),
        smoothing,
        smoothing,
        damping,
        (value, months, alpha, beta, phi) => {
          const state = holtDampedFit(Array(months).fill(value), { alpha, beta, damping: phi });
          for (const forecast of holtDampedForecast(state, phi, 24)) expectNear(forecast, value);
        },
      ),
    );
  });

  it("converges to ℓ + φ·b / (1 − φ), closing the gap by φ each step", () => {
    fc.assert(
      fc.property(amount, amount, damping, (level, trend, phi) => {
        const state = { level, trend };
        const limit = holtDampedLimit(state, phi);
        expectNear(limit, level + (phi * trend) / (1 - phi), 1e-12);
        const forecast = holtDampedForecast(state, phi, 5000);
        expectNear(forecast[4999] as number, limit);
        for (let h = 1; h < 60; h++) {
          const gap = limit - (forecast[h - 1] as number);
          const nextGap = limit - (forecast[h] as number);
          expectNear(nextGap, phi * gap, 1e-7);
        }
      }),
    );
  });

  it("with φ in [0.8, 0.98] rises with a rising trend, ever more slowly, below the undamped line and the limit", () => {
    fc.assert(
      fc.property(amount, fc.integer({ min: 1, max: 10_000 }), damping, (level, trend, phi) => {
        const state = { level, trend };
        const limit = holtDampedLimit(state, phi);
        let previous = level;
        let previousRise = Number.POSITIVE_INFINITY;
        holtDampedForecast(state, phi, 60).forEach((forecast, index) => {
          const h = index + 1;
          expect(forecast).toBeGreaterThan(previous);
          expect(forecast - previous).toBeLessThan(previousRise);
          expect(forecast).toBeLessThan(level + h * trend);
          expect(forecast).toBeLessThanOrEqual(limit);
          previousRise = forecast - previous;
          previous = forecast;
        });
      }),
    );
  });
});

describe("Holt's linear trend as φ → 1", () => {
  it("continues a straight line exactly at φ = 1, whatever α and β", () => {
    fc.assert(
      fc.property(
        amount,
        fc.integer({ min: -10_000, max: 10_000 }),
        fc.integer({ min: 2, max: 36 }),
        smoothing,
        smoothing,
        (start, slope, months, alpha, beta) => {
          const series = Array.from({ length: months }, (_, t) => start + slope * t);
          const last = start + slope * (months - 1);
          const state = holtDampedFit(series, { alpha, beta, damping: 1 });
          expectNear(state.level, last);
          expectNear(state.trend, slope);
          holtDampedForecast(state, 1, 24).forEach((forecast, index) => {
            expectNear(forecast, last + (index + 1) * slope);
          });
        },
      ),
    );
  });

  it("approaches the straight-line forecast as φ approaches 1", () => {
    const series = [100, 104, 108, 112, 116, 120];
    const linear = (h: number) => 120 + 4 * h;
    const gapAt36 = (phi: number) => {
      const state = holtDampedFit(series, { alpha: 0.5, beta: 0.3, damping: phi });
      return Math.abs((holtDampedForecast(state, phi, 36)[35] as number) - linear(36));
    };
    const gaps = [0.9, 0.99, 0.999, 0.9999, 0.99999].map(gapAt36);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeLessThan(gaps[i - 1] as number);
    expect(gaps[0]).toBeGreaterThan(50);
    expect(gaps[4]).toBeLessThan(0.05);
  });

  it("has no finite limit undamped unless the trend is zero", () => {
    expect(holtDampedLimit({ level: 10, trend: 2 }, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(holtDampedLimit({ level: 10, trend: -2 }, 1)).toBe(Number.NEGATIVE_INFINITY);
    expect(holtDampedLimit({ level: 10, trend: 0 }, 1)).toBe(10);
  });
});
