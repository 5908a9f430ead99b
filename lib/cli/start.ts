import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, rename } from "node:fs/promises";
import { join, relative } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { Command } from "commander";
import { scoreTable } from "#cli/score-output.ts";
import { DEFAULT_POLICY } from "#domain/policy.ts";
import { scoreCube } from "#domain/scoring.ts";
import { ingest } from "#ingest/ingest.ts";
import { generateRows } from "#sample/generator.ts";

const SAMPLE_ROWS = 200_000;

/**
 * `segfocus start`: for now the offline demo — a generated sample batch, ingested and scored. The
 * embedded serverless stack takes this command over when it lands.
 */
export function startCommand(): Command {
  return new Command("start")
    .description(
      "Run the demo: generate a sample ERP batch (once), ingest and score it, print the decisions.",
    )
    .option("--data-dir <dir>", "where the sample batch is kept", ".segfocus")
    .action(async (options: { dataDir: string }) => {
      const file = await ensureSampleBatch(options.dataDir);
      const started = performance.now();
      const report = await ingest(createReadStream(file), { file, now: new Date() });
      const result = scoreCube(report.cube, DEFAULT_POLICY);
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(
        `Ingested ${report.accepted.toLocaleString("en-US")} invoice lines (${report.rejected} rejected) from ${relative(process.cwd(), file)} and scored them in ${seconds.toFixed(1)} s.\n` +
          "Per scheme: who to say yes to, what to fix, who to say no to (P, G, D: profitability, growth, defensibility).\n\n",
      );
      process.stdout.write(scoreTable(result));
    });
}

async function ensureSampleBatch(dataDir: string): Promise<string> {
  const file = join(dataDir, "sample-batch.csv.gz");
  if (existsSync(file)) return file;
  await mkdir(dataDir, { recursive: true });
  process.stderr.write(
    `Generating a sample batch of ${SAMPLE_ROWS.toLocaleString("en-US")} invoice lines…\n`,
  );
  const partial = `${file}.partial`;
  await pipeline(
    Readable.from(generateRows({ rows: SAMPLE_ROWS, seed: 1, start: "2023-01", months: 36 })),
    createGzip(),
    createWriteStream(partial),
  );
  await rename(partial, file);
  return file;
}
