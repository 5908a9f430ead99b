import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalCube } from "#domain/canonical-cube.ts";
import { Cube } from "#domain/cube.ts";
import { CubeFormatError, decodeCube, encodeCube } from "#domain/cube-codec.ts";
import { monthIndex } from "#domain/month.ts";
import { TupleIndex } from "#domain/tuple-index.ts";
import { cubeOf, TEST_SCHEMES, type TestLine, testLine } from "#test-support/invoice-lines.ts";

const lines = fc.array(testLine, { maxLength: 40 });
const merged = (...cubes: Cube[]) => canonicalCube(Cube.merged(cubes));

describe("cube merge laws", () => {
  it("is associative: merge(a, merge(b, c)) = merge(merge(a, b), c)", () => {
    fc.assert(
      fc.property(lines, lines, lines, (a, b, c) => {
        const right = Cube.merged([cubeOf(a), Cube.merged([cubeOf(b), cubeOf(c)])]);
        const left = Cube.merged([Cube.merged([cubeOf(a), cubeOf(b)]), cubeOf(c)]);
        expect(canonicalCube(right)).toEqual(canonicalCube(left));
      }),
    );
  });

  it("is commutative: merge(a, b) = merge(b, a)", () => {
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        expect(merged(cubeOf(a), cubeOf(b))).toEqual(merged(cubeOf(b), cubeOf(a)));
      }),
    );
  });

  it("has the empty cube as identity", () => {
    fc.assert(
      fc.property(lines, (a) => {
        expect(merged(Cube.empty(), cubeOf(a))).toEqual(canonicalCube(cubeOf(a)));
        expect(merged(cubeOf(a), Cube.empty())).toEqual(canonicalCube(cubeOf(a)));
      }),
    );
  });

  it("gives the cube of all lines when merging the cubes of any split of them", () => {
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        expect(merged(cubeOf(a), cubeOf(b))).toEqual(canonicalCube(cubeOf([...a, ...b])));
      }),
    );
  });

  it("gives the cube of all lines when the merge grows its tables past their first capacity", () => {
    const many = Array.from({ length: 6000 }, (_, i) =>
      line({
        customer: `C${i % 3000}`,
        order: `O${i % 7}`,
        month: monthIndex(2022, 1) + (i % 30),
        revenue: 10_000 + i,
      }),
    );
    const even = many.filter((_, i) => i % 2 === 0);
    const odd = many.filter((_, i) => i % 2 === 1);
    expect(merged(cubeOf(even), cubeOf(odd))).toEqual(canonicalCube(cubeOf(many)));
    expect(merged(decodeCube(encodeCube(cubeOf(even))), cubeOf(odd))).toEqual(canonicalCube(cubeOf(many)));
  });

  it("leaves its inputs unchanged", () => {
    const a = cubeOf([line({ revenue: 10_000 })]);
    const before = canonicalCube(a);
    Cube.merged([a, cubeOf([line({ revenue: 20_000 })])]);
    expect(canonicalCube(a)).toEqual(before);
  });
});

