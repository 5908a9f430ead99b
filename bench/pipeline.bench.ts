/**
 * npm run bench:pipeline — on the local stack: the time from the end of an upload of the generated
 * 1,000,000-row sample (through the presigned URL, as an ERP would) to its scores being visible
 * through the API, with the pipeline's own breakdown.
 *
 *   npm run bench:pipeline -- [--rows 1000000]
 */
import { readFile, stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { startLocalStack } from "#local/local-stack.ts";
import type { BatchRecord, SchemeRecord } from "#store/records.ts";
import { sampleFile } from "./sample-files.ts";

const { values } = parseArgs({ options: { rows: { type: "string", default: "1000000" } } });
const rows = Number(values.rows);
const file = await sampleFile(rows);
const size = (await stat(file)).size;
const pipelineLog: string[] = [];
const stack = await startLocalStack({ port: 0, sample: false, log: (line) => pipelineLog.push(line) });
const auth = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" });

const created = (await (
  await fetch(`${stack.url}/batches`, {
    method: "POST",
    headers: auth(stack.tokens.ingest),
    body: JSON.stringify({ batchId: "bench", fileName: "sample.csv" }),
  })
).json()) as { uploadUrl: string };
const body = await readFile(file);
const uploadStarted = performance.now();
const upload = await fetch(created.uploadUrl, { method: "PUT", body });
if (upload.status !== 200) throw new Error(`upload failed: ${upload.status}`);
const uploaded = performance.now();

let batch: BatchRecord | undefined;
let visibleAt = 0;
for (;;) {
  batch = (await (
    await fetch(`${stack.url}/batches/bench`, { headers: auth(stack.tokens.ingest) })
  ).json()) as BatchRecord;
  if (batch.status === "failed") throw new Error(`the batch failed: ${batch.error?.message}`);
  if (batch.status === "scored") {
    const schemes = (await (
      await fetch(`${stack.url}/schemes`, { headers: auth(stack.tokens.planner) })
    ).json()) as { schemes: SchemeRecord[] };
    if (schemes.schemes.length > 0) {
      visibleAt = performance.now();
      break;
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
console.log(
  `${rows.toLocaleString("en")} rows, ${(size / 1e6).toFixed(0)} MB, local stack (dynalite + s3rver on this machine)`,
);
console.log(`upload through the presigned URL        ${((uploaded - uploadStarted) / 1000).toFixed(2)} s`);
console.log(`end of upload → scores visible via API   ${((visibleAt - uploaded) / 1000).toFixed(2)} s`);
console.log(`  of which ingest (batch ingestMs)        ${((batch.ingestMs ?? 0) / 1000).toFixed(2)} s`);
for (const line of pipelineLog) console.log(`  pipeline: ${line}`);
await stack.close();
