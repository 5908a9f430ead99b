import { planByteRanges } from "#ingest/byte-range.ts";
import { DEFAULT_REJECT_RATIO } from "#ingest/file-verdict.ts";
import { csvDelimiter, holdsQuotedLineBreak, isGzip, looksLikeNdjson } from "#ingest/format-sniff.ts";
import type { IngestOptions } from "#ingest/ingest.ts";
import type { ColumnMapping } from "#ingest/mapping.ts";
import { RANGE_BYTES } from "#pipeline/distributed/sizes.ts";
import type { IngestPart, IngestPlan, PartSettings } from "#pipeline/distributed/steps.ts";
import { firstBytesOf } from "#pipeline/distributed/upload.ts";
import { batchIngestOptions, beginIngest, failIngest, type UploadedObject } from "#pipeline/ingest-batch.ts";
import { type BlobStore, ObjectSuperseded } from "#store/blob-store.ts";
import type { ServiceContext } from "#store/service-context.ts";

/**
 * At most this many parts to an upload: the plan's list of parts travels in the state machine's
 * state (256 KiB at most, a part ~65 bytes of JSON), so a bigger file gets bigger ranges instead.
 */
export const MAX_PARTS = 2_000;

/**
 * Step 1. Marks the batch ingesting and plans its parts, reading the batch's mapping and the policy
 * once for all of them. Content counted already, a batch that fails before any part is read (an
 * invalid mapping), or an upload a newer one replaced needs no map: "skip". A storage fault is
 * recorded as retryable and thrown.
 */
export async function planIngestStep(
  context: ServiceContext,
  object: UploadedObject,
  rangeBytes = RANGE_BYTES,
): Promise<IngestPlan> {
  const start = await beginIngest(context, object);
  if (!start || start.counted) return { action: "skip", object, status: start?.batch.status };
  try {
    const options = await batchIngestOptions(context, start);
    const parts = await planParts(context.blobs, object, options.mapping, rangeBytes);
    return {
      action: "ingest",
      object,
      settings: partSettingsOf(options),
      startedAt: context.now().toISOString(),
      parts,
    };
  } catch (error) {
    if (error instanceof ObjectSuperseded) {
      const batch = await context.batches.getBatch(start.batch.batchId);
      return { action: "skip", object, status: batch?.status, superseded: true };
    }
    const failed = await failIngest(context, object, error);
    return { action: "skip", object, status: failed?.status };
  }
}

/**
 * How an upload is cut: byte ranges of about `rangeBytes` (more for a file that would otherwise
 * make more than MAX_PARTS of them) for an uncompressed CSV file larger than that, otherwise one
 * part, the whole object. Ranges are cut at line ends, so what cannot be cut there is read whole:
 * gzip (a stream cannot be entered midway), NDJSON (a string may hold a newline), and a CSV file
 * whose first MiB has a quoted field with a line break in it — such a field cut in two would fail
 * one part and garble the next. A file whose first quoted line break comes later is still cut, and
 * fails at a cut inside such a field with a message that says to send it gzip-compressed (see
 * partFailure). Reading every file whole instead would be correct but lose the map's speed for all
 * of them, and falling back to a whole read in the merge could outlast its 15 minutes.
 */
export async function planParts(
  blobs: BlobStore,
  object: UploadedObject,
  mapping: ColumnMapping | undefined,
  rangeBytes: number,
): Promise<IngestPart[]> {
  const whole = [{ index: 0 }];
  if (object.size <= rangeBytes || mapping?.format === "ndjson") return whole;
  const firstBytes = await firstBytesOf(blobs, object);
  if (isGzip(firstBytes) || looksLikeNdjson(firstBytes) || !firstBytes.includes(LF)) return whole;
  const delimiter = mapping?.delimiter ?? csvDelimiter(firstBytes);
  if (holdsQuotedLineBreak(firstBytes, delimiter.charCodeAt(0))) return whole;
  return planByteRanges(object.size, partBytes(object.size, rangeBytes)).map((range, index) => ({
    index,
    range,
  }));
}

/** The size of the ranges a file of `size` bytes is cut into: `rangeBytes`, or more to stay within MAX_PARTS. */
export function partBytes(size: number, rangeBytes: number): number {
  return Math.max(rangeBytes, Math.ceil(size / MAX_PARTS));
}

const LF = 0x0a;

/** The settings every part of an upload is read with, from the batch's ingest options. */
export function partSettingsOf(options: IngestOptions): PartSettings {
  return {
    file: options.file,
    mapping: options.mapping,
    schemes: options.schemes?.map((scheme) => [...scheme]),
    rejectRatio: options.rejectRatio ?? DEFAULT_REJECT_RATIO,
    breadthDimension: options.breadthDimension,
    now: options.now.toISOString(),
  };
}
