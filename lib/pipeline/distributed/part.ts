import { encodeCube } from "#domain/cube-codec.ts";
import { type ByteRange, headerLine, ingestRange } from "#ingest/byte-range.ts";
import { MAX_RECORD_BYTES } from "#ingest/csv-records.ts";
import { type IngestOptions, ingest } from "#ingest/ingest.ts";
import { IngestError, type IngestErrorCode, type IngestErrorDetails } from "#ingest/ingest-error.ts";
import { parseColumnMapping } from "#ingest/mapping.ts";
import type { Reject } from "#ingest/reject.ts";
import { storePartOutcome } from "#pipeline/distributed/part-storage.ts";
import type { IngestPart, PartSettings, PartStepInput, PartStepResult } from "#pipeline/distributed/steps.ts";
import { firstBytesOf, pinnedTo } from "#pipeline/distributed/upload.ts";
import { Download, MAX_REJECTS_LISTED, type UploadedObject } from "#pipeline/ingest-batch.ts";
import { type BlobStore, ObjectSuperseded } from "#store/blob-store.ts";

/**
 * What one part yields: its partial cube and counts, the reason the file cannot be read there, or
 * that a newer upload replaced this one before the part was read.
 */
export type PartOutcome =
  | {
      readonly ok: true;
      readonly part: IngestPart;
      readonly format: "csv" | "ndjson";
      readonly rows: number;
      readonly rejected: number;
      /** Physical lines read; a range's line 1 is its borrowed header. */
      readonly lines: number;
      readonly headers: readonly string[];
      readonly schemes: readonly string[];
      /** With part-relative line numbers, at most MAX_REJECTS_LISTED of them. */
      readonly rejects: readonly Reject[];
      readonly cube: Uint8Array;
    }
  | {
      readonly ok: false;
      readonly part: IngestPart;
      readonly code: IngestErrorCode;
      readonly message: string;
      readonly details: IngestErrorDetails;
    }
  | { readonly ok: false; readonly part: IngestPart; readonly superseded: true; readonly message: string };

/**
 * Ingests one part into a partial cube of its own. The reject ratio is the whole file's business,
 * so a part never fails on it. A file that cannot be read there is an outcome, not an exception, and
 * so is an upload that a newer one replaced; a storage fault is thrown, to be retried — also when it
 * cut a stream short and so made the bytes look like a bad file.
 */
export async function ingestPart(
  blobs: BlobStore,
  object: UploadedObject,
  settings: PartSettings,
  part: IngestPart,
): Promise<PartOutcome> {
  const { range } = part;
  const rejects: Reject[] = [];
  // From the byte before the range (to see whether it starts a line) to one longest row past its end,
  // enough to finish its last line: a row longer than that is refused as malformed anyway.
  const download = new Download(blobs, object.key, {
    ...(range && {
      start: Math.max(0, range.start - 1),
      end: Math.min(object.size, range.end + MAX_RECORD_BYTES + 1),
    }),
    ...pinnedTo(object),
  });
  try {
    const options: IngestOptions = {
      file: settings.file,
      mapping:
        settings.mapping === undefined ? undefined : parseColumnMapping(settings.mapping, settings.file),
      schemes: settings.schemes,
      breadthDimension: settings.breadthDimension,
      now: new Date(settings.now),
      rejectRatio: 1,
      onReject: (reject) => {
        if (rejects.length < MAX_REJECTS_LISTED) rejects.push(reject);
      },
    };
    const report = range
      ? await ingestRange(download.bytes(), range, await headerOf(blobs, object, settings, range), options)
      : await ingest(download.bytes(), options);
    return {
      ok: true,
      part,
      format: report.format,
      rows: report.rows,
      rejected: report.rejected,
      lines: report.lines,
      headers: report.headers,
      schemes: report.schemes,
      rejects,
      cube: encodeCube(report.cube),
    };
  } catch (error) {
    const cause = download.failure ?? error;
    if (cause instanceof ObjectSuperseded)
      return { ok: false, part, superseded: true, message: cause.message };
    if (download.failure !== undefined || !(error instanceof IngestError)) throw cause;
    return { ok: false, part, code: error.code, message: error.message, details: error.details };
  }
}

/** The file's header line, which a range after the first borrows; the first range reads its own. */
async function headerOf(
  blobs: BlobStore,
  object: UploadedObject,
  settings: PartSettings,
  range: ByteRange,
): Promise<Uint8Array> {
  if (range.start === 0) return new Uint8Array(0);
  return headerLine(await firstBytesOf(blobs, object), settings.file);
}

/**
 * Step 2. Ingests one part and stores its outcome under keys named by the batch, the upload and the
 * part's index, so that a re-run overwrites its own result and another upload never does.
 */
export async function ingestPartStep(
  blobs: BlobStore,
  { object, settings, part }: PartStepInput,
): Promise<PartStepResult> {
  const outcome = await ingestPart(blobs, object, settings, part);
  await storePartOutcome(blobs, object, outcome);
  if (outcome.ok) return { index: part.index, ok: true, rows: outcome.rows, rejected: outcome.rejected };
  return "superseded" in outcome
    ? { index: part.index, ok: false, superseded: true }
    : { index: part.index, ok: false };
}
