/**
 * A worker thread that ingests one part of a big uncompressed object — what one Distributed Map
 * worker does in AWS, with the same step (lib/pipeline/distributed/part.ts) — and posts back its
 * outcome, the partial cube as bytes (transferred, not copied), or the fault that stopped it.
 */
import { parentPort, workerData } from "node:worker_threads";
import { ingestPart, type PartOutcome } from "#pipeline/distributed/part.ts";
import type { IngestPart, PartSettings } from "#pipeline/distributed/steps.ts";
import type { UploadedObject } from "#pipeline/ingest-batch.ts";
import { type AwsEndpoints, createS3Client } from "#store/aws-clients.ts";
import { S3BlobStore } from "#store/s3-blob-store.ts";

export interface RangeTask {
  readonly endpoints: AwsEndpoints;
  readonly bucket: string;
  readonly object: UploadedObject;
  readonly settings: PartSettings;
  readonly part: IngestPart;
}

/** A part's outcome, or a storage fault: the whole ingest is then retried, as a failed map would be. */
export type RangeOutcome = PartOutcome | { readonly fault: string };

const task = workerData as RangeTask;
try {
  const blobs = new S3BlobStore(createS3Client(task.endpoints), task.bucket);
  const outcome = await ingestPart(blobs, task.object, task.settings, task.part);
  parentPort?.postMessage(outcome, outcome.ok ? [outcome.cube.buffer as ArrayBuffer] : []);
} catch (error) {
  const outcome: RangeOutcome = { fault: (error as Error).message };
  parentPort?.postMessage(outcome);
}
