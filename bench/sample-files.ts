import { createWriteStream, existsSync } from "node:fs";
import { mkdir, rename } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { generateRows } from "#sample/generator.ts";

/** Three schemes, one of them customer by customer, as the ingest figures are specified. */
export const BENCH_SCHEMES = [["channel"], ["channel", "region"], ["customer"]];

export const BENCH_DIR = join(process.cwd(), "tmp", "bench");

/** The generated sample of `rows` rows (seed 1), written once and reused by later runs. */
export async function sampleFile(rows: number): Promise<string> {
  const path = join(BENCH_DIR, `sample-${rows}.csv`);
  if (existsSync(path)) return path;
  await mkdir(dirname(path), { recursive: true });
  process.stderr.write(`generating ${rows} rows into ${path}…\n`);
  const partial = `${path}.partial`;
  await pipeline(
    Readable.from(generateRows({ rows, seed: 1, start: "2023-01", months: 36 })),
    createWriteStream(partial),
  );
  await rename(partial, path);
  return path;
}
