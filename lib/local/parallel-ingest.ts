import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { type IngestOptions, type IngestReport, ingest } from "#ingest/ingest.ts";
import type { RangeOutcome, RangeTask } from "#local/range-worker.ts";
import { mergeParts } from "#pipeline/distributed/merge.ts";
import type { PartOutcome } from "#pipeline/distributed/part.ts";
import { partSettingsOf, planParts } from "#pipeline/distributed/plan.ts";
import type { ObjectIngester, UploadedObject } from "#pipeline/ingest-batch.ts";
import type { AwsEndpoints } from "#store/aws-clients.ts";
import type { BlobStore } from "#store/blob-store.ts";

/** Uncompressed objects at least this large are split into byte ranges, one worker thread per core. */
export const PARALLEL_INGEST_BYTES = 64 * 1024 * 1024;

/** How many worker threads a big object is split over, and from what size on. */
export interface ParallelSettings {
  readonly workers: number;
  /** Objects smaller than this are read whole. */
  readonly minimumBytes: number;
}

/**
 * Ingests an object with every core, with the steps of the cloud's Distributed Map
 * (lib/pipeline/distributed/): plan the parts, ingest each in a worker thread, merge them
 * in file order. Gzip, NDJSON, CSV files with line breaks in quoted fields and small objects are
 * read whole. Duplicate transaction ids are caught within a range. Every part reads the upload it
 * was given (If-Match on its entity tag: s3rver keeps no versions); when the file was sent again
 * meanwhile, the ingest throws ObjectSuperseded and the batch is left to the newer upload.
 */
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
  const parts = await planParts(blobs, object, options.mapping, Math.ceil(object.size / workers));
  if (parts.length < 2) return whole();
  const settings = partSettingsOf(options);
  const outcomes = await Promise.all(
    parts.map((part) => runWorker({ endpoints, bucket: blobs.bucket, object, settings, part })),
  );
  const fault = outcomes.find((outcome) => "fault" in outcome);
  if (fault && "fault" in fault) throw new Error(fault.fault);
  return mergeParts(outcomes as PartOutcome[], options, parts.length);
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
