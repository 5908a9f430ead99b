import { describe, expect, it } from "vitest";
import { Cube } from "#domain/cube.ts";
import { latestMonthOf, type SegmentMetrics, schemeMetrics } from "#domain/metrics.ts";
import { monthIndex } from "#domain/month.ts";
import { channelFixtureSales } from "#test-support/channel-fixture.ts";
import { type Sale, salesCube } from "#test-support/segment-sales.ts";

const LATEST = monthIndex(2024, 12);

/** The metrics of every segment of a cube's scheme, by segment id. */
function metricsOf(cube: Cube, scheme = "channel"): Map<string, SegmentMetrics> {
  const aggregate = cube.findScheme(scheme);
  if (!aggregate) throw new Error(`no scheme ${scheme}`);
  const { segments } = schemeMetrics(cube, aggregate, latestMonthOf(cube));
  return new Map(segments.map((segment) => [segment.id, segment]));
}

function segment(metrics: Map<string, SegmentMetrics>, id: string): SegmentMetrics {
  const found = metrics.get(id);
  if (!found) throw new Error(`no segment ${id}`);
  return found;
}

function sale(fields: Partial<Sale>): Sale {
  return {
    customer: "C1",
    order: "O1",
    month: LATEST,
    channel: "online",
    category: "tools",
    revenue: 100,
    cogs: 60,
    ...fields,
  };
}

