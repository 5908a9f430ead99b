import { SEASON_MONTHS } from "#domain/forecast-accuracy.ts";

/**
 * A scheme's seasonal profile: how much each month of the year sells against the year's run rate, as
 * multiplicative factors with mean 1. A customer with a few orders a year cannot show its own season,
 * but the scheme's total can, and the customers of a distributor share its December. Sparse segments
 * borrow this profile; their level comes from their own months.
 *
 * The factors are indexed by phase: months after the last month of the series, modulo 12, so that a
 * segment ending in the same month as the total reads factor (h mod 12) for its h-th month ahead and
 * factor ((t − last) mod 12) for its month t.
 */
export type SeasonalProfile = Float64Array;

/** The fewest months a profile is estimated from: a year and a half, every month of the year seen, half of them twice. */
const PROFILE_MINIMUM_MONTHS = 18;

/** No month is taken to sell less than a twentieth, or more than twenty times, the run rate. */
const FACTOR_FLOOR = 0.05;
const FACTOR_CEILING = 20;

/**
 * The profile of a monthly series, oldest first: each month's ratio to a straight line fitted to the
 * series by least squares with one intercept per month of the year (so a growing year is not read as a
 * late peak, nor a late peak as growth) through the series' mean, averaged per month of the
 * year and scaled to mean 1. Undefined for fewer than PROFILE_MINIMUM_MONTHS months, or where the line
 * is not positive (a total shrinking to zero has no run rate to compare with).
 */
export function seasonalProfile(
  series: ArrayLike<number>,
  minimumMonths = PROFILE_MINIMUM_MONTHS,
): SeasonalProfile | undefined {
  const n = series.length;
  if (n < Math.max(SEASON_MONTHS, minimumMonths)) return undefined;
  // The slope is fitted within each month of the year (one intercept per phase): a line through the
  // raw months tilts towards a late peak, and would read a flat year with a December peak as growth.
  const phaseSumT = new Float64Array(SEASON_MONTHS);
  const phaseSumY = new Float64Array(SEASON_MONTHS);
  const phaseCount = new Float64Array(SEASON_MONTHS);
  let sumT = 0;
  let sumY = 0;
  for (let t = 0; t < n; t++) {
    const y = series[t] as number;
    const phase = phaseOf(t, n);
    phaseSumT[phase] = (phaseSumT[phase] as number) + t;
    phaseSumY[phase] = (phaseSumY[phase] as number) + y;
    phaseCount[phase] = (phaseCount[phase] as number) + 1;
    sumT += t;
    sumY += y;
  }
  let sumTT = 0;
  let sumTY = 0;
  for (let t = 0; t < n; t++) {
    const phase = phaseOf(t, n);
    const count = phaseCount[phase] as number;
    const dt = t - (phaseSumT[phase] as number) / count;
    sumTT += dt * dt;
    sumTY += dt * ((series[t] as number) - (phaseSumY[phase] as number) / count);
  }
  // Under two years only the months seen twice carry the slope; with none seen twice there is none.
  const slope = sumTT > 0 ? sumTY / sumTT : 0;
  const intercept = (sumY - slope * sumT) / n;
  const ratioSum = new Float64Array(SEASON_MONTHS);
  const ratioCount = new Float64Array(SEASON_MONTHS);
  for (let t = 0; t < n; t++) {
    const line = intercept + slope * t;
    if (!(line > 0)) return undefined;
    const phase = phaseOf(t, n);
    ratioSum[phase] = (ratioSum[phase] as number) + (series[t] as number) / line;
    ratioCount[phase] = (ratioCount[phase] as number) + 1;
  }
  const profile = new Float64Array(SEASON_MONTHS);
  let mean = 0;
  for (let phase = 0; phase < SEASON_MONTHS; phase++) {
    profile[phase] = Math.max(FACTOR_FLOOR, (ratioSum[phase] as number) / (ratioCount[phase] as number));
    mean += (profile[phase] as number) / SEASON_MONTHS;
  }
  for (let phase = 0; phase < SEASON_MONTHS; phase++) {
    profile[phase] = Math.min(FACTOR_CEILING, Math.max(FACTOR_FLOOR, (profile[phase] as number) / mean));
  }
  return profile;
}

/** How far a segment's season may be read as stronger than its scheme's: up to 2.5 times. */
export const MAX_SEASON_STRENGTH = 2.5;

/**
 * How strongly a segment follows its scheme's season: the κ of least squares that makes
 * 1 + κ·(profile − 1) closest to the segment's own factors (estimated the same way, from a year of
 * months or more), within [0, MAX_SEASON_STRENGTH]. Equipment may swing three times as hard as
 * consumables in the same company; deseasonalising both with the company's average season would leave
 * half a season in each, and a level read at the end of a peak is a level too high. Undefined under a
 * year of months, or for a profile with no season to scale.
 */
export function seasonalStrength(series: ArrayLike<number>, profile: SeasonalProfile): number | undefined {
  const own = seasonalProfile(series, SEASON_MONTHS);
  if (!own) return undefined;
  let covariance = 0;
  let variance = 0;
  for (let phase = 0; phase < SEASON_MONTHS; phase++) {
    const shared = (profile[phase] as number) - 1;
    covariance += ((own[phase] as number) - 1) * shared;
    variance += shared * shared;
  }
  if (!(variance > 1e-6)) return undefined;
  return Math.min(MAX_SEASON_STRENGTH, Math.max(0, covariance / variance));
}

/** The profile with its swings scaled by κ around 1: 1 + κ·(factor − 1), floored like every factor. */
export function scaledProfile(profile: SeasonalProfile, strength: number): SeasonalProfile {
  return profile.map((factor) =>
    Math.min(FACTOR_CEILING, Math.max(FACTOR_FLOOR, 1 + strength * (factor - 1))),
  );
}

/** The phase of month t of a series of n months: months after its last month, modulo 12. */
export function phaseOf(t: number, n: number): number {
  return (((t - (n - 1)) % SEASON_MONTHS) + SEASON_MONTHS) % SEASON_MONTHS;
}

/** The month-by-month total of series that all end in the same month, as long as the longest. */
export function totalOf(series: ReadonlyArray<ArrayLike<number>>): Float64Array {
  let length = 0;
  for (const one of series) length = Math.max(length, one.length);
  const total = new Float64Array(length);
  for (const one of series) {
    const offset = length - one.length;
    for (let t = 0; t < one.length; t++)
      total[offset + t] = (total[offset + t] as number) + (one[t] as number);
  }
  return total;
}
