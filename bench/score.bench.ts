/**
 * npm run bench:score — (1) scoring 100,000 customer segments × 36 months on one core, the scoring
 * engine alone on a cube built in memory; (2) `segfocus score` end to end on the 1,000,000-row sample
 * next to ingesting the same file alone, both as fresh processes in the same run.
 *
 *   npm run bench:score -- [--segments 100000] [--months 36] [--rows 1000000]
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { Cube } from "#domain/cube.ts";
import { discountFromRate } from "#domain/list-discount.ts";
import { monthIndex } from "#domain/month.ts";
import { DEFAULT_POLICY } from "#domain/policy.ts";
import { scoreCube } from "#domain/scoring.ts";
import { sampleFile } from "./sample-files.ts";

const { values } = parseArgs({
  options: {
    segments: { type: "string", default: "100000" },
    months: { type: "string", default: "36" },
    rows: { type: "string", default: "1000000" },
  },
});
const segments = Number(values.segments);
const months = Number(values.months);
const rows = Number(values.rows);

const cube = customerCube(segments, months);
const scheme = cube.schemes[0];
console.log(
  `cube: ${scheme?.segmentCount.toLocaleString("en")} customer segments, ${scheme?.monthKeys.size.toLocaleString("en")} segment-months`,
);
const started = performance.now();
const result = scoreCube(cube, DEFAULT_POLICY);
const seconds = (performance.now() - started) / 1000;
const decided = result.schemes[0]?.segments.length ?? 0;
console.log(
  `score ${decided.toLocaleString("en")} segments × ${months} months (1 core): ${seconds.toFixed(2)} s, ${Math.round(decided / seconds).toLocaleString("en")} segments/s`,
);

if (rows > 0) {
  const file = await sampleFile(rows);
  const cli = timed(() =>
    execFileSync(process.execPath, ["bin/segfocus.js", "score", file, "--format", "json"], {
      maxBuffer: 1 << 30,
      stdio: ["ignore", "ignore", "ignore"],
    }),
  );
  const ingestOnly = timed(() =>
    execFileSync(process.execPath, ["--import", "tsx", "bench/ingest-only.ts", file], {
      stdio: ["ignore", "ignore", "ignore"],
    }),
  );
  console.log(
    `\n${rows.toLocaleString("en")}-row file, fresh processes, default schemes (one per dimension + customer):`,
  );
  console.log(`  segfocus score --format json  ${cli.toFixed(2)} s`);
  console.log(`  ingest only                   ${ingestOnly.toFixed(2)} s`);
  console.log(
    `  scoring and output add        ${(cli - ingestOnly).toFixed(2)} s (${((cli / ingestOnly - 1) * 100).toFixed(0)}%)`,
  );
}

function timed(run: () => unknown): number {
  const start = performance.now();
  run();
  return (performance.now() - start) / 1000;
}

/** A cube of `count` customers, each buying in every month, with trends that differ by customer. */
function customerCube(count: number, monthCount: number): Cube {
  const built = Cube.empty();
  built.scheme(["customer"]);
  const freight = built.costComponent("freight");
  const facts = built.newLineFacts();
  const customers = built.dictionary(0);
  const first = monthIndex(2023, 1);
  for (let c = 0; c < count; c++) {
    facts.values[0] = customers.intern(`C${c}`);
    const size = 1000 + (c % 997) * 37;
    const trend = ((c % 13) - 6) / 100;
    for (let m = 0; m < monthCount; m++) {
      facts.month = first + m;
      facts.revenue = Math.round(size * (1 + trend * m) * 10_000);
      facts.cogs = Math.round(facts.revenue * 0.6);
      facts.costs[freight] = Math.round(facts.revenue * (0.05 + (c % 7) / 100));
      facts.profit = facts.revenue - facts.cogs - (facts.costs[freight] as number);
      discountFromRate(facts.revenue, 500, facts);
      facts.orderHash = (c * 31 + m) >>> 0 || 1;
      built.add(facts);
    }
  }
  return built;
}
