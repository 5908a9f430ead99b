/**
 * Each Lambda bundle as the stack deploys it: the stack is synthesized into a temporary cloud
 * assembly (bundling with the local esbuild), and every function's asset is measured there — its
 * size, gzip size and module initialisation time, the median of fresh Node processes that import
 * it with the environment the handler reads at import, next to a process that imports nothing.
 *
 *   npm run bench:bundles [-- --runs 5]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { App } from "aws-cdk-lib";
import { SegmentFocusStack } from "../infra/segment-focus-stack.ts";

const TARGET_BYTES = 1_000_000;
const TARGET_INIT_MS = 150;
const runsAt = process.argv.indexOf("--runs");
const RUNS = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 5;

/** What the handlers read at import, as the stack sets it (with placeholder names). */
const LAMBDA_ENVIRONMENT = {
  AWS_REGION: "eu-west-1",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  SEGFOCUS_BUCKET: "segfocus-bench",
  SEGFOCUS_TABLE: "segfocus-bench",
  SEGFOCUS_INGEST_STATE_MACHINE: "arn:aws:states:eu-west-1:123456789012:stateMachine:DistributedIngest",
  POWERTOOLS_METRICS_NAMESPACE: "SegmentFocus",
  NODE_OPTIONS: "--enable-source-maps",
};

interface Bundle {
  readonly name: string;
  readonly file: string;
}

function synthesizedBundles(outdir: string): Bundle[] {
  const app = new App({ outdir });
  const stack = new SegmentFocusStack(app, "SegmentFocus");
  const template = app.synth().getStackByName(stack.stackName).template as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  return Object.values(template.Resources)
    .filter(
      (resource) => resource.Type === "AWS::Lambda::Function" && resource.Properties.Runtime === "nodejs22.x",
    )
    .map((resource) => {
      const key = String((resource.Properties.Code as { S3Key: string }).S3Key).replace(/\.zip$/, "");
      const service = (resource.Properties.Environment as { Variables: Record<string, string> }).Variables
        .POWERTOOLS_SERVICE_NAME;
      return {
        name: String(service).replace(/^segment-focus-/, ""),
        file: join(outdir, `asset.${key}`, "index.mjs"),
      };
    });
}

/** One fresh process: [milliseconds to import the module, milliseconds from spawn to exit]. */
function importOnce(url: string | undefined, env: Record<string, string>): [number, number] {
  const script = url
    ? `const t = performance.now(); await import(${JSON.stringify(url)}); process.stdout.write(String(performance.now() - t));`
    : "process.stdout.write('0');";
  const started = performance.now();
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
  });
  return [Number(output), performance.now() - started];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function measure(
  url: string | undefined,
  env: Record<string, string>,
): { importMs: number; processMs: number } {
  const runs = Array.from({ length: RUNS }, () => importOnce(url, env));
  return { importMs: median(runs.map(([ms]) => ms)), processMs: median(runs.map(([, ms]) => ms)) };
}

const outdir = mkdtempSync(join(tmpdir(), "segfocus-bundles-"));
try {
  const bundles = synthesizedBundles(outdir);
  measure(undefined, {}); // warms the disk cache and Node's own code cache
  const reference = measure(undefined, {});
  console.log(
    `Lambda bundles as synthesized (node ${process.version}, median of ${RUNS} fresh processes each; a process importing nothing takes ${reference.processMs.toFixed(0)} ms)\n`,
  );
  const rows = bundles.map((bundle) => {
    const bytes = readFileSync(bundle.file);
    const { importMs, processMs } = measure(pathToFileURL(bundle.file).href, {
      ...LAMBDA_ENVIRONMENT,
      POWERTOOLS_SERVICE_NAME: `segment-focus-${bundle.name}`,
    });
    const flags = [
      bytes.length >= TARGET_BYTES ? `over ${TARGET_BYTES / 1e6} MB` : "",
      importMs >= TARGET_INIT_MS ? `over ${TARGET_INIT_MS} ms` : "",
    ].filter(Boolean);
    return {
      function: bundle.name,
      "bundle KB": (bytes.length / 1000).toFixed(1),
      "gzip KB": (gzipSync(bytes).length / 1000).toFixed(1),
      "map KB": (statSync(`${bundle.file}.map`).size / 1000).toFixed(1),
      "init ms": importMs.toFixed(1),
      "process ms": processMs.toFixed(0),
      "vs reference ms": `${processMs >= reference.processMs ? "+" : ""}${(processMs - reference.processMs).toFixed(0)}`,
      target: flags.length > 0 ? `MISSED: ${flags.join(", ")}` : "met",
    };
  });
  console.table(rows);
  console.log(
    `\ninit ms: import() of the bundle inside the process (module initialisation); target < ${TARGET_INIT_MS} ms. bundle KB: index.mjs, target < ${TARGET_BYTES / 1000} KB.`,
  );
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
