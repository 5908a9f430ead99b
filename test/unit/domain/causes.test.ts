import { describe, expect, it } from "vitest";
import { type CauseInputs, costToServeIntensity, strengths, weaknesses } from "#domain/causes.ts";
import type { SegmentMetrics } from "#domain/metrics.ts";
import { monthIndex } from "#domain/month.ts";

/** A segment of revenue 10,000 that loses money, gives 30% of list away and costs a lot to serve. */
function metrics(overrides: Partial<SegmentMetrics> = {}): SegmentMetrics {
  return {
    index: 0,
    id: "packaging",
    values: { category: "packaging" },
    revenue: 10_000,
    cogs: 8_500,
    costs: { freight: 1_200, handling: 800, returns: 0 },
    costToServe: 2_000,
    profit: -500,
    margin: -0.05,
    quantity: 0,
    lines: 400,
    customers: 20,
    // list 10,000 ÷ 0.7 = 14,285.71…
    discount: 10_000 / 0.7 - 10_000,
    priceRealization: 0.7,
    ttmRevenue: 4_000,
    priorTtmRevenue: 5_000,
    ttmProfit: -400,
    priorTtmProfit: -100,
    ttmCostToServe: 800,
    activeCustomersTtm: 12,
    activeCustomersPriorTtm: 16,
    retention: 0.625,
    repeatRate: 0.5,
    breadth: 1,
    concentration: 0.1,
    monthsWithLines: 24,
    firstMonth: monthIndex(2023, 1),
    lastMonth: monthIndex(2024, 12),
    monthly: { firstMonth: monthIndex(2023, 1), revenue: [], profit: [] },
    ...overrides,
  };
}

function inputs(overrides: Partial<SegmentMetrics> = {}, scheme: Partial<CauseInputs> = {}): CauseInputs {
  return {
    metrics: metrics(overrides),
    companyMargin: 0.2,
    medianPriceRealization: 0.89,
    medianCostToServeIntensity: 0.09,
    ...scheme,
  };
}

const byCode = (reasons: ReturnType<typeof weaknesses>) => new Map(reasons.map((r) => [r.code, r]));

