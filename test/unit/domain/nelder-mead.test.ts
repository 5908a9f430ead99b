import { describe, expect, it } from "vitest";
import { SimplexSearch } from "#domain/nelder-mead.ts";

const SETTINGS = {
  initialStep: 0.2,
  relativeTolerance: 1e-12,
  absoluteTolerance: 1e-15,
  maxEvaluations: 2000,
};

describe("SimplexSearch", () => {
  it("finds the minimum of a bowl inside the box", () => {
    const search = new SimplexSearch(3);
    const bowl = (point: Float64Array): number =>
      ((point[0] as number) - 0.3) ** 2 +
      2 * ((point[1] as number) - 0.6) ** 2 +
      ((point[2] as number) - 0.45) ** 2;
    const value = search.minimise(bowl, [0.9, 0.1, 0.9], 3, SETTINGS);
    expect(value).toBeLessThan(1e-10);
    expect(Array.from(search.best, (coordinate) => Number(coordinate.toFixed(4)))).toEqual([0.3, 0.6, 0.45]);
  });

  it("reaches a minimum that lies on the edge of the box, never outside it", () => {
    const search = new SimplexSearch(2);
    let outside = 0;
    const slope = (point: Float64Array): number => {
      const [x = 0, y = 0] = point;
      if (x < 0 || x > 1 || y < 0 || y > 1) outside++;
      return x + (y - 0.5) ** 2;
    };
    search.minimise(slope, [0.7, 0.2], 2, SETTINGS);
    expect(outside).toBe(0);
    expect(search.best[0]).toBe(0);
    expect(search.best[1]).toBeCloseTo(0.5, 4);
  });

  it("stops at the evaluation cap", () => {
    const search = new SimplexSearch(2);
    search.minimise((point) => Math.sin(40 * (point[0] as number)) + (point[1] as number), [0.5, 0.5], 2, {
      ...SETTINGS,
      maxEvaluations: 25,
    });
    expect(search.evaluations).toBeLessThanOrEqual(25 + 3);
  });

  it("treats points the objective rejects as worse than any, and ends next to them", () => {
    const search = new SimplexSearch(1);
    const rejectsBelowHalf = (point: Float64Array): number =>
      (point[0] as number) < 0.5 ? Number.POSITIVE_INFINITY : ((point[0] as number) - 0.4) ** 2;
    const value = search.minimise(rejectsBelowHalf, [0.9], 1, SETTINGS);
    expect(search.best[0]).toBeGreaterThanOrEqual(0.5);
    expect(search.best[0]).toBeCloseTo(0.5, 3);
    expect(value).toBeCloseTo(0.01, 4);
  });
});
