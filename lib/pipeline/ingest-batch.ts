import { PassThrough } from "node:stream";
import { encodeCube } from "#domain/cube-codec.ts";
import { policyInForce } from "#domain/policy-change.ts";
import { type IngestOptions, type IngestReport, ingest } from "#ingest/ingest.ts";
import { IngestError } from "#ingest/ingest-error.ts";
import { parseColumnMapping } from "#ingest/mapping.ts";
import type { Reject } from "#ingest/reject.ts";
import { BlobKeys, ObjectSuperseded, parseIncomingKey, type ReadOptions } from "#store/blob-store.ts";
import type { BatchRecord } from "#store/records.ts";
import type { ServiceContext } from "#store/service-context.ts";
import { newBatch } from "#use-cases/announce-batch.ts";

/** The rejects file lists at most this many rows; past 5% of rows the batch fails anyway. */
export const MAX_REJECTS_LISTED = 1_000_000;

/** An upload as its S3 event announces it. */
export interface UploadedObject {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  /** The upload's version in a versioned bucket: what a read pins to, and what names this upload. */
  readonly versionId?: string;
  /** S3's per-upload ordering value for the key; names the upload where there is no version id. */
  readonly sequencer?: string;
}

/**
 * How an object's rows become a report: by default one stream read whole; the local stack passes one
 * that splits big files over worker threads, as the cloud splits them over a Distributed Map.
 */
export type ObjectIngester = (
  object: UploadedObject,
  bytes: () => AsyncIterable<Uint8Array>,
  options: IngestOptions,
) => Promise<IngestReport>;

const ingestWhole: ObjectIngester = (_object, bytes, options) => ingest(bytes(), options);

/**
 * Ingests one uploaded file, `incoming/{batchId}/{fileName}`, into the batch's partial cube:
 * received → ingesting → aggregated | failed. The same content sent again counts once (its entity
 * tag is remembered); new content under the same batch id replaces the batch's partial. A file that
 * fails leaves the previous partial — and so the previous scores — in place. A storage fault marks
 * the batch failed as retryable and is thrown, so the event is delivered again.
 */
export async function ingestBatch(
  context: ServiceContext,
  object: UploadedObject,
  ingestObject: ObjectIngester = ingestWhole,
): Promise<BatchRecord | undefined> {
  const start = await beginIngest(context, object);
  if (!start || start.counted) return start?.batch;
  const started = performance.now();
  const download = new Download(context.blobs, object.key);
  return completeIngest(
    context,
    object,
    async (onReject) => {
      const options = await batchIngestOptions(context, start);
      return ingestObject(object, () => download.bytes(), { ...options, onReject });
    },
    { elapsedMs: () => Math.round(performance.now() - started), readFailure: () => download.failure },
  );
}

/** An upload's batch as ingest finds it: `counted` when this very content was aggregated already. */
export interface IngestStart {
  readonly batch: BatchRecord;
  /** The uploaded file's name, from its key. */
  readonly fileName: string;
  readonly counted: boolean;
}

/**
 * The first half of ingesting an upload: finds (or creates) its batch and, unless the same content
 * was counted already, marks it ingesting. Undefined for a key outside incoming/{batchId}/.
 */
export async function beginIngest(
  context: ServiceContext,
  object: UploadedObject,
): Promise<IngestStart | undefined> {
  const location = parseIncomingKey(object.key);
  if (!location) return undefined;
  const { batchId, fileName } = location;
  const { batches } = context;
  const now = context.now();
  const stamp = now.toISOString();
  const known =
    (await batches.getBatch(batchId)) ??
    (await batches.createBatch(newBatch({ batchId, fileName }, now))).batch;
  if (isCounted(known, object.etag)) return { batch: known, fileName, counted: true };
  await batches.updateBatch(batchId, {
    status: "ingesting",
    fileName,
    size: object.size,
    error: undefined,
    updatedAt: stamp,
  });
  return { batch: known, fileName, counted: false };
}

/** Whether this content (by entity tag) is the batch's aggregated content already. */
export function isCounted(batch: BatchRecord, etag: string): boolean {
  return batch.contentHash === etag && (batch.status === "aggregated" || batch.status === "scored");
}

/**
 * What the batch's file is read with: the batch's column mapping (an IngestError when it is not
 * valid) and the policy in force — its schemes, reject ratio and breadth dimension.
 */
export async function batchIngestOptions(
  context: ServiceContext,
  { batch, fileName: file }: IngestStart,
): Promise<IngestOptions> {
  const mapping = batch.mapping === undefined ? undefined : parseColumnMapping(batch.mapping, file);
  const policy = policyInForce(await context.config.getPolicy());
  return {
    file,
    mapping,
    schemes: policy.schemes.length > 0 ? policy.schemes : undefined,
    rejectRatio: policy.rejectRatio,
    breadthDimension: policy.breadthDimension,
    now: context.now(),
  };
}

/** How the second half of an ingest went about it: its duration, and whether reading the upload failed. */
export interface IngestTiming {
  readonly elapsedMs: () => number;
  /** The fault that broke reading the upload, if one did: then a bad-file error is a fault, not a bad file. */
  readonly readFailure?: () => unknown;
}

