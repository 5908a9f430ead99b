import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { pipeline } from "node:stream/promises";
import * as z from "zod";
import { parseOptions } from "#cli/options.ts";
import { byteProgress } from "#cli/progress.ts";
import { SCORE_FORMATS, scoreCsv, scoreTable } from "#cli/score-output.ts";
import { Cube } from "#domain/cube.ts";
import { type ForceOfChange, parseForces } from "#domain/forces.ts";
import { DEFAULT_POLICY, type Policy, parsePolicy } from "#domain/policy.ts";
import { NAME_PATTERN } from "#domain/scheme.ts";
import { scoreCube } from "#domain/scoring.ts";
import { ingest } from "#ingest/ingest.ts";
import { type ColumnMapping, parseColumnMapping } from "#ingest/mapping.ts";
import { describeReject } from "#ingest/reject.ts";

/** A scheme named by its dimensions joined by commas: `channel,region`. */
const schemeSchema = z.string().transform((text, context) => {
  const dimensions = text.split(",").map((name) => name.trim());
  if (dimensions.every((name) => NAME_PATTERN.test(name))) return dimensions;
  context.addIssue({
    code: "custom",
    message: `expected dimension names joined by commas, e.g. channel,region, got "${text}"`,
  });
  return z.NEVER;
});

/** The options of `segfocus score`, as commander hands them over. */
const scoreOptionsSchema = z.object({
  mapping: z.string().optional(),
  policy: z.string().optional(),
  scheme: z.array(schemeSchema),
  scenario: z.string().optional(),
  format: z.enum(SCORE_FORMATS),
});

/** Ingests the files as one batch, scores every segment and prints the decisions in the chosen format. */
export async function scoreFiles(files: readonly string[], commanderOptions: unknown): Promise<void> {
  const options = parseOptions(scoreOptionsSchema, commanderOptions);
  const mapping = options.mapping
    ? parseColumnMapping(await readJson(options.mapping, "mapping"), options.mapping)
    : undefined;
  const policy = options.policy ? parsePolicy(await readJson(options.policy, "policy")) : DEFAULT_POLICY;
  const forces: ForceOfChange[] = options.scenario
    ? parseForces(await readJson(options.scenario, "scenario"))
    : [];
  const schemes =
    options.scheme.length > 0 ? options.scheme : policy.schemes.length > 0 ? policy.schemes : undefined;

  const cubes: Cube[] = [];
  for (const file of files) cubes.push(await ingestFile(file, { mapping, policy, schemes }));
  const started = performance.now();
  const result = scoreCube(Cube.merged(cubes, { breadthDimension: policy.breadthDimension }), policy, forces);
  const segments = result.schemes.reduce((sum, scheme) => sum + scheme.segments.length, 0);
  process.stderr.write(
    `scored ${segments.toLocaleString("en-US")} segments in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );

  const output =
    options.format === "json"
      ? `${JSON.stringify(result)}\n`
      : options.format === "csv"
        ? scoreCsv(result)
        : scoreTable(result);
  await writeOut(output);
}

async function ingestFile(
  file: string,
  settings: { mapping: ColumnMapping | undefined; policy: Policy; schemes: string[][] | undefined },
): Promise<Cube> {
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

async function readJson(path: string, what: string): Promise<unknown> {
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
function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}
