import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, rename } from "node:fs/promises";
import { join, relative } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { Command } from "commander";
import { money, percent, textTable } from "#cli/table.ts";
import { segmentTotals } from "#domain/segment-totals.ts";
import { ingest } from "#ingest/ingest.ts";
import { generateRows } from "#sample/generator.ts";

const SAMPLE_ROWS = 200_000;

/**
 * `segfocus start`: for now the offline demo — a generated sample batch, ingested and summed per
 * segment. The embedded serverless stack takes this command over when it lands.
 */
export function startCommand(): Command {
  return new Command("start")
    .description("Run the demo: generate a sample ERP batch (once), ingest it and show profit by segment.")
    .option("--data-dir <dir>", "where the sample batch is kept", ".segfocus")
    .action(async (options: { dataDir: string }) => {
      const file = await ensureSampleBatch(options.dataDir);
      const started = performance.now();
      const report = await ingest(createReadStream(file), { file, now: new Date() });
      const seconds = (performance.now() - started) / 1000;
      const out = process.stdout;
      out.write(
        `Ingested ${report.accepted.toLocaleString("en-US")} invoice lines (${report.rejected} rejected) from ${relative(process.cwd(), file)} in ${seconds.toFixed(1)} s.\n`,
      );
      for (const scheme of report.cube.schemes) {
        const segments = segmentTotals(report.cube, scheme).sort((a, b) => b.profit - a.profit);
        const losing = segments.filter((segment) => segment.profit < 0).length;
        out.write(`\nScheme ${scheme.id}: ${segments.length} segments, ${losing} of them lose money\n`);
        const shown = segments.length > 10 ? [...segments.slice(0, 5), ...segments.slice(-5)] : segments;
        out.write(
          `${textTable(
            ["segment", "revenue", "cost to serve", "profit", "margin", "customers"],
            shown.map((segment) => [
              Object.values(segment.values).join(" · "),
              money(segment.revenue),
              money(segment.costToServe),
              money(segment.profit),
              segment.revenue === 0 ? "—" : percent(segment.profit / segment.revenue),
              segment.customers,
            ]),
          )}\n`,
        );
      }
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
