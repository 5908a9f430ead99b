import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ForceOfChange, type ForceOfChangeInput, forceOfChangeSchema } from "#domain/forces.ts";
import {
  type Projection,
  type ProjectionSettings,
  projectUnderForce,
  type SegmentHistory,
} from "#domain/projection.ts";
import { projectBase } from "#test-support/holt-projection.ts";

function force(effects: Partial<ForceOfChangeInput>): ForceOfChange {
  return forceOfChangeSchema.parse({ id: "force", name: "A force of change", ...effects });
}

const settings: ProjectionSettings = {
  horizonYears: 3,
  damping: 0.9,
  alpha: 0.4,
  beta: 0.2,
  discountRate: 0.1,
};

/** |actual − expected| within `relative` of the larger of |expected| and 1. */
function expectNear(actual: number, expected: number, relative = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
}

const cents = (min: number, max: number) => fc.integer({ min, max }).map((units) => units / 100);
const historyOf = (intensity: fc.Arbitrary<number>): fc.Arbitrary<SegmentHistory> =>
  fc
    .record({
      months: fc.array(
        fc.record({
          revenue: fc.oneof(fc.constant(0), cents(-10_000, 50_000_000)),
          profit: cents(-20_000_000, 20_000_000),
        }),
        { maxLength: 36 },
      ),
      costToServeIntensity: intensity,
    })
    .map(({ months, costToServeIntensity }) => ({
      monthlyRevenue: months.map((month) => month.revenue),
      monthlyProfit: months.map((month) => month.profit),
      costToServeIntensity,
    }));
const history = historyOf(fc.double({ min: 0, max: 1.5, noNaN: true }));
const projectionSettings: fc.Arbitrary<ProjectionSettings> = fc.record({
  horizonYears: fc.integer({ min: 1, max: 5 }),
  damping: fc.double({ min: 0.8, max: 0.98, noNaN: true }),
  alpha: fc.double({ min: 0, max: 1, noNaN: true }),
  beta: fc.double({ min: 0, max: 1, noNaN: true }),
  discountRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
});
const exposure = fc.double({ min: 0, max: 1, noNaN: true });
const timing = { startYear: fc.integer({ min: 1, max: 5 }), rampYears: fc.integer({ min: 0, max: 5 }) };
const anyForce = fc
  .record({
    ...timing,
    volumeGrowth: fc.double({ min: -1, max: 1, noNaN: true }),
    priceRealization: fc.double({ min: -1, max: 1, noNaN: true }),
    costToServeIntensity: fc.double({ min: -1, max: 5, noNaN: true }),
  })
  .filter(
    (effects) =>
      effects.volumeGrowth !== 0 || effects.priceRealization !== 0 || effects.costToServeIntensity !== 0,
  )
  .map(force);