describe("cube figures", () => {
  it("sums a segment's month and keeps each customer's facts", () => {
    const cube = cubeOf([
      line({
        customer: "C1",
        order: "O1",
        month: monthIndex(2024, 3),
        revenue: 100_0000,
        cogs: 60_0000,
        freight: 5_0000,
      }),
      line({
        customer: "C1",
        order: "O2",
        month: monthIndex(2024, 3),
        revenue: 50_0000,
        cogs: 20_0000,
        freight: 0,
        category: "paint",
      }),
      line({
        customer: "C1",
        order: "O2",
        month: monthIndex(2024, 1),
        revenue: -10_0000,
        cogs: -6_0000,
        freight: 0,
      }),
    ]);
    const channel = canonicalCube(cube).schemes.find((scheme) => scheme.id === "channel");
    expect(channel?.segments).toHaveLength(1);
    const [segment] = channel?.segments ?? [];
    expect(segment?.values).toEqual(["online"]);
    expect(
      segment?.months.map((m) => [m.month, m.figures.lines, m.figures.revenue, m.figures.profit]),
    ).toEqual([
      [monthIndex(2024, 1), 1, -10_0000, -4_0000],
      [monthIndex(2024, 3), 2, 150_0000, 65_0000],
    ]);
    expect(segment?.months[1]?.figures["cost:freight"]).toBe(5_0000);
    const [customer] = segment?.customers ?? [];
    expect(customer).toMatchObject({
      customer: "C1",
      revenue: 140_0000,
      profit: 61_0000,
      lines: 3,
      firstMonth: monthIndex(2024, 1),
      lastMonth: monthIndex(2024, 3),
      activeMonths: [monthIndex(2024, 1), monthIndex(2024, 3)],
      categories: ["paint", "tools"],
    });
    expect(customer?.orderHashes.every((hash) => hash !== 0)).toBe(true);
  });

  it("counts one order once: the second order slot stays empty for a single order", () => {
    const cube = cubeOf([line({ order: "O1" }), line({ order: "O1", revenue: 5 })]);
    const customer = canonicalCube(cube).schemes[0]?.segments[0]?.customers[0];
    expect(customer?.orderHashes[0]).not.toBe(0);
    expect(customer?.orderHashes[1]).toBe(0);
  });

  it("keeps activity for the 64 months up to the latest and forgets older months", () => {
    const latest = monthIndex(2024, 12);
    const cube = cubeOf([
      line({ month: latest }),
      line({ month: latest - 63 }),
      line({ month: latest - 64 }),
    ]);
    const customer = canonicalCube(cube).schemes[0]?.segments[0]?.customers[0];
    expect(customer?.activeMonths).toEqual([latest - 63, latest]);
    expect(customer?.firstMonth).toBe(latest - 64);
  });

  it("registers the test schemes by id", () => {
    expect(cubeOf([]).schemes.map((scheme) => scheme.id)).toEqual(TEST_SCHEMES.map((dims) => dims.join("+")));
  });
});

describe("cube codec", () => {
  it("round-trips every figure exactly", () => {
    fc.assert(
      fc.property(lines, (a) => {
        const cube = cubeOf(a);
        const bytes = encodeCube(cube);
        expect(canonicalCube(decodeCube(bytes))).toEqual(canonicalCube(cube));
        expect(encodeCube(decodeCube(bytes))).toEqual(bytes);
      }),
    );
  });

  it("is compact: a few bytes per (segment, month) and (segment, customer) row", () => {
    const many = Array.from({ length: 2000 }, (_, i) =>
      line({ customer: `C${i % 300}`, month: monthIndex(2022, 1) + (i % 36), revenue: i * 10_000 }),
    );
    const cube = cubeOf(many);
    const rows = cube.schemes.reduce((sum, s) => sum + s.monthKeys.size + s.customerKeys.size, 0);
    expect(encodeCube(cube).length / rows).toBeLessThan(120);
  });

  it("refuses bytes that are not a cube, and a newer format version", () => {
    expect(() => decodeCube(new TextEncoder().encode("hello world"))).toThrow(CubeFormatError);
    const bytes = encodeCube(cubeOf([line({})]));
    bytes[6] = 99;
    expect(() => decodeCube(bytes)).toThrow(/version 99 is not supported/);
  });

  it("refuses a version-1 cube, whose discounts cannot become discounts off list, saying to send its batch again", () => {
    const bytes = encodeCube(cubeOf([line({})]));
    bytes[6] = 1;
    expect(() => decodeCube(bytes)).toThrow(CubeFormatError);
    expect(() => decodeCube(bytes)).toThrow(/version 1 is not supported.*send its batch again/);
  });
});

function line(overrides: Partial<TestLine>): TestLine {
  return {
    customer: "C1",
    order: "O1",
    month: monthIndex(2024, 1),
    channel: "online",
    category: "tools",
    revenue: 10_0000,
    cogs: 5_0000,
    freight: 1_0000,
    quantity: 1_0000,
    ...overrides,
  };
}

describe("tuple index", () => {
  it("refuses a negative key instead of interning garbage", () => {
    const index = new TupleIndex(1);
    expect(() => index.intern1(-1)).toThrow(/non-negative/);
    expect(index.size).toBe(0);
  });

  it("gives each distinct tuple one dense row, in first-seen order, across rehashes", () => {
    const pairs = new TupleIndex(2, 4);
    const rows = Array.from({ length: 5000 }, (_, i) => pairs.intern2(i % 1000, Math.floor(i / 1000)));
    expect(rows).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(pairs.intern2(999, 4)).toBe(4999);
    expect(pairs.size).toBe(5000);
  });
});
