/**
 * A worker thread that ingests one byte range of a big uncompressed object — what one Distributed
 * Map worker does in AWS — and posts back its partial cube (as bytes, transferred, not copied), its
 * counts and its rejects with range-relative line numbers.
 */
import { parentPort, workerData } from "node:worker_threads";
import { encodeCube } from "#domain/cube-codec.ts";
import { type ByteRange, ingestRange } from "#ingest/byte-range.ts";
import { MAX_RECORD_BYTES } from "#ingest/csv-records.ts";
import { IngestError } from "#ingest/ingest-error.ts";
import type { ColumnMapping } from "#ingest/mapping.ts";
import type { Reject } from "#ingest/reject.ts";
import { type AwsEndpoints, createS3Client } from "#store/aws-clients.ts";
import { S3BlobStore } from "#store/s3-blob-store.ts";

export interface RangeTask {
  readonly endpoints: AwsEndpoints;
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly range: ByteRange;
  readonly header: Uint8Array;
  readonly file: string;
  readonly mapping?: ColumnMapping;
  readonly schemes?: string[][];
  readonly breadthDimension: string;
  readonly now: string;
}

export type RangeOutcome =
  | {
      readonly ok: true;
      readonly rows: number;
      readonly rejected: number;
      readonly lines: number;
      readonly headers: readonly string[];
      readonly schemes: readonly string[];
      readonly rejects: Reject[];
      readonly cube: Uint8Array;
    }
  | { readonly ok: false; readonly code?: string; readonly message: string; readonly details?: unknown };

const task = workerData as RangeTask;
try {
  const blobs = new S3BlobStore(createS3Client(task.endpoints), task.bucket);
  // From the byte before the range (to see whether it starts a line) to one longest row past its end,
  // enough to finish its last line: a row longer than that is refused as malformed anyway.
  const input = await blobs.getStream(task.key, {
    start: Math.max(0, task.range.start - 1),
    end: Math.min(task.size, task.range.end + MAX_RECORD_BYTES + 1),
  });
  const rejects: Reject[] = [];
  const report = await ingestRange(input, task.range, task.header, {
    file: task.file,
    mapping: task.mapping,
    schemes: task.schemes,
    breadthDimension: task.breadthDimension,
    now: new Date(task.now),
    onReject: (reject) => rejects.push(reject),
  });
  const cube = encodeCube(report.cube);
  const outcome: RangeOutcome = {
    ok: true,
    rows: report.rows,
    rejected: report.rejected,
    lines: report.lines,
    headers: report.headers,
    schemes: report.schemes,
    rejects,
    cube,
  };
  parentPort?.postMessage(outcome, [cube.buffer as ArrayBuffer]);
} catch (error) {
  const outcome: RangeOutcome =
    error instanceof IngestError
      ? { ok: false, code: error.code, message: error.message, details: error.details }
      : { ok: false, message: (error as Error).message };
  parentPort?.postMessage(outcome);
}
