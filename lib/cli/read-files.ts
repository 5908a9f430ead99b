import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { pipeline } from "node:stream/promises";
import * as z from "zod";
import { byteProgress } from "#cli/progress.ts";
import { Cube } from "#domain/cube.ts";
import { DEFAULT_POLICY, type Policy, parsePolicy } from "#domain/policy.ts";
import { NAME_PATTERN } from "#domain/scheme.ts";
import { ingest } from "#ingest/ingest.ts";
import { type ColumnMapping, parseColumnMapping } from "#ingest/mapping.ts";
import { describeReject } from "#ingest/reject.ts";

/** A scheme named by its dimensions joined by commas: `channel,region`. */
export const schemeOptionSchema = z.string().transform((text, context) => {
  const dimensions = text.split(",").map((name) => name.trim());
  if (dimensions.every((name) => NAME_PATTERN.test(name))) return dimensions;
  context.addIssue({
    code: "custom",
    message: `expected dimension names joined by commas, e.g. channel,region, got "${text}"`,
  });
  return z.NEVER;
});

/** How the files are read: the options `score` and `backtest` share. */
export interface ReadSettings {
  readonly mapping: ColumnMapping | undefined;
  readonly policy: Policy;
  readonly schemes: string[][] | undefined;
}

/** Reads `--mapping`, `--policy` and `--scheme`; without `--scheme`, the policy's schemes or the defaults. */
export async function readSettings(options: {
  mapping?: string | undefined;
  policy?: string | undefined;
  scheme: string[][];
}): Promise<ReadSettings> {
  const mapping = options.mapping
    ? parseColumnMapping(await readJson(options.mapping, "mapping"), options.mapping)
    : undefined;
  const policy = options.policy ? parsePolicy(await readJson(options.policy, "policy")) : DEFAULT_POLICY;
  const schemes =
    options.scheme.length > 0 ? options.scheme : policy.schemes.length > 0 ? policy.schemes : undefined;
  return { mapping, policy, schemes };
}

/** Ingests the files one after the other, with progress on stderr, into one cube. */
export async function readCube(files: readonly string[], settings: ReadSettings): Promise<Cube> {
  const cubes: Cube[] = [];
  for (const file of files) cubes.push(await ingestFile(file, settings));
  return Cube.merged(cubes, { breadthDimension: settings.policy.breadthDimension });
}

async function ingestFile(file: string, settings: ReadSettings): Promise<Cube> {
  const { size } = await stat(file);
  const progress = byteProgress(`reading ${basename(file)}`, size);
  const started = performance.now();
  const reading = pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), progress.stream);
  const [report] = await Promise.all([
    ingest(progress.stream, {
      file: basename(file),
      mapping: settings.mapping,
      schemes: settings.schemes,
      rejectRatio: settings.policy.rejectRatio,
      breadthDimension: settings.policy.breadthDimension,
      now: new Date(),
    }),
    reading,
  ]);
  const seconds = (performance.now() - started) / 1000;
  progress.finish(`done in ${seconds.toFixed(1)} s`);
  process.stderr.write(
    `${basename(file)}: ${report.accepted.toLocaleString("en-US")} lines ingested, ${report.rejected} rejected${
      report.rejected > 0
        ? ` (first: ${describeReject(report.firstRejects[0] as (typeof report.firstRejects)[number])})`
        : ""
    }\n`,
  );
  return report.cube;
}

/** Parses a JSON file the user named, saying which file and what it was for when it fails. */
export async function readJson(path: string, what: string): Promise<unknown> {
  const text = await readFile(path, "utf8").catch((error: Error) => {
    throw new Error(`cannot read the ${what} file ${path}: ${error.message}`);
  });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`the ${what} file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Writes to stdout and waits for it to drain, so a large JSON reaches a pipe whole before exit. */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}
