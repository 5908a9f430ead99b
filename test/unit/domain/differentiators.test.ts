import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Cube } from "#domain/cube.ts";
import {
  type Differentiator,
  DifferentiatorError,
  differentiators,
  schemeDifferentiators,
} from "#domain/differentiators.ts";
import { monthIndex } from "#domain/month.ts";
import { cubeOf, type TestLine, testLine } from "#test-support/invoice-lines.ts";

/** A line with a customer, its revenue in currency units and any dimensions. */
type Sale = { customer: string; revenue: number } & Record<string, string | number>;

/** A cube of the given schemes, holding one line per sale, all in one month. */
function cubeWith(schemes: string[][], sales: readonly Sale[]): Cube {
  const cube = Cube.empty();
  for (const scheme of schemes) cube.scheme(scheme);
  const facts = cube.newLineFacts();
  for (const { customer, revenue, ...dimensions } of sales) {
    facts.values[0] = cube.dictionary(0).intern(customer);
    for (const [name, value] of Object.entries(dimensions)) {
      const index = cube.dimension(name);
      facts.values[index] = cube.dictionary(index).intern(String(value));
    }
    facts.month = monthIndex(2024, 6);
    facts.revenue = revenue * 10_000;
    facts.profit = revenue * 1_000;
    cube.add(facts);
  }
  return cube;
}

const differentiator = (
  dimension: string,
  value: string,
  shareInSegment: number,
  shareOverall: number,
  lift: number,
): Differentiator => ({
  dimension,
  value,
  shareInSegment: expect.closeTo(shareInSegment, 12),
  shareOverall: expect.closeTo(shareOverall, 12),
  lift: expect.closeTo(lift, 12),
});

/**
 * Online revenue 1,000: A (north) 600, B (west) 300, D (east) 96, E (islands) 4.
 * All revenue 4,000: north 1,000 (A, 400 of it retail), west 300, south 1,992 (C, retail only),
 * east 700, islands 8.
 */
const regionSales: Sale[] = [
  { customer: "A", region: "north", channel: "online", revenue: 600 },
  { customer: "A", region: "north", channel: "retail", revenue: 400 },
  { customer: "B", region: "west", channel: "online", revenue: 300 },
  { customer: "C", region: "south", channel: "retail", revenue: 1992 },
  { customer: "D", region: "east", channel: "online", revenue: 96 },
  { customer: "D", region: "east", channel: "retail", revenue: 604 },
  { customer: "E", region: "islands", channel: "online", revenue: 4 },
  { customer: "E", region: "islands", channel: "retail", revenue: 4 },
];
const regionSchemes = [["channel"], ["region"], ["customer"]];
const regions = cubeWith(regionSchemes, regionSales);