describe("the metrics of the channel fixture, by hand", () => {
  const metrics = metricsOf(salesCube(channelFixtureSales()));

  it("sums revenue, cost of goods, each cost-to-serve component and profit", () => {
    const direct = segment(metrics, "direct");
    // per month: revenue 4 weights × 50 = 200 in 2023, × 60 = 240 in 2024 → 12 × 200 + 12 × 240 = 5280
    expect(direct.revenue).toBe(5280);
    // cogs is half the revenue: 12 × 100 + 12 × 120 = 2640
    expect(direct.cogs).toBe(2640);
    // freight 2 per weight: 24 months × 8 = 192; handling 1 per weight: 24 × 4 = 96; no returns
    expect(direct.costs).toEqual({ freight: 192, handling: 96, returns: 0 });
    expect(direct.costToServe).toBe(288);
    // 5280 − 2640 − 288 = 2352
    expect(direct.profit).toBe(2352);
    expect(direct.margin).toBe(2352 / 5280);
    expect(direct.lines).toBe(72);
    expect(direct.customers).toBe(3);

    const wholesale = segment(metrics, "wholesale");
    // 10 weights × 40 × 24 months = 9600; freight 10 × (12 × 3 + 12 × 4) = 840, handling 10 × (24 + 36) = 600,
    // returns 10 × 24 = 240; profit 9600 − 6720 − 1680 = 1200
    expect(wholesale.revenue).toBe(9600);
    expect(wholesale.costs).toEqual({ freight: 840, handling: 600, returns: 240 });
    expect(wholesale.profit).toBe(1200);
    expect(wholesale.margin).toBe(0.125);
  });

  it("gives a segment that loses money a negative margin", () => {
    const outlet = segment(metrics, "outlet");
    // 2023: 3 × (30 − 30 − 3) = −9 a month; 2024: 3 × (25 − 26 − 3) = −12 a month → −108 − 144 = −252
    expect(outlet.revenue).toBe(1980);
    expect(outlet.profit).toBe(-252);
    expect(outlet.margin).toBeCloseTo(-252 / 1980, 15);
  });

  it("gives a segment without revenue a margin of 0 and no price realization or concentration", () => {
    const warranty = segment(metrics, "warranty");
    // 30 claim lines × handling 5
    expect(warranty.revenue).toBe(0);
    expect(warranty.profit).toBe(-150);
    expect(warranty.margin).toBe(0);
    expect(warranty.priceRealization).toBeNull();
    expect(warranty.concentration).toBeNull();
  });

  it("splits revenue and profit into the trailing twelve months (2024) and the twelve before (2023)", () => {
    const direct = segment(metrics, "direct");
    // 12 × 240 and 12 × 200; profit 12 × (240 − 120 − 12) = 1296 and 12 × (200 − 100 − 12) = 1056
    expect([direct.ttmRevenue, direct.priorTtmRevenue]).toEqual([2880, 2400]);
    expect([direct.ttmProfit, direct.priorTtmProfit]).toEqual([1296, 1056]);
    expect(direct.ttmCostToServe).toBe(144);
    const online = segment(metrics, "online");
    // two customers × 20 a month in 2023, three × 30 in 2024
    expect([online.ttmRevenue, online.priorTtmRevenue]).toEqual([1080, 480]);
    // the pilot's one month is in the TTM; it had nothing before
    const pilot = segment(metrics, "pilot");
    expect([pilot.ttmRevenue, pilot.priorTtmRevenue]).toEqual([100, 0]);
  });

  it("counts active customers per window and retention as those of the prior window active again", () => {
    const online = segment(metrics, "online");
    // O1, O2 in both years; O3 new in 2024
    expect([online.activeCustomersTtm, online.activeCustomersPriorTtm]).toEqual([3, 2]);
    expect(online.retention).toBe(1);
    const warranty = segment(metrics, "warranty");
    // X1, X2 claimed in 2023 only, X3 in 2024 only: none of the prior two came back
    expect([warranty.activeCustomersTtm, warranty.activeCustomersPriorTtm]).toEqual([1, 2]);
    expect(warranty.retention).toBe(0);
    // no customer in the prior window: no retention to speak of
    expect(segment(metrics, "pilot").retention).toBeNull();
  });

  it("counts as repeat customers those with two or more orders, not two or more lines", () => {
    // X1 and X2 have twelve orders each; X3's six lines are one order → 2 ÷ 3
    expect(segment(metrics, "warranty").repeatRate).toBeCloseTo(2 / 3, 15);
    // P1's two lines are one order
    expect(segment(metrics, "pilot").repeatRate).toBe(0);
    expect(segment(metrics, "direct").repeatRate).toBe(1);
  });

  it("measures breadth as distinct categories per customer", () => {
    // every direct customer bought tools in 2023 and paint in 2024
    expect(segment(metrics, "direct").breadth).toBe(2);
    expect(segment(metrics, "online").breadth).toBe(1);
  });

  it("measures concentration as the HHI of customer revenue shares", () => {
    // weights 2, 1, 1 → shares ½, ¼, ¼ → ¼ + 1/16 + 1/16 = 0.375
    expect(segment(metrics, "direct").concentration).toBe(0.375);
    // weights 8, 1, 1 → 0.64 + 0.01 + 0.01 = 0.66
    expect(segment(metrics, "wholesale").concentration).toBeCloseTo(0.66, 15);
    // O1, O2: 12 × 20 + 12 × 30 = 600 each, O3: 12 × 30 = 360 → (600² + 600² + 360²) ÷ 1560²
    expect(segment(metrics, "online").concentration).toBeCloseTo((2 * 600 ** 2 + 360 ** 2) / 1560 ** 2, 15);
    // one customer holds everything
    expect(segment(metrics, "pilot").concentration).toBe(1);
  });

  it("measures price realization as net ÷ list revenue: 1 − the rate when a segment has one rate", () => {
    expect(segment(metrics, "direct").priceRealization).toBeCloseTo(0.95, 15);
    expect(segment(metrics, "outlet").priceRealization).toBeCloseTo(0.7, 15);
    expect(segment(metrics, "pilot").priceRealization).toBe(1);
  });

  it("counts months with lines and keeps the first and last of them", () => {
    const warranty = segment(metrics, "warranty");
    // twelve months of 2023 and July–December 2024
    expect(warranty.monthsWithLines).toBe(18);
    expect(warranty.firstMonth).toBe(monthIndex(2023, 1));
    expect(warranty.lastMonth).toBe(LATEST);
    const pilot = segment(metrics, "pilot");
    expect([pilot.monthsWithLines, pilot.firstMonth, pilot.lastMonth]).toEqual([1, LATEST, LATEST]);
  });

  it("keeps a monthly series from the segment's first month to the latest month, with 0 for months without lines", () => {
    const warranty = segment(metrics, "warranty");
    expect(warranty.monthly.firstMonth).toBe(monthIndex(2023, 1));
    expect(warranty.monthly.revenue).toEqual(new Array(24).fill(0));
    // X1 + X2: −10 a month in 2023; nothing January–June 2024; X3: −5 a month July–December 2024
    expect(warranty.monthly.profit).toEqual([
      ...new Array(12).fill(-10),
      ...new Array(6).fill(0),
      ...new Array(6).fill(-5),
    ]);
    const direct = segment(metrics, "direct");
    expect(direct.monthly.revenue).toEqual([...new Array(12).fill(200), ...new Array(12).fill(240)]);
    expect(direct.monthly.profit).toEqual([...new Array(12).fill(88), ...new Array(12).fill(108)]);
    expect(segment(metrics, "pilot").monthly).toEqual({ firstMonth: LATEST, revenue: [100], profit: [58] });
  });

  it("names each segment by its values", () => {
    expect(segment(metrics, "direct").values).toEqual({ channel: "direct" });
    const byCategory = metricsOf(salesCube(channelFixtureSales()), "channel+category");
    expect(segment(byCategory, "direct|paint").values).toEqual({ channel: "direct", category: "paint" });
    // the paint lines are the direct lines of 2024
    expect(segment(byCategory, "direct|paint").revenue).toBe(2880);
  });
});

