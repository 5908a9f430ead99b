import { describe, expect, it } from "vitest";
import { forecastAccuracyView, type SchemeForecastAccuracy } from "#web/forecast-accuracy.ts";

const figures = (wape: number | null, mase: number | null) => ({ wape, monthlyWape: wape, mase });

/** A backtest as GET /schemes carries it for a scheme. */
const ACCURACY: SchemeForecastAccuracy = {
  holdoutMonths: 12,
  cutoffs: ["2025-06", "2025-05", "2025-04", "2025-03", "2025-02", "2025-01"],
  segmentsEvaluated: 1840,
  segments: 2311,
  methods: {
    fitted: { revenue: figures(0.1234, 0.71), profit: figures(0.31, 0.88) },
    "trailing-year-naive": { revenue: figures(0.181, 1.02), profit: figures(0.4, null) },
    "seasonal-naive": { revenue: figures(0.176, 1), profit: figures(0.45, 1) },
  },
  chosen: "fitted",
  fittedBeats: {
    trailingYearNaive: { segments: 1203, ofSegments: 1840, cutoffs: 5, ofCutoffs: 6 },
    seasonalNaive: { segments: 1100, ofSegments: 1840, cutoffs: 6, ofCutoffs: 6 },
  },
};

describe("the panel 'How well did we forecast last year'", () => {
  it("puts the projection first, beside the two naive forecasts, with year-1 WAPE as a share and MASE as a ratio", () => {
    const view = forecastAccuracyView(ACCURACY);
    expect(view.kind).toBe("measured");
    if (view.kind !== "measured") return;
    expect(
      view.rows.map((row) => [row.method, row.revenueWape, row.revenueMase, row.profitWape, row.profitMase]),
    ).toEqual([
      ["fitted", "12.3%", "0.71", "31%", "0.88"],
      ["trailing-year-naive", "18.1%", "1.02", "40%", "–"],
      ["seasonal-naive", "17.6%", "1.00", "45%", "1.00"],
    ]);
  });

  it("says on how many segments and cut-offs the projection beat each naive forecast", () => {
    const view = forecastAccuracyView(ACCURACY);
    if (view.kind !== "measured") throw new Error("measured expected");
    expect(view.rows.map((row) => row.beatenBy)).toEqual([
      null,
      "1,203 of 1,840 segments, 5 of 6 cut-offs",
      "1,100 of 1,840 segments, 6 of 6 cut-offs",
    ]);
  });

  it("marks the method the scheme's projections use, and says it in the sentence", () => {
    const view = forecastAccuracyView({ ...ACCURACY, chosen: "seasonal-naive" });
    if (view.kind !== "measured") throw new Error("measured expected");
    expect(view.rows.filter((row) => row.chosen).map((row) => row.method)).toEqual(["seasonal-naive"]);
    expect(view.summary).toMatch(/; projections use seasonal naive\.$/);
  });

  it("says what the figures cover: the cut-offs, the months held out and the segments forecast", () => {
    const view = forecastAccuracyView(ACCURACY);
    if (view.kind !== "measured") throw new Error("measured expected");
    expect(view.coverage).toBe(
      "6 cut-offs (training up to 2025-01 … 2025-06), 12 months held out after each; 1,840 of 2,311 segments forecast.",
    );
    expect(forecastAccuracyView({ ...ACCURACY, cutoffs: ["2024-12"] })).toMatchObject({
      coverage: expect.stringMatching(/^1 cut-off \(training up to 2024-12\), /),
    });
  });

  it("says there is not enough history to tell when the scheme has no backtest", () => {
    expect(forecastAccuracyView(null)).toEqual({
      kind: "unknown",
      summary:
        "Too little history to backtest the projection: a cut-off needs 12 months before it and 12 after.",
    });
  });
});
