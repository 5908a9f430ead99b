import * as z from "zod";
import type { UploadedObject } from "#pipeline/ingest-batch.ts";
import type { BatchRecord } from "#store/records.ts";

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
 * The steps' inputs are checked against these schemas where the state machine hands them over.
 */

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

/** What a part step hands the map: the outcome's counts (the cube stays in S3: a map result should be small). */
export interface PartStepResult {
  readonly index: number;
  readonly ok: boolean;
  readonly rows?: number;
  readonly rejected?: number;
  readonly superseded?: true;
}

/**
 * What the merge did: "merged" the parts (the batch is aggregated, or failed for a reason in the
 * file), found the content "counted" already, or found the upload "superseded" by a newer one.
 */
export interface MergeResult {
  readonly outcome: "merged" | "counted" | "superseded";
  readonly batch: BatchRecord | undefined;
}