/**
 * The second half: produces the file's report — its rejects streaming to
 * quarantine/{batchId}/rejects.ndjson — then writes the batch's partial and marks it aggregated, or
 * records why it failed (see failIngest).
 */
export async function completeIngest(
  context: ServiceContext,
  object: UploadedObject,
  produce: (onReject: (reject: Reject) => void) => Promise<IngestReport>,
  timing: IngestTiming,
): Promise<BatchRecord | undefined> {
  const location = parseIncomingKey(object.key);
  if (!location) return undefined;
  const { batchId } = location;
  const rejects = new RejectsFile(context, batchId);
  try {
    const report = await produce((reject) => rejects.add(reject));
    const rejectsKey = await rejects.finish();
    await context.blobs.put(BlobKeys.partial(batchId), encodeCube(report.cube));
    return await context.batches.updateBatch(batchId, {
      status: "aggregated",
      contentHash: object.etag,
      rows: report.rows,
      accepted: report.accepted,
      rejected: report.rejected,
      firstRejects: report.firstRejects,
      rejectsKey,
      ingestMs: timing.elapsedMs(),
      updatedAt: context.now().toISOString(),
    });
  } catch (error) {
    if (error instanceof ObjectSuperseded) {
      // A newer upload replaced this one while it was read: that upload's own ingest settles the
      // batch, so this one leaves the batch, its partial and its rejects file as they are.
      rejects.abandon();
      return context.batches.getBatch(batchId);
    }
    const rejectsKey = await rejects.finish().catch(() => undefined);
    return failIngest(context, object, error, { rejectsKey, readFailure: timing.readFailure?.() });
  }
}

/**
 * Records why an upload could not be ingested. A bad file (an IngestError while the upload read
 * fine) fails the batch for good, remembering the content so that sending it again gives the same
 * answer. Anything else is a fault: the batch is marked failed as retryable and the fault is
 * thrown, so the event is delivered (or the step run) again.
 */
export async function failIngest(
  context: ServiceContext,
  object: UploadedObject,
  error: unknown,
  { rejectsKey, readFailure }: { rejectsKey?: string; readFailure?: unknown } = {},
): Promise<BatchRecord | undefined> {
  const location = parseIncomingKey(object.key);
  if (!location) throw error;
  const { batchId } = location;
  const updatedAt = context.now().toISOString();
  if (error instanceof IngestError && readFailure === undefined) {
    const { firstRejects, rows, rejected } = error.details as {
      firstRejects?: Reject[];
      rows?: number;
      rejected?: number;
    };
    return await context.batches.updateBatch(batchId, {
      status: "failed",
      contentHash: object.etag,
      error: { code: error.code, message: error.message, details: error.details, retryable: false },
      rows,
      rejected,
      firstRejects,
      rejectsKey,
      updatedAt,
    });
  }
  const fault = readFailure ?? error;
  await context.batches.updateBatch(batchId, {
    status: "failed",
    error: {
      code: "SERVICE_ERROR",
      message: `the batch could not be processed: ${(fault as Error).message}; it will be retried`,
      retryable: true,
    },
    updatedAt,
  });
  throw fault;
}

/**
 * The uploaded object's bytes, remembering whether reading them failed: a connection that breaks
 * mid-file is a fault to retry, even when the reader makes a bad file of it (a cut-off gzip stream).
 */
export class Download {
  failure: unknown;

  constructor(
    private readonly blobs: ServiceContext["blobs"],
    private readonly key: string,
    private readonly options?: ReadOptions,
  ) {}

  async *bytes(): AsyncGenerator<Uint8Array> {
    try {
      yield* await this.blobs.getStream(this.key, this.options);
    } catch (error) {
      this.failure = error;
      throw error;
    }
  }
}

/** Streams rejects as NDJSON to quarantine/{batchId}/rejects.ndjson, starting the upload at the first one. */
class RejectsFile {
  private stream: PassThrough | undefined;
  private upload: Promise<void> | undefined;
  private count = 0;

  constructor(
    private readonly context: ServiceContext,
    private readonly batchId: string,
  ) {}

  add(reject: Reject): void {
    if (++this.count > MAX_REJECTS_LISTED) return;
    if (!this.stream) {
      this.stream = new PassThrough();
      this.upload = this.context.blobs.putStream(
        BlobKeys.rejects(this.batchId),
        this.stream,
        "application/x-ndjson",
      );
      // A fault can end the upload while rows are still being read, long before finish() awaits it.
      // Handled here (finish() still sees it), it is no unhandled rejection to end the process.
      this.upload.catch(() => undefined);
    }
    this.stream.write(`${JSON.stringify(reject)}\n`);
  }

  /** Gives the upload up, so that no rejects file is written: the upload fails with the stream. */
  abandon(): void {
    this.stream?.destroy(new Error("the rejects of a superseded upload are not kept"));
  }

  /** Completes the upload; the key of the rejects file, or undefined when there was no reject. */
  async finish(): Promise<string | undefined> {
    if (!this.stream || !this.upload) return undefined;
    this.stream.end();
    await this.upload;
    return BlobKeys.rejects(this.batchId);
  }
}
