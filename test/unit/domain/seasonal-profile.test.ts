import { describe, expect, it } from "vitest";
import {
  MAX_SEASON_STRENGTH,
  phaseOf,
  scaledProfile,
  seasonalProfile,
  seasonalStrength,
  totalOf,
} from "#domain/seasonal-profile.ts";

/** A year that climbs to a December peak three times its quietest month; January first. */
const PATTERN = [0.6, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0, 1.1, 1.2, 1.3, 1.4, 1.8];
const PATTERN_MEAN = 12.8 / 12;

/** The factor expected at phase h of a series of n months whose month t is PATTERN[t mod 12]. */
function expectedFactor(h: number, n: number): number {
  // Phase h is h months after the last month, t = n − 1: month n − 1 + h of the pattern.
  return (PATTERN[(n - 1 + h) % 12] as number) / PATTERN_MEAN;
}

function seasonalSeries(months: number, level: (t: number) => number): number[] {
  return Array.from({ length: months }, (_, t) => level(t) * (PATTERN[t % 12] as number));
}

describe("phaseOf", () => {
  it("counts months after the last month of the series, modulo 12", () => {
    expect(phaseOf(23, 24)).toBe(0);
    expect(phaseOf(22, 24)).toBe(11);
    expect(phaseOf(12, 24)).toBe(1);
    expect(phaseOf(0, 24)).toBe(1);
    expect(phaseOf(11, 24)).toBe(0);
  });
});

describe("seasonalProfile", () => {
  it.each([18, 24, 30, 36])(
    "reproduces a seasonal pattern around a constant level exactly, as the pattern over its mean (%i months)",
    (months) => {
      const profile = seasonalProfile(seasonalSeries(months, () => 250));
      expect(profile).toBeDefined();
      for (let h = 0; h < 12; h++) expect(profile?.[h]).toBeCloseTo(expectedFactor(h, months), 12);
    },
  );

  it("puts the last month at phase 0 and the month after it at phase 1", () => {
    // 24 months from a January: the last is a December (the peak), the next a January (the trough).
    const profile = seasonalProfile(seasonalSeries(24, () => 100));
    expect(profile?.[0]).toBeCloseTo(1.8 / PATTERN_MEAN, 12);
    expect(profile?.[1]).toBeCloseTo(0.6 / PATTERN_MEAN, 12);
  });

  it("reads the same pattern, not a tilt, from a series growing linearly with that season", () => {
    // Level 100 growing by 2 a month (70% over the three years), the pattern scaled to mean 1.
    const months = 36;
    const profile = seasonalProfile(seasonalSeries(months, (t) => (100 + 2 * t) / PATTERN_MEAN));
    // Tolerance 0.01: the slope, fitted within each month of the year, is exactly 2, but the line goes
    // through the series' mean, which the season's covariance with time sets off the trend by about
    // 1% of the level; that offset weighs slightly differently on the lower and higher years, so the
    // factors are off by a few thousandths. A tilt (the line read off the raw months, which a December
    // peak drags upwards) is off by 0.07 here.
    expect(profile).toBeDefined();
    for (let h = 0; h < 12; h++) {
      expect(Math.abs((profile?.[h] as number) - expectedFactor(h, months))).toBeLessThan(0.01);
    }
  });

  it("has mean 1", () => {
    const profile = seasonalProfile(seasonalSeries(30, (t) => 80 + t)) as Float64Array;
    expect(profile.reduce((total, factor) => total + factor, 0) / 12).toBeCloseTo(1, 12);
  });

  it("is undefined under 18 months, however regular", () => {
    expect(seasonalProfile(seasonalSeries(17, () => 100))).toBeUndefined();
    expect(seasonalProfile([])).toBeUndefined();
  });

  it("is undefined for a series shrinking to zero, whose line is not positive throughout", () => {
    // 100, 95, …, 0, then nothing: the least-squares line ends below zero.
    const shrinking = Array.from({ length: 24 }, (_, t) => Math.max(0, 100 - 5 * t));
    expect(seasonalProfile(shrinking)).toBeUndefined();
    expect(seasonalProfile(new Array(24).fill(0))).toBeUndefined();
  });
});

describe("totalOf", () => {
  it("adds series month by month, aligning them at their last month", () => {
    const total = totalOf([
      [1, 2, 3, 4, 5],
      [10, 20],
      [100, 200, 300],
    ]);
    expect(Array.from(total)).toEqual([1, 2, 103, 214, 325]);
  });

  it("is empty for no series", () => {
    expect(totalOf([]).length).toBe(0);
  });
});

describe("seasonalStrength", () => {
  const shared = Float64Array.from(
    { length: 12 },
    (_, phase) => 1 + 0.3 * Math.cos((2 * Math.PI * phase) / 12),
  );

  it("reads a segment swinging twice as hard as its scheme as κ = 2, and scaledProfile rebuilds its season", () => {
    // 24 months ending at phase 0 of a season twice the scheme's swing, around a flat level of 100.
    const months = Array.from(
      { length: 24 },
      (_, t) => 100 * (1 + 2 * ((shared[phaseOf(t, 24)] as number) - 1)),
    );
    const strength = seasonalStrength(months, shared);
    expect(strength).toBeCloseTo(2, 9);
    const rebuilt = scaledProfile(shared, strength as number);
    months.slice(-12).forEach((month, t) => {
      expect(month / 100).toBeCloseTo(rebuilt[phaseOf(t + 12, 24)] as number, 9);
    });
  });

  it("is 0 for a segment without a season, capped at 2.5, and undefined under a year or for a flat scheme", () => {
    expect(seasonalStrength(new Array(24).fill(50), shared)).toBeCloseTo(0, 9);
    const wild = Array.from(
      { length: 24 },
      (_, t) => 100 * (1 + 3 * ((shared[phaseOf(t, 24)] as number) - 1)),
    );
    expect(seasonalStrength(wild, shared)).toBe(MAX_SEASON_STRENGTH);
    expect(seasonalStrength(new Array(11).fill(50), shared)).toBeUndefined();
    expect(seasonalStrength(new Array(24).fill(50), new Float64Array(12).fill(1))).toBeUndefined();
  });
});
