import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalCube } from "#domain/canonical-cube.ts";
import { Cube } from "#domain/cube.ts";
import { headerLine, ingestRange, planByteRanges, rangeLines } from "#ingest/byte-range.ts";
import { ingest } from "#ingest/ingest.ts";
import { chunked, csvRows, TEST_CSV_HEADER, TEST_SCHEMES, testLine } from "#test-support/invoice-lines.ts";

const now = new Date("2025-06-01T00:00:00Z");
const options = { file: "lines.csv", now, schemes: TEST_SCHEMES };
const encoder = new TextEncoder();

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of chunks) text += new TextDecoder().decode(chunk);
  return text;
}

/** Reads [start, end) the way a worker does: its input begins one byte before the range. */
function rangeInput(bytes: Uint8Array, start: number, cuts: readonly number[] = []) {
  return chunked(bytes.subarray(Math.max(0, start - 1)), cuts);
}

describe("rangeLines", () => {
  const text = "h\naa\nbbb\ncccc\n";
  const bytes = encoder.encode(text);

  it.each([
    [0, 2, "h\n"],
    [0, 3, "h\naa\n"],
    [2, 3, "aa\n"],
    [3, 5, ""],
    [2, 5, "aa\n"],
    [5, 6, "bbb\n"],
    [6, 14, "cccc\n"],
    [9, 14, "cccc\n"],
    [10, 14, ""],
  ])("owns exactly the lines starting in [%i, %i)", async (start, end, owned) => {
    expect(await collect(rangeLines(rangeInput(bytes, start), { start, end }))).toBe(owned);
  });

  it("reads every line exactly once when a file is cut anywhere and read in chunks of any size", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: fc.constantFrom("a", "b", "\n"), maxLength: 30 }), { maxLength: 8 }),
        fc.uniqueArray(fc.nat(200), { maxLength: 6 }),
        fc.array(fc.nat(200), { maxLength: 5 }),
        async (pieces, cutPoints, chunkCuts) => {
          const file = encoder.encode(pieces.join(""));
          const cuts = [
            0,
            ...cutPoints.filter((c) => c > 0 && c < file.length).sort((a, b) => a - b),
            file.length,
          ];
          let joined = "";
          for (let i = 0; i + 1 < cuts.length; i++) {
            const range = { start: cuts[i] as number, end: cuts[i + 1] as number };
            joined += await collect(rangeLines(rangeInput(file, range.start, chunkCuts), range));
          }
          expect(joined).toBe(new TextDecoder().decode(file));
        },
      ),
    );
  });

  it("plans ranges that cover the file without gaps", () => {
    expect(planByteRanges(10, 4)).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 8 },
      { start: 8, end: 10 },
    ]);
  });

  it("refuses to split a gzip file", () => {
    expect(() => headerLine(Uint8Array.of(0x1f, 0x8b, 8, 0), "x.csv.gz")).toThrow(
      /gzip file cannot be split/,
    );
  });
});

describe("a file's cube", () => {
  it("equals the merge of the cubes of its byte ranges, split at arbitrary points", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(testLine, { minLength: 1, maxLength: 60 }),
        fc.uniqueArray(fc.nat(6000), { maxLength: 5 }),
        fc.array(fc.nat(6000), { maxLength: 4 }),
        async (lines, cutPoints, chunkCuts) => {
          const file = encoder.encode(TEST_CSV_HEADER + csvRows(lines).join(""));
          const whole = await ingest(chunked(file, chunkCuts), options);
          const header = headerLine(file.subarray(0, 4096), "lines.csv");
          const cuts = [
            0,
            ...cutPoints.filter((c) => c > 0 && c < file.length).sort((a, b) => a - b),
            file.length,
          ];
          const parts: Cube[] = [];
          let rows = 0;
          let linesAfterHeaders = 0;
          for (let i = 0; i + 1 < cuts.length; i++) {
            const range = { start: cuts[i] as number, end: cuts[i + 1] as number };
            const part = await ingestRange(rangeInput(file, range.start, chunkCuts), range, header, options);
            rows += part.rows;
            linesAfterHeaders += part.lines - 1;
            parts.push(part.cube);
          }
          expect(rows).toBe(lines.length);
          expect(linesAfterHeaders).toBe(whole.lines - 1);
          expect(canonicalCube(Cube.merged(parts))).toEqual(canonicalCube(whole.cube));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("does not change when its rows are shuffled", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(testLine, fc.double({ noNaN: true })), { minLength: 1, maxLength: 60 }),
        async (keyed) => {
          const lines = keyed.map(([line]) => line);
          const ids = lines.map((_, i) => i + 1);
          const order = ids
            .map((_, i) => i)
            .sort((a, b) => (keyed[a]?.[1] as number) - (keyed[b]?.[1] as number));
          const original = csvRows(lines, ids);
          const shuffled = order.map((i) => original[i] as string);
          const a = await ingest(chunked(encoder.encode(TEST_CSV_HEADER + original.join(""))), options);
          const b = await ingest(chunked(encoder.encode(TEST_CSV_HEADER + shuffled.join(""))), options);
          expect(canonicalCube(b.cube)).toEqual(canonicalCube(a.cube));
        },
      ),
      { numRuns: 60 },
    );
  });
});
