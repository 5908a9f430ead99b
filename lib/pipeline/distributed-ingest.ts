import { createHash } from "node:crypto";
import * as z from "zod";
import { Cube } from "#domain/cube.ts";
import { decodeCube, encodeCube } from "#domain/cube-codec.ts";
import { type ByteRange, headerLine, ingestRange, planByteRanges } from "#ingest/byte-range.ts";
import { MAX_RECORD_BYTES, sniffDelimiter } from "#ingest/csv-records.ts";
import {
  DEFAULT_REJECT_RATIO,
  FIRST_REJECTS_KEPT,
  type IngestOptions,
  type IngestReport,
  ingest,
} from "#ingest/ingest.ts";
import { IngestError, type IngestErrorCode, type IngestErrorDetails } from "#ingest/ingest-error.ts";
import { type ColumnMapping, parseColumnMapping } from "#ingest/mapping.ts";
import { describeReject, type Reject } from "#ingest/reject.ts";
import {
  batchIngestOptions,
  beginIngest,
  completeIngest,
  Download,
  failIngest,
  isCounted,
  MAX_REJECTS_LISTED,
  type UploadedObject,
} from "#pipeline/ingest-batch.ts";
import { type BlobStore, ObjectSuperseded, parseIncomingKey, type ReadOptions } from "#store/blob-store.ts";
import type { BatchRecord } from "#store/records.ts";
import type { ServiceContext } from "#store/service-context.ts";

/**
 * The big-file path of ingest, as three steps a Step Functions Distributed Map runs (and the local
 * stack runs over worker threads): plan the parts of an upload, ingest each part into a partial
 * cube of its own, merge the parts into the batch's partial exactly as ingestBatch writes it.
 *
 *   plan    the batch becomes "ingesting"; an uncompressed CSV file is cut into byte ranges, a gzip
 *           or NDJSON file, or a CSV file whose quoted fields hold line breaks, stays one part
 *   part    ranges/{batchId}/{upload}/{index}.json (counts, rejects with part-relative lines, why
 *           the part cannot be read, or that a newer upload replaced this one) and ….cube: a re-run
 *           overwrites its own keys
 *   merge   rejects renumbered in file order, the reject-ratio rule over the whole file, then the
 *           batch's partial, rejects file and status, as for a file ingested whole
 *
 * Every read of the upload, by the plan and by each part, is pinned to the one upload the event
 * announced: its S3 version, or, where there is none (an unversioned bucket, s3rver), its entity tag
 * (If-Match). Without the pin, a file sent again under the same key while the map runs would give
 * later parts the new bytes at the old offsets. A pinned read that finds newer content (412) makes
 * the step record that the upload was superseded and leave the batch to the newer upload's ingest.
 */

/** Uploads at least this large go to the Distributed Map rather than one ingest function (see the README's Capacity). */
export const DISTRIBUTED_INGEST_BYTES = 1024 ** 3;
/** The size of one byte range of a split upload: a few seconds to a minute of one worker's time. */
export const RANGE_BYTES = 256 * 1024 ** 2;
/**
 * At most this many parts to an upload: the plan's list of parts travels in the state machine's
 * state (256 KiB at most, a part ~65 bytes of JSON), so a bigger file gets bigger ranges instead.
 */
export const MAX_PARTS = 2_000;
/** Enough of a file's first bytes to hold its header line and tell its format. */
const HEADER_PROBE_BYTES = 1024 * 1024;

/**
 * Where the parts of an upload keep their results until the merge: a prefix with a short lifecycle,
 * a folder per batch and upload (see uploadId), so that two uploads never share a result.
 */
export const RangeKeys = {
  prefix: "ranges/",
  outcome: (batchId: string, upload: string, index: number) =>
    `ranges/${batchId}/${upload}/${partName(index)}.json`,
  cube: (batchId: string, upload: string, index: number) =>
    `ranges/${batchId}/${upload}/${partName(index)}.cube`,
} as const;

