/**
 * npm run bench:ingest — ingest + aggregate of a generated 1,000,000-row CSV for three schemes on one
 * core, next to DuckDB (threads = 1) reading the same file and computing the same aggregates in the
 * same run; then the peak RSS of ingesting a 5,000,000-row file in a fresh process.
 *
 *   npm run bench:ingest -- [--rows 1000000] [--rss-rows 5000000] [--runs 2]
 */
import { execFileSync } from "node:child_process";
import { createReadStream, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { ingest } from "#ingest/ingest.ts";
import { BENCH_SCHEMES, sampleFile } from "./sample-files.ts";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    "rss-rows": { type: "string", default: "5000000" },
    runs: { type: "string", default: "2" },
  },
});
const rows = Number(values.rows);
const rssRows = Number(values["rss-rows"]);
const runs = Number(values.runs);

const file = await sampleFile(rows);
const megabytes = statSync(file).size / 1e6;
console.log(`file: ${file} — ${rows.toLocaleString("en")} rows, ${megabytes.toFixed(1)} MB`);
console.log(`schemes: ${BENCH_SCHEMES.map((s) => s.join("+")).join(", ")}; best of ${runs} runs each\n`);

const ours = await best(runs, async () => {
  const report = await ingest(createReadStream(file, { highWaterMark: 1 << 20 }), {
    file,
    now: new Date(),
    schemes: BENCH_SCHEMES,
  });
  if (report.accepted !== rows) throw new Error(`expected ${rows} accepted rows, got ${report.accepted}`);
  return report.cube.schemes.map(
    (s) =>
      `${s.id}: ${s.segmentCount} segments, ${s.monthKeys.size} segment-months, ${s.customerKeys.size} segment-customers`,
  );
});
const duck = await best(runs, () => duckdbAggregate(file));

const line = (name: string, seconds: number) =>
  console.log(
    `${name.padEnd(34)} ${seconds.toFixed(3).padStart(7)} s  ${Math.round(rows / seconds)
      .toLocaleString("en")
      .padStart(11)} rows/s  ${(megabytes / seconds).toFixed(0).padStart(4)} MB/s`,
  );
line("segment-focus ingest (1 core)", ours.seconds);
line("DuckDB same aggregates (threads=1)", duck.seconds);
console.log(`ratio segment-focus / DuckDB: ${(ours.seconds / duck.seconds).toFixed(2)} (target ≤ 2.0)`);
for (const shape of ours.result) console.log(`  ${shape}`);
console.log(`  DuckDB groups: ${duck.result.join(", ")}`);

if (rssRows > 0) {
  const big = await sampleFile(rssRows);
  const output = execFileSync(process.execPath, ["--import", "tsx", "bench/ingest-rss.ts", big], {
    encoding: "utf8",
  });
  console.log(
    `\npeak RSS ingesting ${rssRows.toLocaleString("en")} rows (${(statSync(big).size / 1e6).toFixed(0)} MB), fresh process: ${output.trim()} (target < 512 MB)`,
  );
}

async function best<T>(count: number, run: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  let fastest = Number.POSITIVE_INFINITY;
  let result: T | undefined;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    result = await run();
    fastest = Math.min(fastest, (performance.now() - started) / 1000);
  }
  return { seconds: fastest, result: result as T };
}

/** The same sums DuckDB-side: per scheme and month, and per scheme segment and customer. */
async function duckdbAggregate(path: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
  const connection = await instance.connect();
  await connection.run(`CREATE TEMP TABLE lines AS SELECT * FROM read_csv('${path}', header = true)`);
  const counts: string[] = [];
  for (const dims of BENCH_SCHEMES) {
    const keys = dims.map((d) => (d === "customer" ? "customer_id" : d)).join(", ");
    const monthly = await connection.runAndReadAll(`
      SELECT ${keys}, date_trunc('month', date) AS month, count(*) AS lines, sum(revenue), sum(cogs),
        sum(revenue - cogs - cost_freight - cost_handling - cost_order_processing - cost_returns - cost_payment_terms) AS profit,
        sum(quantity), sum(discount_rate * revenue), sum(cost_freight), sum(cost_handling),
        sum(cost_order_processing), sum(cost_returns), sum(cost_payment_terms)
      FROM lines GROUP BY ALL`);
    const customers = await connection.runAndReadAll(`
      SELECT ${keys}, customer_id AS c, sum(revenue), count(*), min(date), max(date),
        count(DISTINCT order_id) >= 2 AS repeat, count(DISTINCT category) AS breadth
      FROM lines GROUP BY ALL`);
    counts.push(`${dims.join("+")} ${monthly.currentRowCount}/${customers.currentRowCount}`);
  }
  connection.closeSync();
  instance.closeSync();
  return counts;
}
