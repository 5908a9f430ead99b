import { describe, expect, it } from "vitest";
import type { SegmentResponse } from "#web/api-types.ts";
import { costToServeRows, metricFigures, scoreBlocks } from "#web/segment-figures.ts";

const METRICS: SegmentResponse["metrics"] = {
  revenue: 51_366_946.34,
  profit: -2_349_193.35,
  margin: -0.0457,
  costToServe: 11_171_250.51,
  customers: 1238,
  firstMonth: "2023-01",
  lastMonth: "2025-12",
  costToServeIntensity: 0.2175,
  opportunity: 8_207_323.8,
  priceRealization: 0.7147,
  retention: 0.96,
  repeatRate: 0.9887,
  costs: { freight: 5_596_263.49, handling: 2_764_418.17, returns: 683_079.42, special_services: 0 },
};

describe("a segment's cost-to-serve breakdown", () => {
  it("lists each component largest first, as a share of the segment's revenue next to the scheme's", () => {
    const rows = costToServeRows(METRICS, [
      { component: "freight", shareOfRevenue: 0.0484 },
      { component: "handling", shareOfRevenue: 0.022 },
      { component: "returns", shareOfRevenue: 0.006 },
    ]);
    expect(rows.map((row) => row.component)).toEqual(["freight", "handling", "returns", "special_services"]);
    expect(rows[0]).toEqual({
      component: "freight",
      cost: 5_596_263.49,
      shareOfRevenue: 5_596_263.49 / 51_366_946.34,
      schemeShareOfRevenue: 0.0484,
    });
    expect(rows[3]?.schemeShareOfRevenue).toBeNull();
  });

  it("has no shares without positive revenue, and no rows when no component was sent", () => {
    expect(costToServeRows({ ...METRICS, revenue: 0 }, [])[0]?.shareOfRevenue).toBeNull();
    const { costs: _, ...withoutCosts } = METRICS;
    expect(costToServeRows(withoutCosts, [])).toEqual([]);
  });
});

describe("a segment's scores", () => {
  it("are profitability, growth and defensibility, each with its components' value, percentile and weight", () => {
    const blocks = scoreBlocks({
      scores: { focus: 41.25, profitability: 0, growth: 62.5, defensibility: 75 },
      scoreComponents: {
        profitability: {
          margin: { value: -0.0457, percentile: 0, weight: 0.6 },
          profit: { value: -2_349_193.35, percentile: 0, weight: 0.4 },
        },
        growth: { revenueGrowth: { value: 0.0959, percentile: 75, weight: 0.5 } },
        defensibility: { forceResilience: { value: null, percentile: 50, weight: 0 } },
      },
    });
    expect(blocks.map((block) => [block.title, block.value])).toEqual([
      ["Profitability", "0"],
      ["Growth", "62.5"],
      ["Defensibility", "75"],
    ]);
    expect(blocks[0]?.components).toEqual([
      { name: "margin", value: "-0.05", percentile: "0", weight: "60%" },
      { name: "profit", value: "-2.3M", percentile: "0", weight: "40%" },
    ]);
    expect(blocks[1]?.components).toEqual([
      { name: "revenue growth", value: "0.10", percentile: "75", weight: "50%" },
    ]);
    expect(blocks[2]?.components).toEqual([
      { name: "force resilience", value: "–", percentile: "50", weight: "0%" },
    ]);
  });

  it("show a score without components as an empty table rather than failing", () => {
    const blocks = scoreBlocks({
      scores: { focus: 50, profitability: 50, growth: 50, defensibility: 50 },
      scoreComponents: {},
    });
    expect(blocks.map((block) => block.components)).toEqual([[], [], []]);
  });
});

describe("a segment's metrics", () => {
  it("are shown with their labels, shares as percentages and amounts short", () => {
    const shown = Object.fromEntries(metricFigures(METRICS, -1_455_925.42));
    expect(shown).toMatchObject({
      Revenue: "51.4M",
      Profit: "-2.3M",
      Margin: "-4.6%",
      "Cost-to-serve intensity": "21.8%",
      "Price realization": "71.5%",
      Customers: "1,238",
      "Projected profit today (NPV)": "-1.5M",
      Months: "2023-01 – 2025-12",
    });
  });
});
