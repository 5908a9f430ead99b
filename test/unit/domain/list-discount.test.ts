import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDiscount,
  DISCOUNT_FINE_PER_UNIT,
  type DiscountParts,
  discountAmount,
  discountFromRate,
} from "#domain/list-discount.ts";

const FINE = BigInt(DISCOUNT_FINE_PER_UNIT);

/** net × rate ÷ (1 − rate) in 1e-11 amount units, rounded half up, worked out in exact big integers. */
function exactFineUnits(net: number, rateUnits: number): bigint {
  const numerator = 2n * BigInt(net) * BigInt(rateUnits) * FINE + BigInt(10_000 - rateUnits);
  const denominator = 2n * BigInt(10_000 - rateUnits);
  const quotient = numerator / denominator;
  // BigInt division truncates towards zero; the rounding wants the floor.
  return numerator % denominator < 0n ? quotient - 1n : quotient;
}

const asFineUnits = ({ discount, discountFine }: DiscountParts) =>
  BigInt(discount) * FINE + BigInt(discountFine);

function fromRate(net: number, rateUnits: number): DiscountParts {
  const parts = { discount: 0, discountFine: 0 };
  discountFromRate(net, rateUnits, parts);
  return parts;
}

const net = fc.integer({ min: -1e15 + 1, max: 1e15 - 1 });
const rate = fc.integer({ min: 0, max: 9_999 });

describe("a line's discount off list price", () => {
  it("is net × rate ÷ (1 − rate), worked by hand", () => {
    // 100.0000 at 10% off: list 111.1111…, 11.1111… off it
    expect(fromRate(1_000_000, 1_000)).toEqual({ discount: 111_111, discountFine: 11_111_111_111 });
    // 70.0000 at 30% off: list 100, exactly 30 off
    expect(fromRate(700_000, 3_000)).toEqual({ discount: 300_000, discountFine: 0 });
    // 0.0001 at 14.29%: 1429 ÷ 8571 = 0.166725002917… units
    expect(fromRate(1, 1_429)).toEqual({ discount: 0, discountFine: 16_672_500_292 });
    // a credit note: −4.4444… is −44,445 whole units plus 0.5555… of one
    expect(fromRate(-400_000, 1_000)).toEqual({ discount: -44_445, discountFine: 55_555_555_556 });
    expect(fromRate(123_456, 0)).toEqual({ discount: 0, discountFine: 0 });
  });

  it("matches exact big-integer arithmetic to the last fine unit, for any net and rate", () => {
    fc.assert(
      fc.property(net, rate, (amount, rateUnits) => {
        const exact = exactFineUnits(amount, rateUnits);
        // Ingest refuses a line whose discount is 10^15 units or more, as it refuses such amounts.
        fc.pre(exact < 10n ** 15n * FINE && exact > -(10n ** 15n) * FINE);
        const parts = fromRate(amount, rateUnits);
        expect(parts.discountFine).toBeGreaterThanOrEqual(0);
        expect(parts.discountFine).toBeLessThan(DISCOUNT_FINE_PER_UNIT);
        expect(asFineUnits(parts)).toBe(exact);
      }),
      { numRuns: 2_000 },
    );
  });

  it("sums exactly, in any order, whatever the number of lines", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -1e9, max: 1e10 }), rate), { minLength: 1, maxLength: 300 }),
        (lines) => {
          const forward = new Float64Array(2);
          const backward = new Float64Array(2);
          let exact = 0n;
          for (const [amount, rateUnits] of lines) {
            const parts = fromRate(amount, rateUnits);
            addDiscount(forward, 0, parts.discount, parts.discountFine);
            exact += asFineUnits(parts);
          }
          for (const [amount, rateUnits] of [...lines].reverse()) {
            const parts = fromRate(amount, rateUnits);
            addDiscount(backward, 0, parts.discount, parts.discountFine);
          }
          expect(backward).toEqual(forward);
          expect(BigInt(forward[0] as number) * FINE + BigInt(forward[1] as number)).toBe(exact);
          expect(forward[1]).toBeLessThan(DISCOUNT_FINE_PER_UNIT);
        },
      ),
    );
  });

  it("carries a full fine unit into the whole part", () => {
    const figures = Float64Array.of(5, 90_000_000_000);
    addDiscount(figures, 0, 1, 30_000_000_000);
    expect([...figures]).toEqual([7, 20_000_000_000]);
  });

  it("keeps a discount smaller than the smallest amount unit, a million times over", () => {
    const figures = new Float64Array(2);
    for (let line = 0; line < 1_000_000; line++) {
      const parts = fromRate(1, 1_000);
      addDiscount(figures, 0, parts.discount, parts.discountFine);
    }
    // each line: 0.0001 × 0.1 ÷ 0.9 = 0.1111… units → 11,111,111,111 fine units; a million of them.
    // Rounded to four decimals a line, each would have been 0.
    expect([...figures]).toEqual([111_111, 11_111_000_000]);
    expect(discountAmount(figures[0] as number, figures[1] as number)).toBeCloseTo(100 / 9, 9);
  });

  it("reads as currency units, fine part included", () => {
    expect(discountAmount(111_111, 11_111_111_111)).toBeCloseTo(100 / 9, 14);
    expect(discountAmount(-44_445, 55_555_555_556)).toBeCloseTo(-40 / 9, 14);
  });
});