describe("what holds a segment back", () => {
  const found = byCode(weaknesses(inputs()));

  it("names every weakness of a loss-making, heavily discounted, costly, shrinking segment, in this order", () => {
    expect([...found.keys()]).toEqual([
      "low_margin",
      "heavy_discounting",
      "high_cost_to_serve",
      "shrinking_revenue",
      "falling_profit",
      "lost_customers",
    ]);
  });

  it("states the margin against the company's, and the loss", () => {
    expect(found.get("low_margin")).toMatchObject({ metric: "margin", value: -0.05, threshold: 0.2 });
    expect(found.get("low_margin")?.message).toBe("Margin -5.0% is below the company's 20.0%: it loses 500.");
  });

  it("states the share of list price given away, in money, against the scheme's median", () => {
    expect(found.get("heavy_discounting")).toMatchObject({
      metric: "priceRealization",
      value: 0.7,
      threshold: 0.89,
    });
    // 1 − 0.7 = 30.0%; 4,285.71 given away; 1 − 0.89 = 11.0%
    expect(found.get("heavy_discounting")?.message).toBe(
      "30.0% of list price is given away in discounts (4,286), against 11.0% for the scheme's median segment.",
    );
  });

  it("states the cost-to-serve intensity against the median, with its largest component", () => {
    expect(found.get("high_cost_to_serve")).toMatchObject({ value: 0.2, threshold: 0.09 });
    expect(found.get("high_cost_to_serve")?.message).toBe(
      "Serving it costs 20.0% of revenue, against 9.0% for the scheme's median segment; most of it freight, 1,200 (12.0% of revenue).",
    );
  });

  it("states shrinking revenue, a profit falling into a loss and lost customers, with the figures of both years", () => {
    expect(found.get("shrinking_revenue")).toMatchObject({
      metric: "ttmRevenue",
      value: 4_000,
      threshold: 5_000,
    });
    expect(found.get("shrinking_revenue")?.message).toBe(
      "Revenue over the last twelve months fell 20.0%, from 5,000 to 4,000.",
    );
    expect(found.get("falling_profit")?.message).toBe(
      "Profit over the last twelve months fell from -100 to -400.",
    );
    expect(found.get("lost_customers")).toMatchObject({ value: 12, threshold: 16 });
    expect(found.get("lost_customers")?.message).toBe(
      "Active customers fell from 16 to 12; 62.5% of last year's customers bought again.",
    );
  });

  it("names nothing where the segment is at or better than its benchmark", () => {
    const healthy = inputs({
      profit: 2_500,
      margin: 0.25,
      priceRealization: 0.89,
      costToServe: 900,
      ttmRevenue: 5_000,
      ttmProfit: 1_200,
      activeCustomersTtm: 16,
    });
    expect(weaknesses(healthy)).toEqual([]);
  });

  it("names a profitable segment below the company margin, without a loss", () => {
    const thin = byCode(weaknesses(inputs({ profit: 1_000, margin: 0.1 })));
    expect(thin.get("low_margin")?.message).toBe("Margin 10.0% is below the company's 20.0%.");
  });

  it("names a loss without revenue as such, and leaves out what needs revenue", () => {
    const claims = byCode(
      weaknesses(
        inputs({
          revenue: 0,
          margin: 0,
          profit: -150,
          costToServe: 150,
          priceRealization: null,
          discount: 0,
        }),
      ),
    );
    expect(claims.get("low_margin")?.message).toBe("It loses 150 without any revenue to carry it.");
    expect(claims.has("heavy_discounting")).toBe(false);
    expect(claims.has("high_cost_to_serve")).toBe(false);
  });

  it("has no discount or cost benchmark in a scheme where no segment has revenue", () => {
    const codes = weaknesses(
      inputs({}, { medianPriceRealization: null, medianCostToServeIntensity: null }),
    ).map((r) => r.code);
    expect(codes).not.toContain("heavy_discounting");
    expect(codes).not.toContain("high_cost_to_serve");
  });
});

describe("what makes a segment strong", () => {
  it("names its margin against the company's, its growth, its new customers and the price it holds", () => {
    const found = strengths(
      inputs({
        profit: 3_000,
        margin: 0.3,
        priceRealization: 0.95,
        ttmRevenue: 6_000,
        priorTtmRevenue: 4_000,
        activeCustomersTtm: 18,
        activeCustomersPriorTtm: 15,
      }),
    );
    expect(found.map((r) => r.code)).toEqual([
      "above_company_margin",
      "growing_revenue",
      "gaining_customers",
      "holds_price",
    ]);
    expect(found.map((r) => r.message)).toEqual([
      "Margin 30.0% is at or above the company's 20.0%: it earns 3,000.",
      "Revenue over the last twelve months grew 50.0%, from 4,000 to 6,000.",
      "Active customers rose from 15 to 18.",
      "It keeps 95.0% of list price, against 89.0% for the scheme's median segment.",
    ]);
  });

  it("names revenue that is new this year without a percentage", () => {
    const [growth] = strengths(inputs({ ttmRevenue: 3_000, priorTtmRevenue: 0, activeCustomersTtm: 0 }));
    expect(growth?.message).toBe(
      "Revenue of 3,000 over the last twelve months, where the twelve before had none.",
    );
  });

  it("names none for the weak segment", () => {
    expect(strengths(inputs())).toEqual([]);
  });
});

describe("cost-to-serve intensity", () => {
  it("is cost-to-serve ÷ revenue, and null without revenue", () => {
    expect(costToServeIntensity(metrics())).toBe(0.2);
    expect(costToServeIntensity(metrics({ revenue: 0 }))).toBeNull();
  });
});
