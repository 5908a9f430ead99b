import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { percentileRanks } from "#domain/percentile.ts";

const ranksOf = (values: number[]) => [...percentileRanks(values)];

describe("percentile ranks by hand", () => {
  it("ranks the lowest 0, the highest 100 and the others evenly between", () => {
    // five values: rank = 100 × position ÷ (5 − 1), positions in ascending order
    expect(ranksOf([30, 10, 50, 20, 40])).toEqual([50, 0, 100, 25, 75]);
  });

  it("gives equal values the average of the ranks they span", () => {
    // ascending: 1 (position 0), 2 2 2 (positions 1, 2, 3 → mean 2), 9 (position 4); n − 1 = 4
    // 1 → 0; each 2 → 100 × 2 ÷ 4 = 50; 9 → 100
    expect(ranksOf([2, 9, 2, 1, 2])).toEqual([50, 100, 50, 0, 50]);
    // six values, n − 1 = 5: 0 0 at positions 0, 1 → 0.5 → 10; 3 at 2 → 40; 7 7 7 at 3, 4, 5 → 4 → 80
    expect(ranksOf([7, 0, 3, 7, 0, 7])).toEqual([80, 10, 40, 80, 10, 80]);
  });

  it("ranks every value 50 when all are equal, and a lone value 50", () => {
    expect(ranksOf([4, 4, 4])).toEqual([50, 50, 50]);
    expect(ranksOf([123])).toEqual([50]);
    expect(ranksOf([])).toEqual([]);
  });

  it("ranks a NaN (no evidence) 50 and leaves the others as if it were absent", () => {
    // without the NaN: 5 → 0, 8 → 100
    expect(ranksOf([5, Number.NaN, 8])).toEqual([0, 50, 100]);
    expect(ranksOf([Number.NaN, Number.NaN])).toEqual([50, 50]);
  });

  it("ranks ±Infinity as the extremes, and two infinities of one sign as a tie", () => {
    // ascending: −∞ (0), 1 (1), +∞ +∞ (2, 3 → 2.5); n − 1 = 3 → 0, 33.3…, 83.3…
    const ranks = ranksOf([Number.POSITIVE_INFINITY, 1, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
    expect(ranks[0]).toBeCloseTo(250 / 3, 12);
    expect(ranks[1]).toBeCloseTo(100 / 3, 12);
    expect(ranks[2]).toBe(0);
    expect(ranks[3]).toBe(ranks[0]);
  });
});

const value = fc.oneof(
  fc.double({ noNaN: true }),
  fc.integer({ min: -3, max: 3 }), // small integers make ties likely
);

describe("percentile rank laws", () => {
  it("stays within [0, 100]", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(value, fc.constant(Number.NaN))), (values) => {
        for (const rank of percentileRanks(values)) {
          expect(rank).toBeGreaterThanOrEqual(0);
          expect(rank).toBeLessThanOrEqual(100);
        }
      }),
    );
  });

  it("is monotone: a larger value ranks strictly higher, an equal value equally", () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 2, maxLength: 30 }), (values) => {
        const ranks = percentileRanks(values);
        values.forEach((a, i) => {
          values.forEach((b, j) => {
            const ra = ranks[i] as number;
            const rb = ranks[j] as number;
            if (a < b) expect(ra).toBeLessThan(rb);
            else if (a === b) expect(ra).toBe(rb);
          });
        });
      }),
    );
  });

  it("permutes the ranks when the inputs are permuted", () => {
    const valuesAndPermutation = fc
      .array(fc.oneof(value, fc.constant(Number.NaN)), { maxLength: 30 })
      .chain((values) =>
        fc.tuple(
          fc.constant(values),
          fc.shuffledSubarray(
            values.map((_, i) => i),
            { minLength: values.length, maxLength: values.length },
          ),
        ),
      );
    fc.assert(
      fc.property(valuesAndPermutation, ([values, permutation]) => {
        const ranks = percentileRanks(values);
        const permutedRanks = percentileRanks(permutation.map((i) => values[i] as number));
        expect([...permutedRanks]).toEqual(permutation.map((i) => ranks[i]));
      }),
    );
  });

  it("spreads distinct values evenly: sorted ranks are 0, 100 ÷ (n − 1), …, 100", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer(), { minLength: 2, maxLength: 40 }), (values) => {
        const sorted = [...percentileRanks(values)].sort((a, b) => a - b);
        sorted.forEach((rank, k) => {
          expect(rank).toBeCloseTo((100 * k) / (values.length - 1), 9);
        });
      }),
    );
  });
});
