/**
 * Money and quantities are held as whole numbers of 1/10,000 of a unit. Sums of whole numbers below
 * 2^53 are exact in a float64, so merging partial aggregates in any order or grouping gives the same
 * bits: the merge laws hold exactly, not approximately.
 */
export const AMOUNT_SCALE = 10_000;

/** Converts a decimal amount to amount units, rounding half away from zero at the fourth decimal. */
export function toAmountUnits(value: number): number {
  const scaled = value * AMOUNT_SCALE;
  return scaled < 0 ? -Math.round(-scaled) : Math.round(scaled);
}

export function fromAmountUnits(units: number): number {
  return units / AMOUNT_SCALE;
}