describe("trailing-twelve-month windows", () => {
  // revenues 1, 10, 100, … tell which months each window took
  const cube = salesCube([
    sale({ month: LATEST, revenue: 1, cogs: 0 }),
    sale({ month: LATEST - 11, revenue: 10, cogs: 0 }),
    sale({ month: LATEST - 12, revenue: 100, cogs: 0 }),
    sale({ month: LATEST - 23, revenue: 1000, cogs: 0 }),
    sale({ month: LATEST - 24, revenue: 10000, cogs: 0 }),
  ]);
  const online = segment(metricsOf(cube), "online");

  it("takes the latest month and the eleven before it as the TTM", () => {
    expect(online.ttmRevenue).toBe(11);
  });

  it("takes the twelve months before the TTM as the prior TTM, and nothing older", () => {
    expect(online.priorTtmRevenue).toBe(1100);
    expect(online.revenue).toBe(11111);
  });

  it("ends the windows at the latest month of the whole data, not of the segment", () => {
    const withLaterRetail = salesCube([
      sale({ month: LATEST, revenue: 7, cogs: 0 }),
      sale({ channel: "retail", month: LATEST + 12, revenue: 1, cogs: 0 }),
    ]);
    const early = segment(metricsOf(withLaterRetail), "online");
    // a year later the online line is in the prior TTM of the data, and the online TTM is empty
    expect([early.ttmRevenue, early.priorTtmRevenue]).toEqual([0, 7]);
    // its series runs on to the data's latest month: 13 months, the first with 7, then 12 zeros
    expect(early.monthly.revenue).toEqual([7, ...new Array(12).fill(0)]);
  });

  it("makes the latest month the latest with any line, or −1 for an empty cube", () => {
    expect(latestMonthOf(cube)).toBe(LATEST);
    expect(latestMonthOf(Cube.empty())).toBe(-1);
  });
});