function partName(index: number): string {
  return String(index).padStart(5, "0");
}

/**
 * What tells one upload from another under the same key: its version id or, in a bucket without
 * versions, its entity tag and S3's sequencer. A redelivered event keeps it; a file sent again —
 * even with the same content — gets a new one.
 */
export function uploadIdentity(object: UploadedObject): string {
  return object.versionId === undefined
    ? `etag ${object.etag} sequencer ${object.sequencer ?? ""}`
    : `version ${object.versionId}`;
}

/** The upload's identity as 32 hex digits, fit for an object key. */
export function uploadId(object: UploadedObject): string {
  return createHash("sha256").update(uploadIdentity(object)).digest("hex").slice(0, 32);
}

/** How to read exactly this upload, whatever is written under its key later: its version, or its entity tag. */
export function pinnedTo(object: UploadedObject): Pick<ReadOptions, "versionId" | "ifMatch"> {
  return object.versionId === undefined ? { ifMatch: object.etag } : { versionId: object.versionId };
}

const uploadedObjectSchema = z.object({
  key: z.string().min(1),
  size: z.number().int().nonnegative(),
  etag: z.string().min(1),
  versionId: z.string().min(1).optional(),
  sequencer: z.string().min(1).optional(),
});

const byteRangeSchema = z
  .object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() })
  .refine((range) => range.end > range.start, { message: "a byte range ends after it starts" });

/** One part of an upload for one worker: a byte range of an uncompressed CSV file, or (no range) the whole object. */
const ingestPartSchema = z.object({
  index: z.number().int().nonnegative(),
  range: byteRangeSchema.optional(),
});
export type IngestPart = z.infer<typeof ingestPartSchema>;

/** How every part of one upload is read, fixed once by the plan so that all parts read alike. */
const partSettingsSchema = z.object({
  file: z.string().min(1),
  /** The batch's column mapping, validated by the plan; absent when the headers are canonical. */
  mapping: z.unknown().optional(),
  schemes: z.array(z.array(z.string())).optional(),
  rejectRatio: z.number().min(0).max(1),
  breadthDimension: z.string().optional(),
  now: z.iso.datetime(),
});
export type PartSettings = z.infer<typeof partSettingsSchema>;

export const planStepInputSchema = uploadedObjectSchema;

export const partStepInputSchema = z.object({
  object: uploadedObjectSchema,
  settings: partSettingsSchema,
  part: ingestPartSchema,
});
export type PartStepInput = z.infer<typeof partStepInputSchema>;

export const mergeStepInputSchema = z.object({
  object: uploadedObjectSchema,
  settings: partSettingsSchema,
  startedAt: z.iso.datetime(),
  parts: z.array(ingestPartSchema).min(1),
});
export type MergeStepInput = z.infer<typeof mergeStepInputSchema>;

/** What the state machine passes on when a step failed past its retries: Step Functions' error and cause. */
export const failedStepInputSchema = z.object({
  object: uploadedObjectSchema,
  failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }),
});
export type FailedStepInput = z.infer<typeof failedStepInputSchema>;

/** The sizes the big-file path works with, from SEGFOCUS_DISTRIBUTED_INGEST_BYTES and SEGFOCUS_RANGE_BYTES. */
export function distributedIngestSizes(env: NodeJS.ProcessEnv = process.env): {
  thresholdBytes: number;
  rangeBytes: number;
} {
  return {
    thresholdBytes: positiveBytes(env, "SEGFOCUS_DISTRIBUTED_INGEST_BYTES", DISTRIBUTED_INGEST_BYTES),
    rangeBytes: positiveBytes(env, "SEGFOCUS_RANGE_BYTES", RANGE_BYTES),
  };
}

function positiveBytes(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const bytes = Number(text);
  if (!Number.isSafeInteger(bytes) || bytes <= 0)
    throw new Error(`${name} must be a number of bytes, not "${text}"`);
  return bytes;
}