describe("differentiators of one segment", () => {
  it("ranks the region whose share among online customers most exceeds its share overall first", () => {
    // west: 300 of 1,000 online against 300 of 4,000 overall; north: 600 of 1,000 against 1,000 of 4,000.
    expect(differentiators(regions, "channel", "online")).toEqual([
      differentiator("region", "west", 0.3, 0.075, 4),
      differentiator("region", "north", 0.6, 0.25, 2.4),
    ]);
  });

  it("weighs each customer by its revenue in the segment: A counts 600 among online customers, not its 1,000", () => {
    const [, north] = differentiators(regions, "channel", "online");
    expect(north?.shareInSegment).toBeCloseTo(600 / 1000, 12);
    expect(north?.shareInSegment).not.toBeCloseTo(1000 / (1000 + 300 + 700 + 8), 3);
  });

  it("leaves out a value under 5% of the segment however high its lift, until the minimum is lowered", () => {
    // islands: 4 of 1,000 online (0.4%) against 8 of 4,000 overall (0.2%): lift 2.
    expect(differentiators(regions, "channel", "online").map((d) => d.value)).not.toContain("islands");
    expect(differentiators(regions, "channel", "online", { minimumShare: 0.004 })).toEqual([
      differentiator("region", "west", 0.3, 0.075, 4),
      differentiator("region", "north", 0.6, 0.25, 2.4),
      differentiator("region", "islands", 0.004, 0.002, 2),
    ]);
    expect(differentiators(regions, "channel", "online", { minimumShare: 0.35 })).toEqual([
      differentiator("region", "north", 0.6, 0.25, 2.4),
    ]);
  });

  it("names only values the segment's customers buy more of than customers at large", () => {
    // east is 9.6% of online revenue but 17.5% overall; south is bought by no online customer.
    const values = differentiators(regions, "channel", "online", { minimumShare: 0 }).map((d) => d.value);
    expect(values).toEqual(["west", "north", "islands"]);
  });

  it("returns at most the top number asked for, highest lift first", () => {
    expect(differentiators(regions, "channel", "online", { top: 1 })).toEqual([
      differentiator("region", "west", 0.3, 0.075, 4),
    ]);
  });

  it("describes one customer by the region and the channel it buys in more than customers at large", () => {
    // A: all of its 1,000 in north (25% overall), 600 of it online (1,000 of 4,000 overall).
    expect(differentiators(regions, "customer", "A")).toEqual([
      differentiator("region", "north", 1, 0.25, 4),
      differentiator("channel", "online", 0.6, 0.25, 2.4),
    ]);
  });

  it("reads each customer's spread from all its revenue, not only from its purchases inside the segment", () => {
    // F buys online in north and retail in south: the north segment's one customer is half online.
    const cube = cubeWith(
      [["channel"], ["region"]],
      [
        { customer: "F", region: "north", channel: "online", revenue: 50 },
        { customer: "F", region: "south", channel: "retail", revenue: 50 },
        { customer: "G", region: "south", channel: "retail", revenue: 100 },
      ],
    );
    expect(differentiators(cube, "region", "north")).toEqual([
      differentiator("channel", "online", 0.5, 0.25, 2),
    ]);
  });

  it("counts only positive revenue: net credits weigh neither in the segment nor in the overall shares", () => {
    // R's online revenue is −50: R is left out of the online customers, whose only one is P (north).
    const cube = cubeWith(
      [["channel"], ["region"]],
      [
        { customer: "P", region: "north", channel: "online", revenue: 100 },
        { customer: "Q", region: "south", channel: "retail", revenue: 300 },
        { customer: "R", region: "east", channel: "online", revenue: -50 },
        { customer: "R", region: "east", channel: "retail", revenue: 150 },
      ],
    );
    expect(differentiators(cube, "channel", "online")).toEqual([
      differentiator("region", "north", 1, 100 / 500, 5),
    ]);
    // H has only a credit note: it changes nothing.
    const withCredit = cubeWith(regionSchemes, [
      ...regionSales,
      { customer: "H", region: "west", channel: "online", revenue: -50 },
    ]);
    expect(differentiators(withCredit, "channel", "online")).toEqual(
      differentiators(regions, "channel", "online"),
    );
  });

  it("reads a dimension that only a two-dimension scheme holds, and never the segment's own or customer", () => {
    // C1: online tools 300 and retail paint 100; C2: retail paint 600. Category is only in channel+category.
    const cube = cubeOf([
      sale({ customer: "C1", channel: "online", category: "tools", revenue: 3_000_000 }),
      sale({ customer: "C1", channel: "retail", category: "paint", revenue: 1_000_000 }),
      sale({ customer: "C2", channel: "retail", category: "paint", revenue: 6_000_000 }),
    ]);
    expect(differentiators(cube, "channel", "online")).toEqual([
      differentiator("category", "tools", 0.75, 0.3, 2.5),
    ]);
    // Equal lift and share: the dimension names break the tie.
    expect(differentiators(cube, "customer", "C1")).toEqual([
      differentiator("category", "tools", 0.75, 0.3, 2.5),
      differentiator("channel", "online", 0.75, 0.3, 2.5),
    ]);
    expect(schemeDifferentiators(cube, "channel+category")).toEqual(
      new Map([
        ["online|tools", []],
        ["retail|paint", []],
      ]),
    );
  });
  it("reads a dimension from the smallest scheme that holds it, where returns net against sales of the same value", () => {
    // C1 online: tools 100, paint −40 → 60 online in the channel scheme (100 in channel+category), 60 retail.
    const cube = cubeOf([
      sale({ customer: "C1", channel: "online", category: "tools", revenue: 1_000_000 }),
      sale({ customer: "C1", channel: "online", category: "paint", revenue: -400_000 }),
      sale({ customer: "C1", channel: "retail", category: "tools", revenue: 600_000 }),
      sale({ customer: "C2", channel: "retail", category: "paint", revenue: 3_000_000 }),
    ]);
    expect(differentiators(cube, "customer", "C1")).toEqual([
      differentiator("channel", "online", 0.5, 60 / 420, 3.5),
      differentiator("category", "tools", 1, 160 / 460, 460 / 160),
    ]);
  });
});