describe("customer figures of a segment", () => {
  const cube = salesCube([
    // A: active in both windows, two orders, tools and paint
    sale({ customer: "A", order: "A1", month: LATEST - 15, revenue: 100 }),
    sale({ customer: "A", order: "A2", month: LATEST - 2, revenue: 100, category: "paint" }),
    // B: prior window only, one order of two lines
    sale({ customer: "B", order: "B1", month: LATEST - 20, revenue: 100 }),
    sale({ customer: "B", order: "B1", month: LATEST - 20, revenue: 100 }),
    // C: TTM only
    sale({ customer: "C", order: "C1", month: LATEST, revenue: 200 }),
    // D: only before the prior window, and returned more than it bought
    sale({ customer: "D", order: "D1", month: LATEST - 30, revenue: -50, cogs: -30 }),
  ]);
  const online = segment(metricsOf(cube), "online");

  it("counts retention among customers of the prior window only", () => {
    // prior window: A, B; TTM: A, C; retained: A → 1 ÷ 2 (D, older, counts in neither)
    expect([online.activeCustomersPriorTtm, online.activeCustomersTtm]).toEqual([2, 2]);
    expect(online.retention).toBe(0.5);
  });

  it("counts every customer for repeat rate and breadth", () => {
    // only A has two orders, of four customers
    expect(online.customers).toBe(4);
    expect(online.repeatRate).toBe(0.25);
    // A: 2 categories, B, C, D: 1 → 5 ÷ 4
    expect(online.breadth).toBe(1.25);
  });

  it("leaves customers without positive revenue out of concentration", () => {
    // A 200, B 200, C 200 of 600 (D's −50 left out) → 3 × (⅓)² = ⅓
    expect(online.concentration).toBeCloseTo(1 / 3, 15);
  });

  it("measures price realization as net ÷ list revenue, not as a mean of rates weighted by net", () => {
    const discounted = salesCube([
      sale({ revenue: 100, discountRate: 0.1 }),
      sale({ revenue: 300, discountRate: 0 }),
    ]);
    const online = segment(metricsOf(discounted), "online");
    // list 100 ÷ 0.9 + 300 = 3700/9; net 400 → 400 × 9/3700 = 36/37 (weighting the rate by net gave 0.975)
    // 36/37 = 0.97297297297297…, held to 13 decimals
    expect(online.priceRealization).toBe(0.972972972973);
    // 100/9 off list
    expect(online.discount).toBeCloseTo(100 / 9, 12);
  });

  it("sums the discount off list exactly over many lines and over merged cubes", () => {
    // 3,000 lines of 0.07 at 30% off: each 0.03 off list exactly, 90 in all, in any grouping
    const lines = Array.from({ length: 3_000 }, (_, i) =>
      sale({ customer: `C${i % 7}`, month: LATEST - (i % 24), revenue: 0.07, cogs: 0, discountRate: 0.3 }),
    );
    const whole = segment(metricsOf(salesCube(lines)), "online");
    const merged = Cube.merged([salesCube(lines.slice(0, 1_234)), salesCube(lines.slice(1_234))]);
    const parts = segment(metricsOf(merged), "online");
    expect(whole.discount).toBe(90);
    expect(parts.discount).toBe(90);
    expect(whole.priceRealization).toBe(210 / 300);
    expect(parts.priceRealization).toBe(whole.priceRealization);
  });

  it("ties segments sold at the same rate, whatever their amounts", () => {
    const cube = salesCube([
      sale({ channel: "online", revenue: 123.4567, discountRate: 0.05 }),
      sale({ channel: "online", revenue: 98_765.4321, discountRate: 0.05 }),
      sale({ channel: "retail", revenue: 7.0001, discountRate: 0.05 }),
      sale({ channel: "direct", revenue: 31_415.9265, discountRate: 0.05 }),
    ]);
    const metrics = metricsOf(cube);
    for (const id of ["online", "retail", "direct"]) expect(segment(metrics, id).priceRealization).toBe(0.95);
  });

  it("keeps the discount of lines a fraction of a unit each, in merged cubes alike", () => {
    // 0.0001 at 30% off: 3/7 of a unit off list each, held in the fine part; 2,000 lines → 0.0857142857…
    const lines = Array.from({ length: 2_000 }, (_, i) =>
      sale({ month: LATEST - (i % 12), revenue: 0.0001, cogs: 0, discountRate: 0.3 }),
    );
    const whole = segment(metricsOf(salesCube(lines)), "online");
    const merged = Cube.merged([
      salesCube(lines.slice(0, 500)),
      salesCube(lines.slice(500, 1_100)),
      salesCube(lines.slice(1_100)),
    ]);
    // each line rounded to the nearest 1e-15: 2,000 lines are within 1e-12 of the fraction
    expect(whole.discount).toBeCloseTo(0.6 / 7, 12);
    expect(segment(metricsOf(merged), "online").discount).toBe(whole.discount);
  });

  it("has no price realization when returns exceed sales", () => {
    const returns = salesCube([sale({ revenue: 100 }), sale({ revenue: -150, cogs: -90 })]);
    const online = segment(metricsOf(returns), "online");
    expect(online.revenue).toBe(-50);
    expect(online.margin).toBe(0);
    expect(online.priceRealization).toBeNull();
  });

  it("has no breadth when the data lacks the breadth dimension", () => {
    const cube = Cube.empty({ breadthDimension: "brand" });
    const scheme = cube.scheme(["channel"]);
    const channel = cube.dimension("channel");
    const facts = cube.newLineFacts();
    facts.month = LATEST;
    facts.values[0] = cube.dictionary(0).intern("C1");
    facts.values[channel] = cube.dictionary(channel).intern("online");
    facts.revenue = 10_000;
    facts.profit = 10_000;
    cube.add(facts);
    const [only] = schemeMetrics(cube, scheme, LATEST).segments;
    expect(only?.breadth).toBeNull();
    expect(only?.revenue).toBe(1);
  });
});