/** What the plan hands the state machine: the parts to map over, or nothing to do. */
export type IngestPlan =
  | {
      readonly action: "ingest";
      readonly object: UploadedObject;
      readonly settings: PartSettings;
      readonly startedAt: string;
      readonly parts: readonly IngestPart[];
    }
  | {
      readonly action: "skip";
      readonly object: UploadedObject;
      readonly status?: string;
      /** A newer upload replaced this one before the plan read it: its own ingest settles the batch. */
      readonly superseded?: true;
    };

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
  const gzip = firstBytes[0] === 0x1f && firstBytes[1] === 0x8b;
  const ndjson = firstBytes[0] === 0x7b;
  const headerEnd = firstBytes.indexOf(LF);
  if (gzip || ndjson || headerEnd < 0) return whole;
  const delimiter = mapping?.delimiter ?? sniffDelimiter(firstBytes.subarray(0, headerEnd));
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
const CR = 0x0d;
const QUOTE = 0x22;

/**
 * Whether these first bytes of a CSV file hold a quoted field with a line break in it, read as the
 * CSV reader reads them: a quote opens a field only at the field's start, and a doubled quote inside
 * one is a quote, not its end. The field must close, followed by a delimiter or the line's end (or
 * the end of the bytes): a quote that never closes is a broken row, which a split reports where it
 * is, not a reason to read a big file whole.
 */
export function holdsQuotedLineBreak(bytes: Uint8Array, delimiter: number): boolean {
  let quoted = false;
  let lineBreak = false;
  let fieldStart = true;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (quoted) {
      if (byte === LF) lineBreak = true;
      if (byte !== QUOTE) continue;
      if (bytes[i + 1] === QUOTE) {
        i++;
        continue;
      }
      quoted = false;
      const next = bytes[i + 1];
      if (lineBreak && (next === undefined || next === delimiter || next === LF || next === CR)) return true;
      lineBreak = false;
      fieldStart = false;
      continue;
    }
    if (byte === QUOTE && fieldStart) {
      quoted = true;
      continue;
    }
    fieldStart = byte === delimiter || byte === LF;
  }
  return false;
}

