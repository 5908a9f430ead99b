import { describe, expect, it } from "vitest";
import {
  type BacktestSettings,
  backtestScheme,
  type ForecasterAtCutoff,
  type MonthlySeries,
  trailingYearForecaster,
  Z_P90,
} from "#domain/scheme-backtest.ts";

const label = (monthsBeforeLatest: number): string => `${monthsBeforeLatest} before`;

function repeated(year: readonly number[], months: number, margin: number): MonthlySeries {
  const revenue = Array.from({ length: months }, (_, t) => year[t % year.length] as number);
  return { revenue, profit: revenue.map((month) => month * margin) };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

describe("backtestScheme on segments that repeat the same year", () => {
  // Half the year at 100, half at 300 (mean 200), and a flat 50 a month.
  const HALVES = [100, 100, 100, 100, 100, 100, 300, 300, 300, 300, 300, 300];
  const FLAT = new Array(12).fill(50);
  const histories = [repeated(HALVES, 36, 0.25), repeated(FLAT, 36, 0.1)];
  /** Forecasts twice the trailing year: a year-1 miss as large as the year itself. */
  const doubling: ForecasterAtCutoff = (schemeRevenue) => (history, horizon) => {
    const naive = trailingYearForecaster(schemeRevenue)(history, horizon);
    return {
      revenue: Array.from(naive.revenue, (month) => 2 * month),
      profit: Array.from(naive.profit, (month) => 2 * month),
    };
  };
  const settings: BacktestSettings = { holdout: 12, origins: 3, maxSegments: 100 };
  const accuracy = backtestScheme(histories, doubling, label, settings);

  it("finds seasonal naive exact, year and months alike", () => {
    const { revenue, profit } = accuracy?.methods["seasonal-naive"] ?? {};
    expect(revenue?.wape).toBe(0);
    expect(revenue?.monthlyWape).toBe(0);
    expect(profit?.wape).toBe(0);
    expect(profit?.monthlyWape).toBe(0);
  });

  it("finds the trailing year exact over the year but not month by month", () => {
    const { revenue, profit } = accuracy?.methods["trailing-year-naive"] ?? {};
    expect(revenue?.wape).toBe(0);
    // Every held-out year is one whole cycle. HALVES misses each month by 100 against its mean of 200
    // (1200 of 2400); FLAT misses nothing (of 600): 1200 ÷ 3000 at every cut-off. Profit scales both by
    // its margin, 300 of 600 + 60.
    expect(revenue?.monthlyWape).toBeCloseTo(1200 / 3000, 12);
    expect(profit?.wape).toBeCloseTo(0, 12);
    expect(profit?.monthlyWape).toBeCloseTo(300 / 660, 12);
  });

  it("finds the doubling forecast off by its whole year", () => {
    expect(accuracy?.methods.fitted.revenue.wape).toBeCloseTo(1, 12);
    expect(accuracy?.methods.fitted.profit.wape).toBeCloseTo(1, 12);
  });

  it("has no MASE where the training months repeat exactly (seasonal naive's in-sample error is 0)", () => {
    expect(accuracy?.methods["seasonal-naive"].revenue.mase).toBeNull();
  });

  it("chooses seasonal naive, the tie with the trailing year settled by the monthly error", () => {
    expect(accuracy?.chosen).toBe("seasonal-naive");
  });

  it("counts no segment or cut-off where the doubling forecast beat a naive one", () => {
    const none = { segments: 0, ofSegments: 2, cutoffs: 0, ofCutoffs: 3 };
    expect(accuracy?.fittedBeats).toEqual({ trailingYearNaive: none, seasonalNaive: none });
  });
});

/** A forecaster that records the first month of every history it is asked about, forecasting naively. */
function recording(seen: Set<number>): ForecasterAtCutoff {
  return (schemeRevenue) => (history, horizon) => {
    seen.add(history.revenue[0] as number);
    return trailingYearForecaster(schemeRevenue)(history, horizon);
  };
}

/** A segment of `months` months ending at the latest month, first month `first`, then `rest` a month. */
function segment(months: number, first: number, rest: number): MonthlySeries {
  const revenue = Array.from({ length: months }, (_, t) => (t === 0 ? first : rest));
  return { revenue, profit: revenue.map((month) => month / 10) };
}

describe("backtestScheme cut-offs and segments", () => {
  const settings: BacktestSettings = { holdout: 12, origins: 3, maxSegments: 100 };

  it("cuts 12, 13 and 14 months before the latest for a 30-month span, 12 held out, 3 origins", () => {
    const accuracy = backtestScheme([segment(30, 1, 10)], recording(new Set()), label, settings);
    expect(accuracy?.cutoffs).toEqual(["12 before", "13 before", "14 before"]);
    expect(accuracy?.holdoutMonths).toBe(12);
  });

  it("skips segments with less than a year before every cut-off", () => {
    // Kept months at the cut-offs 18, 17, 16 of a 30-month span: length − 12, − 13, − 14.
    const histories = [
      segment(30, 1, 10), // 18, 17, 16: evaluated
      segment(24, 2, 10), // 12, 11, 10: evaluated at the latest cut-off only
      segment(23, 3, 10), // 11, 10, 9: never
      segment(20, 4, 10), // 8, 7, 6: never
    ];
    const seen = new Set<number>();
    const accuracy = backtestScheme(histories, recording(seen), label, settings);
    expect(accuracy?.segmentsEvaluated).toBe(2);
    expect(accuracy?.segments).toBe(4);
    expect([...seen].sort()).toEqual([1, 2]);
  });

  it("keeps the maxSegments largest by revenue before the earliest cut-off, not after it", () => {
    // The earliest cut-off of a 30-month span keeps 16 months. The third segment is the largest over
    // all 30 months but the smallest in the first 16.
    const early = (first: number, before: number, after: number): MonthlySeries => {
      const revenue = Array.from({ length: 30 }, (_, t) => (t === 0 ? first : t < 16 ? before : after));
      return { revenue, profit: revenue.map((month) => month / 10) };
    };
    const histories = [early(1, 100, 100), early(2, 50, 50), early(3, 10, 1000), early(4, 80, 10)];
    const seen = new Set<number>();
    const accuracy = backtestScheme(histories, recording(seen), label, { ...settings, maxSegments: 2 });
    expect(accuracy?.segmentsEvaluated).toBe(2);
    expect(accuracy?.segments).toBe(4);
    expect([...seen].sort()).toEqual([1, 4]);
  });

  it("is undefined when the span is too short for a year of training and the held-out months", () => {
    expect(backtestScheme([segment(23, 1, 10)], recording(new Set()), label, settings)).toBeUndefined();
    expect(backtestScheme([segment(24, 1, 10)], recording(new Set()), label, settings)).toBeDefined();
    expect(backtestScheme([], recording(new Set()), label, settings)).toBeUndefined();
  });
});

describe("backtestScheme interval80", () => {
  /** Revenue misses of the year, in units of the spread, of ten segments; 80th percentile 2.0. */
  const MISSES = [0, 0.5, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 0.2, 0.9];
  const SPREAD = 100;
  // Segment i: a flat 100 + i a month, so that the forecaster can tell the segments apart.
  const histories = MISSES.map((_, i) => {
    const revenue = new Array(24).fill(100 + i);
    return { revenue, profit: revenue.map((month) => month / 5) };
  });
  /** Misses segment i's year by MISSES[i] spreads, and every profit year by 50 spreads. */
  const missing: ForecasterAtCutoff = () => (history, horizon) => {
    const level = history.revenue[0] as number;
    const miss = (MISSES[level - 100] as number) * SPREAD;
    const profitMiss = 50 * SPREAD;
    return {
      revenue: new Array(horizon).fill(level + miss / horizon),
      profit: new Array(horizon).fill(level / 5 + profitMiss / horizon),
      spread: { revenue: SPREAD, profit: SPREAD },
    };
  };
  const accuracy = backtestScheme(histories, missing, label, { holdout: 12, origins: 1, maxSegments: 100 });

  it("covers the misses within 1.2816 spreads and widens by the 80th-percentile miss ÷ 1.2816", () => {
    // Inside: 0, 0.2, 0.5, 0.9, 1.0, 1.2 of ten. Sorted, the 8th of ten is 2.0.
    const { interval80 } = accuracy?.methods.fitted.revenue ?? {};
    expect(Z_P90).toBeCloseTo(1.2816, 4);
    expect(interval80?.coverage).toBeCloseTo(0.6, 12);
    expect(interval80?.scale).toBeCloseTo(2.0 / Z_P90, 6);
  });

  it("caps the widening at 10", () => {
    const { interval80 } = accuracy?.methods.fitted.profit ?? {};
    expect(interval80).toEqual({ coverage: 0, scale: 10 });
  });

  it("holds the naive forecasts' misses against the fitted spread, never narrowing", () => {
    // Both naive forecasts are exact on flat segments: every miss 0, all inside, no widening.
    const { interval80 } = accuracy?.methods["seasonal-naive"].revenue ?? {};
    expect(interval80).toEqual({ coverage: 1, scale: 1 });
  });

  it("counts a miss against a spread of 0 as outside", () => {
    const noSpread: ForecasterAtCutoff = () => (history, horizon) => ({
      revenue: new Array(horizon).fill((history.revenue[0] as number) + 1),
      profit: new Array(horizon).fill(0),
      spread: { revenue: 0, profit: 0 },
    });
    const result = backtestScheme(histories, noSpread, label, { holdout: 12, origins: 1, maxSegments: 100 });
    expect(result?.methods.fitted.revenue.interval80).toEqual({ coverage: 0, scale: 10 });
  });

  it("has no coverage where the fitted forecaster gives no spread", () => {
    const result = backtestScheme(histories, recording(new Set()), label, {
      holdout: 12,
      origins: 1,
      maxSegments: 100,
    });
    expect(result?.methods.fitted.revenue.interval80).toEqual({ coverage: null, scale: 1 });
  });

  it("totals the held-out revenue it judges: the fitted WAPE is the misses over the years", () => {
    const actual = sum(MISSES.map((_, i) => 12 * (100 + i)));
    const missed = sum(MISSES.map((miss) => miss * SPREAD));
    expect(accuracy?.methods.fitted.revenue.wape).toBeCloseTo(missed / actual, 12);
  });
});
