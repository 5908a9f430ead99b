import * as z from "zod";
import { parseOptions } from "#cli/options.ts";
import { readCube, readJson, readSettings, schemeOptionSchema, writeOut } from "#cli/read-files.ts";
import { SCORE_FORMATS, scoreCsv, scoreTable } from "#cli/score-output.ts";
import { type ForceOfChange, parseForces } from "#domain/forces.ts";
import { scoreCube } from "#domain/scoring.ts";

/** The options of `segfocus score`, as commander hands them over. */
const scoreOptionsSchema = z.object({
  mapping: z.string().optional(),
  policy: z.string().optional(),
  scheme: z.array(schemeOptionSchema),
  scenario: z.string().optional(),
  format: z.enum(SCORE_FORMATS),
});

/** Ingests the files as one batch, scores every segment and prints the decisions in the chosen format. */
export async function scoreFiles(files: readonly string[], commanderOptions: unknown): Promise<void> {
  const options = parseOptions(scoreOptionsSchema, commanderOptions);
  const settings = await readSettings(options);
  const forces: ForceOfChange[] = options.scenario
    ? parseForces(await readJson(options.scenario, "scenario"))
    : [];

  const cube = await readCube(files, settings);
  const started = performance.now();
  const result = scoreCube(cube, settings.policy, forces);
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