describe("projectUnderForce", () => {
  const steadyHistory: SegmentHistory = {
    monthlyRevenue: [1000, 1040, 1010, 1080, 1100, 1090, 1150, 1170],
    monthlyProfit: [120, 130, 110, 140, 150, 130, 160, 170],
    costToServeIntensity: 0.12,
  };

  it("changes volume, price and cost-to-serve year by year as the formula says, with the ramp and exposure", () => {
    const base = projectBase(steadyHistory, settings);
    const scenario = force({
      startYear: 1,
      rampYears: 2,
      volumeGrowth: -0.2,
      priceRealization: -0.05,
      costToServeIntensity: 0.3,
    });
    const projection = projectUnderForce(steadyHistory, base, scenario, 0.5, settings);

    // w = 0.5 × ramp: 0.25, 0.5, 0.5; volume compounds, price and cost-to-serve do not.
    const weights = [0.25, 0.5, 0.5];
    let volume = 1;
    const expectedProfits = base.years.map(({ revenue, profit }, index) => {
      const weight = weights[index] as number;
      volume *= 1 - 0.2 * weight;
      const price = 1 - 0.05 * weight;
      const costToServe = 1 + 0.3 * weight;
      const cost = revenue - profit;
      const costToServePart = 0.12 * revenue;
      expectNear(projection.years[index]?.revenue as number, revenue * volume * price);
      return (
        revenue * volume * price - (cost - costToServePart) * volume - costToServePart * volume * costToServe
      );
    });
    projection.years.forEach((year, index) => {
      expectNear(year.profit, expectedProfits[index] as number, 1e-10);
    });
    const npv = expectedProfits.reduce((sum, profit, index) => sum + profit / 1.1 ** (index + 1), 0);
    expectNear(projection.npv, npv, 1e-10);
    expectNear(projection.npvChange, (npv - base.npv) / Math.abs(base.npv), 1e-9);
    expect(projection).toMatchObject({
      forceId: "force",
      name: "A force of change",
      exposure: 0.5,
      threatened: true,
    });
  });

  it("leaves no revenue and no profit when a force takes all the volume", () => {
    const base = projectBase(steadyHistory, settings);
    const projection = projectUnderForce(steadyHistory, base, force({ volumeGrowth: -1 }), 1, settings);
    projection.years.forEach((year, index) => {
      expect(year.revenue).toBe(0);
      // The profit is the base profit less all of its parts, so it is 0 up to rounding of the base revenue.
      expect(Math.abs(year.profit)).toBeLessThan(1e-12 * (base.years[index]?.revenue as number));
    });
  });

  it("changes nothing when the force starts after the horizon", () => {
    fc.assert(
      fc.property(history, projectionSettings, anyForce, exposure, (segment, own, scenario, share) => {
        fc.pre(own.horizonYears < 5);
        const base = projectBase(segment, own);
        const late = { ...scenario, startYear: own.horizonYears + 1 };
        const projection = projectUnderForce(segment, base, late, share, own);
        expect(projection.years).toEqual(base.years);
        expect(projection.npv).toBe(base.npv);
        expect(projection).toMatchObject({ npvChange: 0, threatened: false, helped: false });
      }),
    );
  });

  it("changes nothing for a segment the force does not reach (exposure 0)", () => {
    fc.assert(
      fc.property(history, projectionSettings, anyForce, (segment, own, scenario) => {
        const base = projectBase(segment, own);
        const projection = projectUnderForce(segment, base, scenario, 0, own);
        expect(projection.years).toEqual(base.years);
        expect(projection.npv).toBe(base.npv);
        expect(projection).toMatchObject({ npvChange: 0, threatened: false, helped: false });
      }),
    );
  });

  it("never raises NPV with a force that only lowers price realization, for any history and exposure", () => {
    const priceCut = fc
      .record({ ...timing, priceRealization: fc.double({ min: -1, max: -1e-9, noNaN: true }) })
      .map(force);
    fc.assert(
      fc.property(history, projectionSettings, priceCut, exposure, (segment, own, scenario, share) => {
        const base = projectBase(segment, own);
        const projection = projectUnderForce(segment, base, scenario, share, own);
        expect(projection.npv).toBeLessThanOrEqual(base.npv);
        projection.years.forEach((year, index) => {
          expect(year.profit).toBeLessThanOrEqual(base.years[index]?.profit as number);
        });
        expect(projection.helped).toBe(false);
      }),
    );
  });

  it("never raises NPV with a force that only raises cost-to-serve intensity, when the intensity is ≥ 0", () => {
    const costRise = fc
      .record({ ...timing, costToServeIntensity: fc.double({ min: 1e-9, max: 5, noNaN: true }) })
      .map(force);
    fc.assert(
      fc.property(history, projectionSettings, costRise, exposure, (segment, own, scenario, share) => {
        const base = projectBase(segment, own);
        const projection = projectUnderForce(segment, base, scenario, share, own);
        expect(projection.npv).toBeLessThanOrEqual(base.npv);
        expect(projection.years.map((year) => year.revenue)).toEqual(base.years.map((year) => year.revenue));
        expect(projection.helped).toBe(false);
      }),
    );
  });

  it("scales revenue, profit and NPV exactly with the history's amounts by a power of two, flags unchanged", () => {
    // Rates on a 1/1000 grid: with rates near 5e-324 intermediate values fall into subnormals, where
    // multiplying by 2^k loses bits and the law holds only approximately.
    const grid = (min: number, max: number) =>
      fc.integer({ min: min * 1000, max: max * 1000 }).map((k) => k / 1000);
    const anyIntensityHistory = historyOf(grid(-0.5, 1.5));
    const gridSettings: fc.Arbitrary<ProjectionSettings> = fc.record({
      horizonYears: fc.integer({ min: 1, max: 5 }),
      damping: grid(0.8, 0.98),
      alpha: grid(0, 1),
      beta: grid(0, 1),
      discountRate: grid(0, 0.3),
    });
    const gridForce = fc
      .record({
        ...timing,
        volumeGrowth: grid(-1, 1),
        priceRealization: grid(-1, 1),
        costToServeIntensity: grid(-1, 5),
      })
      .filter(
        (effects) =>
          effects.volumeGrowth !== 0 || effects.priceRealization !== 0 || effects.costToServeIntensity !== 0,
      )
      .map(force);
    const amounts = (projection: Projection) => [
      ...projection.years.flatMap(({ revenue, profit }) => [revenue + 0, profit + 0]),
      projection.npv + 0,
    ];
    fc.assert(
      fc.property(
        anyIntensityHistory,
        gridSettings,
        gridForce,
        grid(0, 1),
        fc.integer({ min: -8, max: 8 }),
        (segment, own, scenario, share, power) => {
          const scale = 2 ** power;
          const scaled: SegmentHistory = {
            monthlyRevenue: segment.monthlyRevenue.map((value) => value * scale),
            monthlyProfit: segment.monthlyProfit.map((value) => value * scale),
            costToServeIntensity: segment.costToServeIntensity,
          };
          const base = projectBase(segment, own);
          const scaledBase = projectBase(scaled, own);
          expect(amounts(scaledBase)).toEqual(amounts(base).map((value) => value * scale + 0));

          const projection = projectUnderForce(segment, base, scenario, share, own);
          const scaledProjection = projectUnderForce(scaled, scaledBase, scenario, share, own);
          expect(amounts(scaledProjection)).toEqual(amounts(projection).map((value) => value * scale + 0));
          expect(scaledProjection.npvChange).toBe(projection.npvChange);
          expect([scaledProjection.threatened, scaledProjection.helped]).toEqual([
            projection.threatened,
            projection.helped,
          ]);
        },
      ),
    );
  });

  describe("threatened and helped at the 10% threshold", () => {
    // One year, no discounting: base NPV = the year's profit; a price change p moves profit by 1000·p.
    const noDiscount = { ...settings, horizonYears: 1, discountRate: 0 };
    const history: SegmentHistory = { monthlyRevenue: [], monthlyProfit: [], costToServeIntensity: 0 };
    const baseOf = (profit: number): Projection => ({
      years: [{ year: 1, revenue: 1000, profit }],
      npv: profit,
    });
    const withPrice = (base: Projection, priceRealization: number, threshold?: number) =>
      projectUnderForce(history, base, force({ priceRealization }), 1, noDiscount, threshold);

    it("is threatened when NPV falls by more than 10% of the base, not when it falls by less", () => {
      const base = baseOf(100);
      expect(withPrice(base, -0.011)).toMatchObject({ threatened: true, helped: false });
      expect(withPrice(base, -0.009)).toMatchObject({ threatened: false, helped: false });
      expectNear(withPrice(base, -0.011).npvChange, -0.11, 1e-9);
    });

    it("is helped when NPV rises by more than 10% of the base, not when it rises by less", () => {
      const base = baseOf(100);
      expect(withPrice(base, 0.011)).toMatchObject({ threatened: false, helped: true });
      expect(withPrice(base, 0.009)).toMatchObject({ threatened: false, helped: false });
      expectNear(withPrice(base, 0.011).npvChange, 0.11, 1e-9);
    });

    it("measures the band on the size of a negative base NPV", () => {
      const base = baseOf(-100);
      expect(withPrice(base, -0.011)).toMatchObject({ threatened: true, helped: false });
      expect(withPrice(base, -0.009)).toMatchObject({ threatened: false, helped: false });
      expect(withPrice(base, 0.011)).toMatchObject({ threatened: false, helped: true });
      expect(withPrice(base, 0.009)).toMatchObject({ threatened: false, helped: false });
    });

    it("flags neither at exactly the threshold, which is exclusive", () => {
      // −0.25 · 256 = −64, exactly 25% of a base NPV of 256.
      const base: Projection = { years: [{ year: 1, revenue: 256, profit: 256 }], npv: 256 };
      expect(withPrice(base, -0.25, 0.25)).toMatchObject({
        npvChange: -0.25,
        threatened: false,
        helped: false,
      });
      expect(withPrice(base, 0.25, 0.25)).toMatchObject({
        npvChange: 0.25,
        threatened: false,
        helped: false,
      });
      expect(withPrice(base, -0.25, 0.2)).toMatchObject({ threatened: true });
    });

    it("reports an NPV change of 0 against a base NPV of 0, and a threat for any loss", () => {
      const projection = withPrice(baseOf(0), -0.001);
      expect(projection).toMatchObject({ npvChange: 0, threatened: true, helped: false });
      expect(projection.npv).toBeLessThan(0);
    });
  });

  it("refuses an exposure that is not a share from 0 to 1", () => {
    const base = projectBase(steadyHistory, settings);
    for (const share of [-0.1, 1.5, Number.NaN]) {
      expect(() =>
        projectUnderForce(steadyHistory, base, force({ volumeGrowth: 0.1 }), share, settings),
      ).toThrow(/exposure .* share from 0 to 1/);
    }
  });
});
