import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { Cube } from "#domain/cube.ts";
import { decodeCube } from "#domain/cube-codec.ts";
import { headerLine, planByteRanges } from "#ingest/byte-range.ts";
import {
  DEFAULT_REJECT_RATIO,
  FIRST_REJECTS_KEPT,
  type IngestOptions,
  type IngestReport,
  ingest,
} from "#ingest/ingest.ts";
import { IngestError, type IngestErrorCode } from "#ingest/ingest-error.ts";
import { describeReject, type Reject } from "#ingest/reject.ts";
import type { RangeOutcome, RangeTask } from "#local/range-worker.ts";
import type { ObjectIngester, UploadedObject } from "#pipeline/ingest-batch.ts";
import type { AwsEndpoints } from "#store/aws-clients.ts";
import type { BlobStore } from "#store/blob-store.ts";

/** Uncompressed objects at least this large are split into byte ranges, one worker thread per core. */
export const PARALLEL_INGEST_BYTES = 64 * 1024 * 1024;
const HEADER_PROBE_BYTES = 1024 * 1024;

/**
 * Ingests an object with every core, the way the cloud's Distributed Map does: plan byte ranges,
 * ingest each in a worker with the same range reader, merge the partial cubes. Gzip and small
 * objects are read whole. Rejects come back with range-relative lines and are renumbered once every
 * earlier range has said how many lines it read. Duplicate transaction ids are caught within a range.
 */
export interface ParallelSettings {
  readonly workers: number;
  /** Objects smaller than this are read whole. */
  readonly minimumBytes: number;
}

export function parallelIngester(
  blobs: BlobStore,
  endpoints: AwsEndpoints,
  settings: ParallelSettings = { workers: availableParallelism(), minimumBytes: PARALLEL_INGEST_BYTES },
): ObjectIngester {
  return (object, bytes, options) => ingestInParallel(blobs, endpoints, object, bytes, options, settings);
}

async function ingestInParallel(
  blobs: BlobStore,
  endpoints: AwsEndpoints,
  object: UploadedObject,
  bytes: () => AsyncIterable<Uint8Array>,
  options: IngestOptions,
  { workers, minimumBytes }: ParallelSettings,
): Promise<IngestReport> {
  const whole = () => ingest(bytes(), options);
  if (object.size < minimumBytes || workers < 2) return whole();
  let firstBytes = new Uint8Array(0);
  for await (const chunk of await blobs.getStream(object.key, {
    start: 0,
    end: Math.min(object.size, HEADER_PROBE_BYTES),
  })) {
    firstBytes = Buffer.concat([firstBytes, chunk]);
  }
  if (
    (firstBytes[0] === 0x1f && firstBytes[1] === 0x8b) ||
    firstBytes.indexOf(0x0a) < 0 ||
    options.mapping?.format === "ndjson" ||
    firstBytes[0] === 0x7b
  ) {
    return whole();
  }
  const header = headerLine(firstBytes, options.file);
  const ranges = planByteRanges(object.size, Math.ceil(object.size / workers));
  const outcomes = await Promise.all(
    ranges.map((range) =>
      runWorker({
        endpoints,
        bucket: blobs.bucket,
        key: object.key,
        size: object.size,
        range,
        header,
        file: options.file,
        mapping: options.mapping,
        schemes: options.schemes?.map((scheme) => [...scheme]),
        breadthDimension: options.breadthDimension ?? "category",
        now: options.now.toISOString(),
      }),
    ),
  );
  const failure = outcomes.find((outcome) => !outcome.ok);
  if (failure && !failure.ok) {
    if (failure.code)
      throw new IngestError(failure.code as IngestErrorCode, failure.message, failure.details as never);
    throw new Error(failure.message);
  }
  const parts = outcomes.filter((outcome): outcome is Extract<RangeOutcome, { ok: true }> => outcome.ok);

  let rows = 0;
  let rejected = 0;
  let linesBefore = 0;
  const firstRejects: Reject[] = [];
  const rejects: Reject[] = [];
  for (const part of parts) {
    rows += part.rows;
    rejected += part.rejected;
    // A range's line 1 is its (borrowed) header, line 2 its first own line.
    for (const reject of part.rejects) rejects.push({ ...reject, line: reject.line + linesBefore });
    linesBefore += part.lines - 1;
  }
  firstRejects.push(...rejects.slice(0, FIRST_REJECTS_KEPT));
  const ratio = options.rejectRatio ?? DEFAULT_REJECT_RATIO;
  if (rows > 0 && rejected / rows > ratio) {
    throw new IngestError(
      "REJECT_RATIO_EXCEEDED",
      `${rejected} of ${rows} rows (${((rejected / rows) * 100).toFixed(1)}%) were rejected, more than the ${(ratio * 100).toFixed(1)}% allowed, so nothing from this file was applied. First problems: ${firstRejects.slice(0, 3).map(describeReject).join("; ")}`,
      { file: options.file, rows, rejected, rejectRatio: ratio, firstRejects },
    );
  }
  for (const reject of rejects) options.onReject?.(reject);
  const first = parts[0];
  return {
    file: options.file,
    format: "csv",
    headers: first?.headers ?? [],
    schemes: first?.schemes ?? [],
    rows,
    accepted: rows - rejected,
    rejected,
    firstRejects,
    lines: linesBefore + 1,
    cube: Cube.merged(
      parts.map((part) => decodeCube(part.cube)),
      { breadthDimension: options.breadthDimension },
    ),
  };
}

/**
 * Worker threads do not inherit tsx's loader, and take no --import: the entry is a tiny module that
 * registers tsx in the worker's own thread, then loads the TypeScript worker.
 */
const WORKER_ENTRY = new URL(
  `data:text/javascript,${encodeURIComponent(
    `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))}; register(); await import(${JSON.stringify(new URL("./range-worker.ts", import.meta.url).href)});`,
  )}`,
);

function runWorker(task: RangeTask): Promise<RangeOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_ENTRY, {
      workerData: task,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    worker.once("message", (outcome: RangeOutcome) => {
      resolve(outcome);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`a range worker exited with code ${code}`));
    });
  });
}
