import { describe, expect, it } from "vitest";
import { type ForecastAccuracyFacts, forecastAccuracySummary } from "#domain/forecast-accuracy-summary.ts";
import type { ForecastMethod } from "#domain/scheme-backtest.ts";

function backtest(
  wapes: Readonly<Record<ForecastMethod, number | null>>,
  chosen: ForecastMethod = "fitted",
  cutoffs: readonly string[] = ["2025-12", "2025-11", "2025-10", "2025-09", "2025-08", "2025-07"],
): ForecastAccuracyFacts {
  const method = (wape: number | null) => ({ revenue: { wape } });
  return {
    cutoffs,
    chosen,
    methods: {
      fitted: method(wapes.fitted),
      "trailing-year-naive": method(wapes["trailing-year-naive"]),
      "seasonal-naive": method(wapes["seasonal-naive"]),
    },
  };
}

describe("forecastAccuracySummary", () => {
  it("says how far off the projection's year-1 revenue was beside both naive forecasts, and which method projections use", () => {
    const summary = forecastAccuracySummary(
      backtest({ fitted: 0.1234, "trailing-year-naive": 0.181, "seasonal-naive": 0.176 }),
    );
    expect(summary).toBe(
      "Over 6 cut-offs the projection's year-1 revenue was off by 12% (WAPE), against 18% for 'same as the last 12 months' and 18% for seasonal naive; projections use the fitted model.",
    );
  });

  it("names the naive forecast that projections use when it won", () => {
    expect(
      forecastAccuracySummary(
        backtest(
          { fitted: 0.42, "trailing-year-naive": 0.21, "seasonal-naive": 0.25 },
          "trailing-year-naive",
        ),
      ),
    ).toMatch(/off by 42% .* against 21% .*; projections use 'same as the last 12 months'\.$/);
    expect(
      forecastAccuracySummary(
        backtest({ fitted: 0.42, "trailing-year-naive": 0.21, "seasonal-naive": 0.02 }, "seasonal-naive"),
      ),
    ).toMatch(/and 2% for seasonal naive; projections use seasonal naive\.$/);
  });

  it("shows an error below 10% with one decimal, so that a small error does not read as none", () => {
    const summary = forecastAccuracySummary(
      backtest({ fitted: 0.024, "trailing-year-naive": 0.0049, "seasonal-naive": 0.1 }),
    );
    expect(summary).toContain(
      "off by 2.4% (WAPE), against 0.5% for 'same as the last 12 months' and 10% for",
    );
  });

  it("speaks of one cut-off in the singular", () => {
    const summary = forecastAccuracySummary(
      backtest({ fitted: 0.3, "trailing-year-naive": 0.2, "seasonal-naive": 0.1 }, "fitted", ["2024-12"]),
    );
    expect(summary.startsWith("Over 1 cut-off the projection's")).toBe(true);
  });

  it("says so when the held-out months had no revenue to measure against", () => {
    const summary = forecastAccuracySummary(
      backtest({ fitted: null, "trailing-year-naive": null, "seasonal-naive": null }, "seasonal-naive"),
    );
    expect(summary).toBe(
      "Over 6 cut-offs the held-out months had no revenue to measure the projection's error against; projections use seasonal naive.",
    );
  });

  it("says the data is too short to backtest when there is no backtest, and what a cut-off needs", () => {
    expect(forecastAccuracySummary(null)).toBe(
      "Too little history to backtest the projection: a cut-off needs 12 months before it and 12 after.",
    );
  });
});
