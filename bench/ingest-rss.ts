/** Ingests one file in this fresh process and prints its peak resident set size. */
import { createReadStream } from "node:fs";
import { ingest } from "#ingest/ingest.ts";
import { BENCH_SCHEMES } from "./sample-files.ts";

const file = process.argv[2];
if (!file) throw new Error("usage: ingest-rss.ts FILE");
const report = await ingest(createReadStream(file, { highWaterMark: 1 << 20 }), {
  file,
  now: new Date(),
  schemes: BENCH_SCHEMES,
});
const peakMegabytes = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${peakMegabytes.toFixed(0)} MB for ${report.accepted} rows`);
