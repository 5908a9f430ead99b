/**
 * Money and quantities are held as whole numbers of 1/10,000 of a unit. Sums of whole numbers below
 * 2^53 are exact in a float64, so merging partial aggregates in any order or grouping gives the same
 * bits: the merge laws hold exactly, not approximately.
 */
export const AMOUNT_SCALE = 10_000;

/** Converts a decimal amount to amount units, rounding half away from zero at the fourth decimal. */
export function toAmountUnits(value: number): number {
  return roundHalfAwayFromZero(value * AMOUNT_SCALE);
}

/** Rounds to a whole number, halves away from zero (−2.5 → −3), as ledgers round. */
export function roundHalfAwayFromZero(value: number): number {
  return value < 0 ? -Math.round(-value) : Math.round(value);
}

export function fromAmountUnits(units: number): number {
  return units / AMOUNT_SCALE;
}
