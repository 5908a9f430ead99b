import * as z from "zod";
import { BACKTEST_FORMATS, backtestTable } from "#cli/backtest-output.ts";
import { parseOptions } from "#cli/options.ts";
import { readCube, readSettings, schemeOptionSchema, writeOut } from "#cli/read-files.ts";
import { backtestCube } from "#domain/cube-backtest.ts";

const wholeNumber = (what: string, minimum: number, maximum: number) =>
  z.coerce
    .number({ error: `expected a whole number of ${what}` })
    .int(`expected a whole number of ${what}`)
    .min(minimum, `expected at least ${minimum} ${what}`)
    .max(maximum, `expected at most ${maximum} ${what}`);

/** The options of `segfocus backtest`, as commander hands them over. */
const backtestOptionsSchema = z.object({
  mapping: z.string().optional(),
  policy: z.string().optional(),
  scheme: z.array(schemeOptionSchema),
  holdout: wholeNumber("months", 1, 60),
  origins: wholeNumber("cut-offs", 1, 60),
  maxSegments: wholeNumber("segments", 1, 10_000_000),
  format: z.enum(BACKTEST_FORMATS),
});

/** Ingests the files, backtests every scheme and prints the accuracy table (or JSON). */
export async function backtestFiles(files: readonly string[], commanderOptions: unknown): Promise<void> {
  const options = parseOptions(backtestOptionsSchema, commanderOptions);
  const settings = await readSettings(options);
  const cube = await readCube(files, settings);
  const started = performance.now();
  const schemes = backtestCube(cube, {
    holdout: options.holdout,
    origins: options.origins,
    maxSegments: options.maxSegments,
  });
  process.stderr.write(`backtested in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  await writeOut(
    options.format === "json"
      ? `${JSON.stringify({ schemes }, null, 2)}\n`
      : backtestTable(schemes, options.holdout),
  );
}
