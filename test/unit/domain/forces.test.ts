import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { forceRamp, parseForces } from "#domain/forces.ts";

const digitalGiant = {
  id: "digital-giant",
  name: "A digital giant enters arm's-length ordering",
  match: { channel: ["web", "phone"], customerType: "small-business" },
  startYear: 2,
  rampYears: 2,
  volumeGrowth: -0.15,
  priceRealization: -0.05,
};
const innovation = { id: "product-innovation", name: "A product innovation", volumeGrowth: 0.1 };

/** The message parseForces throws for a document, or a failure if it does not throw. */
function problemsOf(document: unknown): string {
  try {
    parseForces(document);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the document to be refused");
}

describe("parseForces", () => {
  it("reads one force, an array of forces and { forces: [...] } alike", () => {
    const expected = parseForces([digitalGiant, innovation]);
    expect(parseForces({ forces: [digitalGiant, innovation] })).toEqual(expected);
    expect(parseForces(innovation)).toEqual([expected[1]]);
    expect(expected.map((force) => force.id)).toEqual(["digital-giant", "product-innovation"]);
  });

  it("fills the defaults: active, every segment, from year 1 at once, other effects 0", () => {
    expect(parseForces(innovation)).toEqual([
      {
        id: "product-innovation",
        name: "A product innovation",
        active: true,
        match: {},
        startYear: 1,
        rampYears: 0,
        volumeGrowth: 0.1,
        priceRealization: 0,
        costToServeIntensity: 0,
      },
    ]);
  });

  it("keeps what the document says over the defaults", () => {
    const [force] = parseForces({ ...digitalGiant, active: false, description: "arm's-length buyers move" });
    expect(force).toMatchObject({
      active: false,
      description: "arm's-length buyers move",
      match: { channel: ["web", "phone"], customerType: "small-business" },
      startYear: 2,
      rampYears: 2,
      volumeGrowth: -0.15,
      priceRealization: -0.05,
      costToServeIntensity: 0,
    });
  });

  it("names the path of a field out of range and the limit it broke", () => {
    const message = problemsOf({ forces: [{ ...innovation, startYear: 6 }] });
    expect(message).toContain("forces.0.startYear: Too big: expected number to be <=5");
  });

  it("names every wrong field of a document at once", () => {
    const message = problemsOf([
      innovation,
      { id: "Digital Giant", name: "", rampYears: 1.5, costToServeIntensity: 6, volumeGrowth: -2 },
    ]);
    expect(message).toMatch(/1\.id: use 1–63 lowercase letters/);
    expect(message).toMatch(/1\.name: Too small/);
    expect(message).toMatch(/1\.rampYears: Invalid input: expected int/);
    expect(message).toMatch(/1\.costToServeIntensity: Too big: expected number to be <=5/);
    expect(message).toMatch(/1\.volumeGrowth: Too small: expected number to be >=-1/);
    expect(message).not.toMatch(/(^|\s)0\./);
  });

  it("refuses a force that changes nothing", () => {
    expect(problemsOf({ id: "calm", name: "Nothing happens" })).toMatch(
      /\(root\): a force must change at least one of volumeGrowth, priceRealization, costToServeIntensity/,
    );
  });

  it("refuses ids that are not url-safe", () => {
    for (const id of ["-leading-dash", "Upper", "with space", "a/b", "", "x".repeat(64)]) {
      expect(problemsOf({ ...innovation, id })).toMatch(/(^|\s)id: use 1–63 lowercase letters/);
    }
    expect(parseForces({ ...innovation, id: "x".repeat(63) })[0]?.id).toHaveLength(63);
  });

  it("refuses two forces with the same id, naming the second and where the first is", () => {
    const message = problemsOf({ forces: [innovation, digitalGiant, { ...innovation, name: "Again" }] });
    expect(message).toContain(
      'forces.2.id: duplicate id "product-innovation": the force at index 0 has it too',
    );
  });

  it("refuses fields it does not know, so a typo is not silently ignored", () => {
    expect(problemsOf({ ...innovation, priceRealisation: -0.1 })).toContain(
      '(root): Unrecognized key: "priceRealisation"',
    );
  });

  it("matches on a value or a non-empty list of values of a well-named dimension", () => {
    const message = problemsOf({ ...innovation, match: { "1channel": "web", region: [], size: 3 } });
    expect(message).toContain("match.1channel: a name uses letters, digits and _");
    expect(message).toContain("match.region: Too small: expected array to have >=1 items");
    expect(message).toContain("match.size: expected a dimension value or a non-empty list of values");
  });

  it("says what it expected of a document that is not a force at all", () => {
    expect(problemsOf("digital-giant")).toContain("(root): Invalid input: expected object, received string");
    expect(problemsOf({ forces: "digital-giant" })).toContain("forces: Invalid input: expected array");
  });
});

describe("forceRamp", () => {
  it("acts at once from startYear when rampYears is 0", () => {
    const force = { startYear: 2, rampYears: 0 };
    expect([1, 2, 3, 4, 5].map((year) => forceRamp(force, year))).toEqual([0, 1, 1, 1, 1]);
  });

  it("reaches half its effect in startYear and all of it the year after when rampYears is 2", () => {
    const force = { startYear: 1, rampYears: 2 };
    expect([1, 2, 3].map((year) => forceRamp(force, year))).toEqual([0.5, 1, 1]);
  });

  it("rises by a third a year from startYear when rampYears is 3", () => {
    const force = { startYear: 2, rampYears: 3 };
    expect([1, 2, 3, 4, 5].map((year) => forceRamp(force, year))).toEqual([0, 1 / 3, 2 / 3, 1, 1]);
  });

  it("is 0 before startYear, never falls, and is 1 from startYear + rampYears − 1 on", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 5 }), (startYear, rampYears) => {
        const force = { startYear, rampYears };
        let previous = 0;
        for (let year = 1; year <= 12; year++) {
          const ramp = forceRamp(force, year);
          if (year < startYear) expect(ramp).toBe(0);
          if (year >= startYear + Math.max(rampYears, 1) - 1) expect(ramp).toBe(1);
          expect(ramp).toBeGreaterThanOrEqual(previous);
          expect(ramp).toBeLessThanOrEqual(1);
          previous = ramp;
        }
      }),
    );
  });
});
