import { AMOUNT_SCALE } from "#domain/amount.ts";

/**
 * A line's discount off list price, held exactly. List revenue is net ÷ (1 − rate), so the discount
 * net × rate ÷ (1 − rate) is a fraction whose denominator no fixed number of decimals holds (a
 * rate of 30% gives 3/7 of net). It is kept as two whole numbers: `discount`, whole amount units
 * rounded down, and `discountFine`, the rest in 1/DISCOUNT_FINE_PER_UNIT of an amount unit (1e-15 of
 * a currency unit), from 0 up to but excluding DISCOUNT_FINE_PER_UNIT. The one rounding is to the
 * nearest 1e-15 per line, below float64's own resolution of any discount from 0.1 up; sums of the
 * pairs, carried like digits, are exact and order-free, so cubes merge to the same bits in any
 * order. 10^11 is as fine as the split below can go and stay within the safe integers.
 */
export const DISCOUNT_FINE_PER_UNIT = 100_000_000_000;

/** Where a line's discount is written: the ingest line buffer, without allocating per line. */
export interface DiscountParts {
  discount: number;
  discountFine: number;
}

/** The rate 1 as a whole number of rate units: rates are read, like amounts, in 1/10,000. */
export const RATE_UNITS_PER_ONE = AMOUNT_SCALE;

/**
 * net × rate ÷ (1 − rate) into `parts`, for `net` in amount units and `rateUnits` from 0 to
 * RATE_UNITS_PER_ONE − 1 (a rate of 1 leaves no list price to speak of: the caller decides). Both are
 * whole numbers; every step below is exact integer arithmetic in float64.
 */
export function discountFromRate(net: number, rateUnits: number, parts: DiscountParts): void {
  const keep = RATE_UNITS_PER_ONE - rateUnits;
  // net = netQuotient × keep + netRest, so net × rate ÷ keep = netQuotient × rate + netRest × rate ÷ keep,
  // and netRest × rate < 10^8 splits again without leaving the safe integers (2 × 10^4 × 10^11 < 2^53).
  const netQuotient = floorDivision(net, keep);
  const netRest = net - netQuotient * keep;
  const share = netRest * rateUnits;
  const shareQuotient = floorDivision(share, keep);
  const shareRest = share - shareQuotient * keep;
  // shareRest ÷ keep in fine units, rounded half up: ⌊(2 × rest × F + keep) ÷ (2 × keep)⌋.
  let fine = floorDivision(2 * shareRest * DISCOUNT_FINE_PER_UNIT + keep, 2 * keep);
  let whole = netQuotient * rateUnits + shareQuotient;
  if (fine === DISCOUNT_FINE_PER_UNIT) {
    whole += 1;
    fine = 0;
  }
  parts.discount = whole;
  parts.discountFine = fine;
}

/** A discount given as an amount, in whole amount units: nothing finer to keep. */
export function discountFromAmount(amountUnits: number, parts: DiscountParts): void {
  parts.discount = amountUnits;
  parts.discountFine = 0;
}

/**
 * Adds the pair (whole, fine) into `figures` at `at` (whole) and `at + 1` (fine), carrying the fine
 * part over into the whole one. Both fine parts are below DISCOUNT_FINE_PER_UNIT, so one carry is all
 * it can take.
 */
export function addDiscount(figures: Float64Array, at: number, whole: number, fine: number): void {
  let sumFine = (figures[at + 1] as number) + fine;
  let sumWhole = (figures[at] as number) + whole;
  if (sumFine >= DISCOUNT_FINE_PER_UNIT) {
    sumFine -= DISCOUNT_FINE_PER_UNIT;
    sumWhole += 1;
  }
  figures[at] = sumWhole;
  figures[at + 1] = sumFine;
}

/** The discount in currency units; `fine` may be a sum of several fine parts, carried or not. */
export function discountAmount(whole: number, fine: number): number {
  return (whole + fine / DISCOUNT_FINE_PER_UNIT) / AMOUNT_SCALE;
}

/** ⌊a ÷ b⌋ for whole numbers a and b > 0 whose product with the quotient stays a safe integer. */
function floorDivision(a: number, b: number): number {
  let quotient = Math.floor(a / b);
  const rest = a - quotient * b;
  // The float quotient is within one of the true one: put the remainder back into [0, b).
  if (rest < 0) quotient -= 1;
  else if (rest >= b) quotient += 1;
  return quotient;
}
