/**
 * npm run bench:api — the API under load on the local stack with the 200,000-row sample (generated
 * into .segfocus/ on the first run): autocannon at 50 connections for 10 s on each of the planner's
 * two hottest reads: a page of customer segments, and one customer segment's detail. The detail is
 * measured twice: rotating among the 100 best by focus (a planner's working set, which the warm
 * function keeps), and rotating among more segments than it keeps, so that every read goes to the table. Prints req/s, p50 and p99 latency and the non-2xx count for each.
 *
 *   npm run bench:api -- [--connections 50] [--duration 10]
 */
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { SEGMENTS_KEPT } from "#api/routes/schemes.ts";
import { startLocalStack } from "#local/local-stack.ts";

/** The part of autocannon's programmatic API this benchmark uses (the package ships no types). */
interface AutocannonOptions {
  readonly url: string;
  readonly connections: number;
  readonly duration?: number;
  readonly amount?: number;
  readonly workers?: number;
  readonly headers: Record<string, string>;
  readonly requests: ReadonlyArray<{ readonly method: "GET"; readonly path: string }>;
}

interface AutocannonResult {
  readonly requests: { readonly average: number; readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

const autocannon = createRequire(import.meta.url)("autocannon") as (
  options: AutocannonOptions,
) => Promise<AutocannonResult>;

const { values } = parseArgs({
  options: {
    connections: { type: "string", default: "50" },
    duration: { type: "string", default: "10" },
  },
});
const connections = Number(values.connections);
const duration = Number(values.duration);
const TARGET_P99_MS = 50;

// However it goes, the run ends: loading the sample, two runs and closing take well under this.
const deadline = setTimeout(
  () => {
    console.error("bench:api did not finish in time; stopping");
    process.exit(1);
  },
  (300 + 3 * duration) * 1000,
);
deadline.unref();

process.stderr.write("starting the local stack with the sample batch (generated on the first run)…\n");
const stack = await startLocalStack({
  port: 0,
  sample: true,
  log: (line) => process.stderr.write(`${line}\n`),
});
const headers = { authorization: `Bearer ${stack.tokens.planner}` };

try {
  const listPath = "/schemes/customer/segments?limit=100";
  const customerIds = await segmentIds("customer", SEGMENTS_KEPT * 2);
  if (customerIds.length <= SEGMENTS_KEPT) {
    throw new Error(
      `the customer scheme has ${customerIds.length} segments, too few to read past the ${SEGMENTS_KEPT} kept`,
    );
  }
  const detailPath = (id: string) => `/schemes/customer/segments/${encodeURIComponent(id)}`;

  const cases = [
    { label: `GET ${listPath}`, paths: [listPath] },
    {
      label: "GET /schemes/customer/segments/{id} (100 ids in turn, kept)",
      paths: customerIds.slice(0, 100).map(detailPath),
    },
    {
      label: `GET /schemes/customer/segments/{id} (${customerIds.length} ids in turn, read)`,
      paths: customerIds.map(detailPath),
    },
  ];
  const lines: string[] = [];
  let met = true;
  for (const { label, paths } of cases) {
    const requests = paths.map((path) => ({ method: "GET" as const, path }));
    // A short warm-up, so the figures are of a warm handler and not of the JIT's first minutes.
    await autocannon({ url: stack.url, connections: 10, amount: 500, headers, requests });
    // The load runs in a worker thread: on the main thread it would compete with the stack it measures.
    const result = await autocannon({ url: stack.url, connections, duration, workers: 1, headers, requests });
    met &&= result.latency.p99 < TARGET_P99_MS && result.non2xx === 0;
    lines.push(
      `${label.padEnd(58)} ${Math.round(result.requests.average).toLocaleString("en-US").padStart(6)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  non-2xx ${result.non2xx}${result.errors + result.timeouts > 0 ? `  errors ${result.errors}, timeouts ${result.timeouts}` : ""}`,
    );
  }
  console.log(
    `local stack (one Node process: the API handler and s3rver on its main thread, dynalite on a thread of its own), 200,000-row sample, ${connections} connections, ${duration} s each, planner token`,
  );
  for (const line of lines) console.log(line);
  console.log(`target: p99 < ${TARGET_P99_MS} ms and no non-2xx on each — ${met ? "met" : "not met"}`);
} finally {
  await stack.close();
}

/** The ids of a scheme's first `count` segments by focus. */
async function segmentIds(schemeId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const query = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const response = await fetch(`${stack.url}/schemes/${schemeId}/segments?${query}`, { headers });
    if (response.status !== 200) throw new Error(`GET segments of ${schemeId}: ${response.status}`);
    const page = (await response.json()) as { items: ReadonlyArray<{ id: string }>; cursor?: string | null };
    ids.push(...page.items.map((segment) => segment.id));
    cursor = page.cursor ?? undefined;
  } while (cursor && ids.length < count);
  return ids.slice(0, count);
}
