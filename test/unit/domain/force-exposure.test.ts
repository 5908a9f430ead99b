import { describe, expect, it } from "vitest";
import type { Cube } from "#domain/cube.ts";
import { ForceError, forceExposure } from "#domain/force-exposure.ts";
import { type ForceOfChange, forceOfChangeSchema } from "#domain/forces.ts";
import { monthIndex } from "#domain/month.ts";
import { segmentId } from "#domain/segment-id.ts";
import { type Sale, salesCube } from "#test-support/segment-sales.ts";

const month = monthIndex(2024, 6);
const sale = (customer: string, channel: string, category: string, revenue: number): Sale => ({
  customer,
  order: `${customer}-${channel}-${category}`,
  month,
  channel,
  category,
  revenue,
  cogs: 0,
});

// C1: online tools 300, retail paint 100. C2: online tools 200. C3: retail garden 500.
// C4: wholesale tools 100, and online returns of −50 (no positive revenue there).
const cube = salesCube([
  sale("C1", "online", "tools", 300),
  sale("C1", "retail", "paint", 100),
  sale("C2", "online", "tools", 200),
  sale("C3", "retail", "garden", 500),
  sale("C4", "wholesale", "tools", 100),
  sale("C4", "online", "tools", -50),
]);

function force(match: ForceOfChange["match"]): ForceOfChange {
  return forceOfChangeSchema.parse({
    id: "digital-giant",
    name: "A digital giant",
    match,
    volumeGrowth: -0.2,
  });
}

/** Exposure by segment id within a scheme of the cube. */
function exposureOf(
  schemeId: string,
  match: ForceOfChange["match"],
  from: Cube = cube,
): Record<string, number> {
  const scheme = from.findScheme(schemeId);
  if (!scheme) throw new Error(`no scheme ${schemeId}`);
  const exposure = forceExposure(from, scheme, force(match));
  const byId: Record<string, number> = {};
  for (let segment = 0; segment < scheme.segmentCount; segment++) {
    const values = scheme.dimensions.map((_, j) =>
      from.dictionary(scheme.picks[j] as number).valueOf(scheme.segments.keyAt(segment, j)),
    );
    byId[segmentId(values)] = exposure[segment] as number;
  }
  return byId;
}

describe("a force on a dimension of the scheme", () => {
  it("reaches the matching segments fully and the others not at all", () => {
    expect(exposureOf("channel", { channel: "online" })).toEqual({ online: 1, retail: 0, wholesale: 0 });
  });

  it("reaches every listed value", () => {
    expect(exposureOf("channel", { channel: ["online", "retail"] })).toEqual({
      online: 1,
      retail: 1,
      wholesale: 0,
    });
  });

  it("decides on its own dimension within a scheme of several", () => {
    expect(exposureOf("channel+category", { channel: "online" })).toEqual({
      "online|tools": 1,
      "retail|paint": 0,
      "retail|garden": 0,
      "wholesale|tools": 0,
    });
    expect(exposureOf("channel+category", { channel: "retail", category: "garden" })).toEqual({
      "online|tools": 0,
      "retail|paint": 0,
      "retail|garden": 1,
      "wholesale|tools": 0,
    });
  });

  it("reaches every segment when it matches nothing in particular", () => {
    expect(exposureOf("channel", {})).toEqual({ online: 1, retail: 1, wholesale: 1 });
  });

  it("reaches a value the data does not have nowhere", () => {
    expect(exposureOf("channel", { channel: "marketplace" })).toEqual({ online: 0, retail: 0, wholesale: 0 });
  });
});

describe("a force seen from the customer scheme", () => {
  it("reaches each customer by its revenue share in the matched values", () => {
    // C1: 300 of 400 online; C2: all online; C3: none; C4: its online revenue is negative, so none of its
    // 100 of positive revenue
    expect(exposureOf("customer", { channel: "online" })).toEqual({ C1: 0.75, C2: 1, C3: 0, C4: 0 });
  });

  it("measures the share over several values", () => {
    // C1: online 300 + retail 100 of 400; C3: retail 500 of 500
    expect(exposureOf("customer", { channel: ["online", "retail"] })).toEqual({ C1: 1, C2: 1, C3: 1, C4: 0 });
  });

  it("reaches a named customer fully and no one else", () => {
    expect(exposureOf("customer", { customer: "C3" })).toEqual({ C1: 0, C2: 0, C3: 1, C4: 0 });
  });

  it("multiplies the shares of several dimensions, as if independent", () => {
    // C1: online 0.75 × tools (300 of 400) 0.75 = 0.5625; C2: 1 × 1; C3: 0; C4: 0 × 1
    expect(exposureOf("customer", { channel: "online", category: "tools" })).toEqual({
      C1: 0.5625,
      C2: 1,
      C3: 0,
      C4: 0,
    });
  });
});

describe("a force on a dimension outside the scheme", () => {
  it("reaches a segment by its customers' shares in the matched values, weighted by their revenue in it", () => {
    // customers' tools shares: C1 300 ÷ 400 = 0.75, C2 1, C3 0, C4 100 ÷ 100 = 1 (its negative line left out)
    // online: (300 × 0.75 + 200 × 1) ÷ 500 = 0.85 (C4's −50 left out)
    // retail: (100 × 0.75 + 500 × 0) ÷ 600 = 0.125; wholesale: 100 × 1 ÷ 100 = 1
    const exposure = exposureOf("channel", { category: "tools" });
    expect(exposure.online).toBeCloseTo(0.85, 15);
    expect(exposure.retail).toBeCloseTo(0.125, 15);
    expect(exposure.wholesale).toBe(1);
  });

  it("reaches a channel by a named customer's revenue in it", () => {
    // online: C1 300 of 500; retail: C1 100 of 600
    const exposure = exposureOf("channel", { customer: "C1" });
    expect(exposure.online).toBeCloseTo(0.6, 15);
    expect(exposure.retail).toBeCloseTo(1 / 6, 15);
    expect(exposure.wholesale).toBe(0);
  });

  it("combines an inside dimension (all or nothing) with an outside one (a share)", () => {
    const exposure = exposureOf("channel", { channel: "online", category: "tools" });
    expect(exposure.online).toBeCloseTo(0.85, 15);
    expect([exposure.retail, exposure.wholesale]).toEqual([0, 0]);
  });
});

describe("a force the data cannot place", () => {
  it("throws a ForceError naming a dimension the data lacks, and the dimensions it has", () => {
    const scheme = cube.findScheme("channel");
    if (!scheme) throw new Error("no channel scheme");
    expect(() => forceExposure(cube, scheme, force({ region: "west" }))).toThrow(ForceError);
    expect(() => forceExposure(cube, scheme, force({ region: "west" }))).toThrow(
      /"digital-giant".*"region".*customer, channel, category/,
    );
  });

  it("throws a ForceError when no scheme holds the dimension, since its reach cannot be measured", () => {
    const withRegion = salesCube([sale("C1", "online", "tools", 10)], [["channel"]]);
    withRegion.dimension("region");
    const scheme = withRegion.findScheme("channel");
    if (!scheme) throw new Error("no channel scheme");
    expect(() => forceExposure(withRegion, scheme, force({ region: "west" }))).toThrow(ForceError);
    expect(() => forceExposure(withRegion, scheme, force({ region: "west" }))).toThrow(
      /add a scheme with region/,
    );
  });
});