describe("differentiators of every segment of a scheme", () => {
  it("gives every segment, by id, the list it has on its own", () => {
    expect(schemeDifferentiators(regions, "region")).toEqual(
      new Map([
        ["north", differentiators(regions, "region", "north")],
        ["west", differentiators(regions, "region", "west")],
        ["south", differentiators(regions, "region", "south")],
        ["east", differentiators(regions, "region", "east")],
        ["islands", differentiators(regions, "region", "islands")],
      ]),
    );
    // west's only customer buys online alone: 100% against 25% overall. south's buys only retail (75%).
    expect(schemeDifferentiators(regions, "region").get("west")).toEqual([
      differentiator("channel", "online", 1, 0.25, 4),
    ]);
    expect(schemeDifferentiators(regions, "region").get("south")).toEqual([
      differentiator("channel", "retail", 1, 0.75, 4 / 3),
    ]);
  });

  it("agrees with the one-segment answer for every segment of every scheme, whatever the lines", () => {
    fc.assert(
      fc.property(fc.array(testLine, { maxLength: 40 }), (lines) => {
        const cube = cubeOf(lines);
        for (const scheme of cube.schemes) {
          for (const [id, list] of schemeDifferentiators(cube, scheme.id, { minimumShare: 0.01 })) {
            expect(list).toEqual(differentiators(cube, scheme.id, id, { minimumShare: 0.01 }));
          }
        }
      }),
    );
  });

  it("returns at most top values, each above the minimum share, with lift = share in segment ÷ share overall > 1, highest first", () => {
    fc.assert(
      fc.property(
        fc.array(testLine, { maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (lines, top, minimumShare) => {
          const cube = cubeOf(lines);
          for (const list of schemeDifferentiators(cube, "customer", { top, minimumShare }).values()) {
            expect(list.length).toBeLessThanOrEqual(top);
            list.forEach((d, i) => {
              expect(d.shareInSegment).toBeGreaterThanOrEqual(minimumShare);
              expect(d.shareInSegment).toBeLessThanOrEqual(1 + 1e-12);
              expect(d.lift).toBeCloseTo(d.shareInSegment / d.shareOverall, 12);
              expect(d.lift).toBeGreaterThan(1);
              if (i > 0) expect(d.lift).toBeLessThanOrEqual((list[i - 1] as Differentiator).lift);
            });
          }
        },
      ),
    );
  });
});

describe("differentiator errors", () => {
  it("names an unknown scheme and lists the schemes there are", () => {
    expect(() => differentiators(regions, "channel+region", "online|west")).toThrow(
      new DifferentiatorError(
        'no scheme "channel+region" in the data; its schemes are: channel, region, customer',
      ),
    );
    expect(() => schemeDifferentiators(regions, "store")).toThrow(/no scheme "store"/);
  });

  it("names an unknown segment and its scheme, and does not add it to the cube", () => {
    expect(() => differentiators(regions, "channel", "fax")).toThrow(
      new DifferentiatorError('scheme "channel" has no segment "fax" (channel)'),
    );
    expect(() => differentiators(regions, "channel", "online|west")).toThrow(
      'scheme "channel" has no segment "online|west"',
    );
    expect(regions.findScheme("channel")?.segmentCount).toBe(2);
  });

  it("refuses a top below 1 and a minimum share outside 0–1", () => {
    expect(() => differentiators(regions, "channel", "online", { top: 0 })).toThrow(
      "top must be a whole number of at least 1, got 0",
    );
    expect(() => schemeDifferentiators(regions, "channel", { minimumShare: 1.5 })).toThrow(
      "minimumShare must be a share between 0 and 1, got 1.5",
    );
  });
});

function sale(overrides: Partial<TestLine>): TestLine {
  return {
    customer: "C1",
    order: "O1",
    month: monthIndex(2024, 6),
    channel: "online",
    category: "tools",
    revenue: 10_000,
    cogs: 0,
    freight: 0,
    quantity: 10_000,
    ...overrides,
  };
}