async function firstBytesOf(blobs: BlobStore, object: UploadedObject): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of await blobs.getStream(object.key, {
    start: 0,
    end: Math.min(object.size, HEADER_PROBE_BYTES),
    ...pinnedTo(object),
  })) {
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

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
 * Merges the parts of one upload, in file order, into the report of reading it whole: the same
 * cube, counts and line numbers. Each reject goes to `onReject` renumbered to its line in the file;
 * the first part that could not be read fails the file, naming the part and, where it has one, the
 * line in the file; past the reject ratio of the whole file, the file fails with its first problems.
 * A part that found a newer upload in this one's place throws ObjectSuperseded.
 *
 * Parts are taken one at a time and each cube is decoded, merged and dropped before the next is
 * read: memory holds the merged cube and one part's, however many parts there are.
 */
export async function mergeParts(
  parts: AsyncIterable<PartOutcome> | Iterable<PartOutcome>,
  options: Pick<IngestOptions, "file" | "rejectRatio" | "breadthDimension" | "onReject">,
  partCount?: number,
): Promise<IngestReport> {
  const cube = Cube.empty({ breadthDimension: options.breadthDimension });
  const firstRejects: Reject[] = [];
  let first: Extract<PartOutcome, { ok: true }> | undefined;
  let rows = 0;
  let rejected = 0;
  let linesBefore = 0;
  for await (const part of parts) {
    if (!part.ok)
      throw "superseded" in part
        ? new ObjectSuperseded(part.message)
        : partFailure(part, linesBefore, partCount);
    first ??= part;
    rows += part.rows;
    rejected += part.rejected;
    for (const reject of part.rejects) {
      // A range's line 1 is its (borrowed) header, line 2 its first own line.
      const renumbered = { ...reject, line: reject.line + linesBefore };
      if (firstRejects.length < FIRST_REJECTS_KEPT) firstRejects.push(renumbered);
      options.onReject?.(renumbered);
    }
    linesBefore += part.lines - 1;
    cube.mergeFrom(decodeCube(part.cube));
  }
  if (rows === 0) {
    throw new IngestError(
      "HEADER_ONLY",
      "the file has a header but no rows: export the invoice lines under it",
      {
        file: options.file,
        line: 1,
        headers: first?.headers ?? [],
      },
    );
  }
  const ratio = options.rejectRatio ?? DEFAULT_REJECT_RATIO;
  if (rejected / rows > ratio) {
    throw new IngestError(
      "REJECT_RATIO_EXCEEDED",
      `${rejected} of ${rows} rows (${((rejected / rows) * 100).toFixed(1)}%) were rejected, more than the ${(ratio * 100).toFixed(1)}% allowed, so nothing from this file was applied. First problems: ${firstRejects.slice(0, 3).map(describeReject).join("; ")}`,
      { file: options.file, rows, rejected, rejectRatio: ratio, firstRejects },
    );
  }
  return {
    file: options.file,
    format: first?.format ?? "csv",
    headers: first?.headers ?? [],
    schemes: first?.schemes ?? [],
    rows,
    accepted: rows - rejected,
    rejected,
    firstRejects,
    lines: linesBefore + 1,
    cube,
  };
}

/**
 * A part's failure as the file's: which part and bytes, and the line counted from the file's start.
 *
 * A quoted field open where a part that is not the last one ends has two possible causes, which
 * that part cannot tell apart: a closing quote is missing, or a quoted field holds a line break
 * and the cut fell inside it (ranges are cut at line ends; telling a line end inside quotes from
 * one outside needs the whole file before it, which no part has). The second is a valid file, read
 * whole fine, so the message names both and says how to have it read whole: gzip, which is never
 * split. Only a quote problem is explained so; line 1, the header, is the same in every part.
 */
function partFailure(
  part: Extract<PartOutcome, { code: IngestErrorCode }>,
  linesBefore: number,
  partCount: number | undefined,
): IngestError {
  const { range } = part.part;
  if (!range) return new IngestError(part.code, part.message, part.details);
  const partLine = typeof part.details.line === "number" ? part.details.line : undefined;
  const line = partLine === undefined ? undefined : partLine + linesBefore;
  const where = `part ${part.part.index + 1}${partCount ? ` of ${partCount}` : ""} (bytes ${range.start}–${range.end})`;
  const cutInsideQuotes =
    part.code === "MALFORMED_CSV" &&
    partLine !== undefined &&
    partLine > 1 &&
    partCount !== undefined &&
    part.part.index < partCount - 1;
  return new IngestError(
    part.code,
    `${where}: ${part.message}${line === undefined ? "" : ` (that part's line ${partLine} is line ${line} of the file)`}${
      cutInsideQuotes
        ? `. If quoted fields in this file contain line breaks, it cannot be split into parts at line ends: send it gzip-compressed (.csv.gz), which is read whole; otherwise close the quote on line ${line} and send the file again`
        : ""
    }`,
    { ...part.details, line, byteRange: range },
  );
}

/** What a part step hands the map: the outcome's counts (the cube stays in S3: a map result should be small). */
export interface PartStepResult {
  readonly index: number;
  readonly ok: boolean;
  readonly rows?: number;
  readonly rejected?: number;
  readonly superseded?: true;
}

/**
 * Step 2. Ingests one part and stores its outcome under keys named by the batch, the upload and the
 * part's index, so that a re-run overwrites its own result and another upload never does.
 */
export async function ingestPartStep(
  blobs: BlobStore,
  { object, settings, part }: PartStepInput,
): Promise<PartStepResult> {
  const batchId = batchIdOf(object);
  const upload = uploadId(object);
  const outcome = await ingestPart(blobs, object, settings, part);
  if (outcome.ok) {
    const { cube, ...counts } = outcome;
    await blobs.put(RangeKeys.cube(batchId, upload, part.index), cube);
    // The outcome is written last: it is the mark that the part is complete.
    await blobs.put(
      RangeKeys.outcome(batchId, upload, part.index),
      JSON.stringify(counts),
      "application/json",
    );
    return { index: part.index, ok: true, rows: outcome.rows, rejected: outcome.rejected };
  }
  await blobs.put(
    RangeKeys.outcome(batchId, upload, part.index),
    JSON.stringify(outcome),
    "application/json",
  );
  return "superseded" in outcome
    ? { index: part.index, ok: false, superseded: true }
    : { index: part.index, ok: false };
}

/**
 * What the merge did: "merged" the parts (the batch is aggregated, or failed for a reason in the
 * file), found the content "counted" already, or found the upload "superseded" by a newer one.
 */
export interface MergeResult {
  readonly outcome: "merged" | "counted" | "superseded";
  readonly batch: BatchRecord | undefined;
}

/**
 * Step 3. Merges the stored parts into the batch's partial, rejects file and status, as ingestBatch
 * does for a file read whole; a bad part fails the batch and leaves the previous partial. Content
 * already counted is left as it is, so a re-run changes nothing; so is everything when a part found
 * a newer upload in this one's place: that upload's own ingest settles the batch.
 */
export async function mergePartsStep(
  context: ServiceContext,
  { object, settings, startedAt, parts }: MergeStepInput,
): Promise<MergeResult> {
  const known = await context.batches.getBatch(batchIdOf(object));
  if (known && isCounted(known, object.etag)) return { outcome: "counted", batch: known };
  let superseded = false;
  const batch = await completeIngest(
    context,
    object,
    async (onReject) => {
      try {
        return await mergeParts(
          storedParts(context.blobs, object, parts),
          { ...settings, onReject },
          parts.length,
        );
      } catch (error) {
        superseded = error instanceof ObjectSuperseded;
        throw error;
      }
    },
    { elapsedMs: () => context.now().getTime() - Date.parse(startedAt) },
  );
  return { outcome: superseded ? "superseded" : "merged", batch };
}

/**
 * When a step failed past its retries (storage or service faults): marks the batch failed as
 * retryable, leaving the previous partial. Sending the file again is a new upload, and so starts a
 * new execution (see executionName), whatever became of this one.
 */
export async function recordFailedIngestStep(
  context: ServiceContext,
  { object, failure }: FailedStepInput,
): Promise<BatchRecord | undefined> {
  return context.batches.updateBatch(batchIdOf(object), {
    status: "failed",
    error: {
      code: "SERVICE_ERROR",
      message: `the file could not be ingested: a step failed after its retries (${failure.Error ?? "error"}: ${failure.Cause ?? "no cause given"}); send the file again to retry`,
      retryable: true,
    },
    updatedAt: context.now().toISOString(),
  });
}

async function* storedParts(
  blobs: BlobStore,
  object: UploadedObject,
  parts: readonly IngestPart[],
): AsyncGenerator<PartOutcome> {
  const batchId = batchIdOf(object);
  const upload = uploadId(object);
  for (const part of parts) {
    const key = RangeKeys.outcome(batchId, upload, part.index);
    const stored = await blobs.getBytes(key);
    if (!stored) throw new Error(`part ${part.index} of ${object.key} has no result at ${key}`);
    const outcome = JSON.parse(new TextDecoder().decode(stored)) as Omit<PartOutcome, "cube">;
    if (!outcome.ok) {
      yield outcome as PartOutcome;
      continue;
    }
    const cubeKey = RangeKeys.cube(batchId, upload, part.index);
    const cube = await blobs.getBytes(cubeKey);
    if (!cube) throw new Error(`part ${part.index} of ${object.key} has no cube at ${cubeKey}`);
    yield { ...outcome, cube } as PartOutcome;
  }
}

function batchIdOf(object: UploadedObject): string {
  const location = parseIncomingKey(object.key);
  if (!location) throw new Error(`${object.key} is not an upload under incoming/{batchId}/`);
  return location.batchId;
}
