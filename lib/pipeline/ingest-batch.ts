import { PassThrough } from "node:stream";
import { encodeCube } from "#domain/cube-codec.ts";
import { DEFAULT_POLICY } from "#domain/policy.ts";
import { type IngestOptions, type IngestReport, ingest } from "#ingest/ingest.ts";
import { IngestError } from "#ingest/ingest-error.ts";
import { parseColumnMapping } from "#ingest/mapping.ts";
import type { Reject } from "#ingest/reject.ts";
import type { PipelineContext } from "#pipeline/pipeline-context.ts";
import { BlobKeys, parseIncomingKey } from "#store/blob-store.ts";
import type { BatchRecord } from "#store/records.ts";

/** The rejects file lists at most this many rows; past 5% of rows the batch fails anyway. */
export const MAX_REJECTS_LISTED = 1_000_000;

export interface UploadedObject {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
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
  context: PipelineContext,
  object: UploadedObject,
  ingestObject: ObjectIngester = ingestWhole,
): Promise<BatchRecord | undefined> {
  const location = parseIncomingKey(object.key);
  if (!location) return undefined;
  const { batchId, fileName } = location;
  const { repository, blobs } = context;
  const stamp = () => context.now().toISOString();

  const known =
    (await repository.getBatch(batchId)) ??
    (
      await repository.createBatch({
        batchId,
        fileName,
        status: "awaiting_upload",
        createdAt: stamp(),
        updatedAt: stamp(),
      })
    ).batch;
  if (known.contentHash === object.etag && (known.status === "aggregated" || known.status === "scored"))
    return known;

  await repository.updateBatch(batchId, {
    status: "ingesting",
    fileName,
    size: object.size,
    error: undefined,
    updatedAt: stamp(),
  });
  const started = performance.now();
  const rejects = new RejectsFile(context, batchId);
  const download = new Download(blobs, object.key);
  try {
    const mapping = known.mapping === undefined ? undefined : parseColumnMapping(known.mapping, fileName);
    const policy = (await repository.getPolicy()) ?? DEFAULT_POLICY;
    const report = await ingestObject(object, () => download.bytes(), {
      file: fileName,
      mapping,
      schemes: policy.schemes.length > 0 ? policy.schemes : undefined,
      rejectRatio: policy.rejectRatio,
      breadthDimension: policy.breadthDimension,
      now: context.now(),
      onReject: (reject) => rejects.add(reject),
    });
    const rejectsKey = await rejects.finish();
    await blobs.put(BlobKeys.partial(batchId), encodeCube(report.cube));
    return await repository.updateBatch(batchId, {
      status: "aggregated",
      contentHash: object.etag,
      rows: report.rows,
      accepted: report.accepted,
      rejected: report.rejected,
      firstRejects: report.firstRejects,
      rejectsKey,
      ingestMs: Math.round(performance.now() - started),
      updatedAt: stamp(),
    });
  } catch (error) {
    const rejectsKey = await rejects.finish().catch(() => undefined);
    if (error instanceof IngestError && download.failure === undefined) {
      const { firstRejects, rows, rejected } = error.details as {
        firstRejects?: Reject[];
        rows?: number;
        rejected?: number;
      };
      return await repository.updateBatch(batchId, {
        status: "failed",
        contentHash: object.etag,
        error: { code: error.code, message: error.message, details: error.details, retryable: false },
        rows,
        rejected,
        firstRejects,
        rejectsKey,
        updatedAt: stamp(),
      });
    }
    const fault = download.failure ?? error;
    await repository.updateBatch(batchId, {
      status: "failed",
      error: {
        code: "SERVICE_ERROR",
        message: `the batch could not be processed: ${(fault as Error).message}; it will be retried`,
        retryable: true,
      },
      updatedAt: stamp(),
    });
    throw fault;
  }
}

/**
 * The uploaded object's bytes, remembering whether reading them failed: a connection that breaks
 * mid-file is a fault to retry, even when the reader makes a bad file of it (a cut-off gzip stream).
 */
class Download {
  failure: unknown;

  constructor(
    private readonly blobs: PipelineContext["blobs"],
    private readonly key: string,
  ) {}

  async *bytes(): AsyncGenerator<Uint8Array> {
    try {
      yield* await this.blobs.getStream(this.key);
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
    private readonly context: PipelineContext,
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

  /** Completes the upload; the key of the rejects file, or undefined when there was no reject. */
  async finish(): Promise<string | undefined> {
    if (!this.stream || !this.upload) return undefined;
    this.stream.end();
    await this.upload;
    return BlobKeys.rejects(this.batchId);
  }
}
