import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  backtestSums,
  errorSums,
  mase,
  rollingOrigins,
  SEASON_MONTHS,
  seasonalNaive,
  trailingYearNaive,
  wape,
  wapeOf,
} from "#domain/forecast-accuracy.ts";

/** Two years of a seasonal series: a December peak three times a quiet February. */
const SEASONAL = [
  ...[100, 60, 90, 100, 110, 100, 90, 80, 110, 130, 160, 180],
  ...[110, 66, 99, 110, 121, 110, 99, 88, 121, 143, 176, 198],
];

describe("trailingYearNaive", () => {
  it("forecasts every month at the trailing year's mean month, so a year ahead totals the trailing year", () => {
    const forecast = trailingYearNaive(SEASONAL, SEASON_MONTHS);
    const trailingYear = SEASONAL.slice(-12).reduce((total, month) => total + month, 0);
    expect(new Set(forecast).size).toBe(1);
    expect(forecast.reduce((total, month) => total + month, 0)).toBeCloseTo(trailingYear, 9);
  });

  it("takes the mean of the months there are when there is less than a year", () => {
    expect(trailingYearNaive([10, 20, 30], 2)).toEqual([20, 20]);
    expect(trailingYearNaive([], 2)).toEqual([0, 0]);
  });
});

describe("seasonalNaive", () => {
  it("repeats the same month of the last year, past a year ahead too", () => {
    const forecast = seasonalNaive(SEASONAL, 14);
    expect(forecast.slice(0, 12)).toEqual(SEASONAL.slice(-12));
    expect(forecast.slice(12)).toEqual(SEASONAL.slice(-12, -10));
  });

  it("repeats the last month when there is less than a year", () => {
    expect(seasonalNaive([5, 7, 9], 3)).toEqual([9, 9, 9]);
  });
});

describe("wape", () => {
  it("weighs absolute errors by absolute actuals", () => {
    expect(wape([100, 300], [110, 250])).toBeCloseTo(60 / 400, 12);
  });

  it("is zero for a perfect forecast and undefined when there is nothing to weigh by", () => {
    expect(wape([4, 5], [4, 5])).toBe(0);
    expect(wape([0, 0], [1, 2])).toBeUndefined();
  });

  it("of a scheme is the ratio of its summed errors, not the mean of its segments' ratios", () => {
    const big = errorSums([1000], [900]);
    const small = errorSums([10], [20]);
    const scheme = wapeOf({
      absoluteError: big.absoluteError + small.absoluteError,
      absoluteActual: big.absoluteActual + small.absoluteActual,
    });
    expect(scheme).toBeCloseTo(110 / 1010, 12);
  });

  it("refuses forecasts and actuals of different lengths", () => {
    expect(() => wape([1, 2], [1])).toThrow("2 actual months against 1 forecast months");
  });
});

describe("mase", () => {
  it("scales the forecast's mean error by seasonal naive's in-sample error over a year and more of training", () => {
    // In-sample seasonal naive errors of SEASONAL are 10% of each month of the first year (1,310 in all).
    const meanNaiveError =
      SEASONAL.slice(12).reduce((total, month, i) => total + Math.abs(month - (SEASONAL[i] ?? 0)), 0) / 12;
    expect(meanNaiveError).toBeCloseTo(131 / 12, 9);
    expect(mase([100, 200], [110, 190], SEASONAL)).toBeCloseTo(10 / meanNaiveError, 12);
  });

  it("scales by one month back when the training is shorter than a year and a month", () => {
    expect(mase([10], [12], [1, 3, 7])).toBeCloseTo(2 / 3, 12);
  });

  it("is undefined where training cannot scale it", () => {
    expect(mase([10], [12], [5])).toBeUndefined();
    expect(mase([10], [12], [5, 5, 5])).toBeUndefined();
    expect(mase([], [], [1, 2, 3])).toBeUndefined();
  });

  it("gives seasonal naive a MASE near 1 on a series that grows as steadily as its history", () => {
    const training = SEASONAL;
    const actual = SEASONAL.slice(12).map((month) => month * 1.1);
    expect(mase(actual, seasonalNaive(training, 12), training)).toBeCloseTo(1.1, 1);
  });
});

describe("rollingOrigins", () => {
  it("steps the cut-off back a month at a time from the latest that leaves the holdout, keeping the minimum training", () => {
    expect(rollingOrigins(36, { holdout: 12, origins: 3, minimumTraining: 12 })).toEqual([24, 23, 22]);
    expect(rollingOrigins(26, { holdout: 12, origins: 6, minimumTraining: 12 })).toEqual([14, 13, 12]);
    expect(rollingOrigins(20, { holdout: 12, origins: 3, minimumTraining: 12 })).toEqual([]);
  });
});

describe("backtestSums", () => {
  it("lets seasonal naive beat the trailing year's flat months on a seasonal series", () => {
    const series = [...SEASONAL, ...SEASONAL.slice(12).map((month) => month * 1.1)];
    const cutoffs = rollingOrigins(series.length, { holdout: 12, origins: 6, minimumTraining: 12 });
    const seasonal = wapeOf(backtestSums(series, seasonalNaive, cutoffs, 12)) ?? Number.NaN;
    const flat = wapeOf(backtestSums(series, trailingYearNaive, cutoffs, 12)) ?? Number.NaN;
    expect(seasonal).toBeLessThan(flat);
    expect(seasonal).toBeGreaterThan(0);
  });

  it("adds up each cut-off's errors: the sums of several cut-offs are the sums of each alone", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 25, maxLength: 48 }), (series) => {
        const cutoffs = rollingOrigins(series.length, { holdout: 12, origins: 4, minimumTraining: 12 });
        const together = backtestSums(series, seasonalNaive, cutoffs, 12);
        const apart = cutoffs.map((cutoff) => backtestSums(series, seasonalNaive, [cutoff], 12));
        expect(together.absoluteError).toBeCloseTo(
          apart.reduce((total, sums) => total + sums.absoluteError, 0),
          6,
        );
        expect(together.absoluteActual).toBe(apart.reduce((total, sums) => total + sums.absoluteActual, 0));
      }),
    );
  });
});
