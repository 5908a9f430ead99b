import { createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import * as z from "zod";
import { parseOptions } from "#cli/options.ts";
import { generateRows } from "#sample/generator.ts";

/** A whole number from `min` to `max`, given as text; a problem says what was expected and what came. */
function wholeNumber(what: string, min: number, max: number) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `required: ${what}` : `expected ${what}`) })
    .regex(/^\d+$/, { error: (issue) => `expected ${what}, got "${issue.input}"` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: (issue) => `expected ${what}, got ${issue.input}` })
        .max(max, { error: (issue) => `expected ${what}, got ${issue.input}` }),
    );
}

/** The options of `segfocus generate`, as commander hands them over. */
const generateOptionsSchema = z.object({
  rows: wholeNumber("the number of data rows, a whole number from 1 to 1000000000", 1, 1_000_000_000),
  out: z
    .string({ error: "required: the file to write, e.g. sample.csv, or sample.csv.gz to compress it" })
    .min(1, { error: "expected a file name" }),
  seed: wholeNumber("a whole number from 0 to 4294967295", 0, 0xffff_ffff),
  start: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, {
    error: (issue) => `expected a month as YYYY-MM, got "${issue.input}"`,
  }),
  months: wholeNumber("a whole number of months from 1 to 1200", 1, 1200),
});

/** Writes a synthetic batch as the options say, streaming, so any size fits in memory. */
export async function writeSample(commanderOptions: unknown): Promise<void> {
  const { out, ...options } = parseOptions(generateOptionsSchema, commanderOptions);
  const progress = progressReporter(options.rows);
  const blocks = Readable.from(countedBlocks(generateRows(options), progress));
  if (out.endsWith(".gz")) {
    await pipeline(blocks, createGzip(), createWriteStream(out));
  } else {
    await pipeline(blocks, createWriteStream(out));
  }
  const { size } = await stat(out);
  process.stdout.write(`wrote ${options.rows} rows to ${out} (${(size / 1e6).toFixed(1)} MB)\n`);
}

/** Passes the generator's blocks through, telling `progress` how many data lines have gone by. */
function* countedBlocks(
  blocks: Iterable<string>,
  progress: (rowsWritten: number) => void,
): Generator<string> {
  // The first line of the first block is the header, not a data line.
  let rowsWritten = -1;
  for (const block of blocks) {
    for (let at = block.indexOf("\n"); at !== -1; at = block.indexOf("\n", at + 1)) rowsWritten++;
    progress(rowsWritten);
    yield block;
  }
}

/** A line on stderr at most once a second, so a long run shows it is alive and how fast it goes. */
function progressReporter(totalRows: number): (rowsWritten: number) => void {
  const startedAt = performance.now();
  let reportedAt = startedAt;
  return (rowsWritten) => {
    const now = performance.now();
    if (now - reportedAt < 1000) return;
    reportedAt = now;
    const percent = Math.floor((100 * rowsWritten) / totalRows);
    const rowsPerSecond = Math.round(rowsWritten / ((now - startedAt) / 1000));
    process.stderr.write(
      `generate: ${rowsWritten} of ${totalRows} rows (${percent}%), ${rowsPerSecond} rows/s\n`,
    );
  };
}
