import * as z from "zod";
import { CONFIDENCES, type Confidence, DECISIONS, type Decision } from "#domain/decisions.ts";
import type { ScoredScheme, ScoredSegment } from "#domain/scoring.ts";
import type { Reject } from "#ingest/reject.ts";
import { PROFIT_CLASSES } from "#store/segment-snapshots.ts";

/*
 * What the adapters read back is parsed with the schemas below, so that an item of another shape is
 * refused with its key and field rather than passed on. Batches and histories are checked whole;
 * segments and schemes field by field at the top, and inside for the figures that lists sort,
 * filter and count on — the rest (metrics, projection, whale curve…) is what scoring wrote, passed
 * through as is, so that the hot reads stay cheap.
 */

export const BATCH_STATUSES = ["awaiting_upload", "ingesting", "aggregated", "scored", "failed"] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/** What the service knows about one batch, from the upload URL to the scores. */
export interface BatchRecord {
  readonly batchId: string;
  readonly fileName: string;
  /** A column mapping document, when the file's headers are not canonical. */
  readonly mapping?: unknown;
  readonly status: BatchStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Entity tag of the ingested object: the same content sent again is counted once. */
  readonly contentHash?: string;
  readonly size?: number;
  readonly rows?: number;
  readonly accepted?: number;
  readonly rejected?: number;
  readonly firstRejects?: readonly Reject[];
  readonly rejectsKey?: string;
  readonly error?: BatchError;
  readonly runId?: string;
  readonly ingestMs?: number;
}

export interface BatchError {
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
  /** A storage or service fault rather than a problem with the file: sending it again may work. */
  readonly retryable: boolean;
}

/** A row of a file that ingest refused: where it is and why. */
export const rejectSchema = z.object({
  line: z.number(),
  column: z.string().nullable(),
  value: z.string(),
  reason: z.string(),
}) satisfies z.ZodType<Reject>;

/** A batch item's attributes, its keys left out; the API's batch schema is built on it. */
export const batchRecordSchema = z.looseObject({
  batchId: z.string(),
  fileName: z.string(),
  mapping: z.unknown().optional(),
  status: z.enum(BATCH_STATUSES),
  createdAt: z.string(),
  updatedAt: z.string(),
  contentHash: z.string().optional(),
  size: z.number().optional(),
  rows: z.number().optional(),
  accepted: z.number().optional(),
  rejected: z.number().optional(),
  firstRejects: z.array(rejectSchema).optional(),
  rejectsKey: z.string().optional(),
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
      retryable: z.boolean(),
    })
    .optional(),
  runId: z.string().optional(),
  ingestMs: z.number().optional(),
}) satisfies z.ZodType<BatchRecord>;

/** A segment as stored: the scored segment without its monthly history, with its scheme and run. */
export type SegmentRecord = Omit<ScoredSegment, "history"> & {
  readonly schemeId: string;
  readonly runId: string;
};

export type SegmentHistoryRecord = ScoredSegment["history"];

const decisionSchema = z.enum(DECISIONS as readonly [Decision, ...Decision[]]);

/** A segment item's `body`: the scored segment without its history, scheme and run. */
export const segmentBodySchema = z.looseObject({
  id: z.string(),
  values: z.record(z.string(), z.string()),
  metrics: z.looseObject({ revenue: z.number(), profit: z.number() }),
  profitClass: z.enum(PROFIT_CLASSES),
  scores: z.looseObject({
    focus: z.number(),
    profitability: z.number(),
    growth: z.number(),
    defensibility: z.number(),
  }),
  scoreComponents: z.looseObject({}),
  decision: decisionSchema,
  reasons: z.array(z.looseObject({ code: z.string(), message: z.string() })),
  guidance: z.string(),
  /** A segment stored before decisions carried a confidence had no NPV interval: high. */
  confidence: z.enum(CONFIDENCES as readonly [Confidence, ...Confidence[]]).default("high"),
  projection: z.looseObject({ npv: z.number() }),
  differentiators: z.array(z.looseObject({})),
});

/** A segment item's attributes that the reads project. */
export const segmentItemSchema = z.object({ schemeId: z.string(), runId: z.string(), body: z.string() });

/** A segment item's `history`. */
export const segmentHistorySchema: z.ZodType<SegmentHistoryRecord> = z.object({
  firstMonth: z.string(),
  revenue: z.array(z.number()),
  profit: z.array(z.number()),
});

/** A scheme's summary as stored, with the decision counts of its segments. */
export type SchemeRecord = Omit<ScoredScheme, "segments"> & {
  readonly segmentCount: number;
  readonly decisions: Readonly<Record<Decision, number>>;
  readonly latestMonth: string;
  readonly runId: string;
};

/** A scheme item's `body`. */
export const schemeBodySchema = z.looseObject({
  id: z.string(),
  dimensions: z.array(z.string()),
  totals: z.object({ revenue: z.number(), profit: z.number(), margin: z.number(), costToServe: z.number() }),
  medianRevenue: z.number(),
  whaleCurve: z.looseObject({}),
  costPools: z.looseObject({}),
  // A scheme stored before runs kept a backtest reads as one without: too little known to tell.
  forecastAccuracy: z.looseObject({}).nullable().default(null),
  segmentCount: z.number(),
  decisions: z.record(decisionSchema, z.number()),
  latestMonth: z.string(),
  runId: z.string(),
});

export interface RunRecord {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly policyVersion: number;
  readonly batchIds: readonly string[];
  readonly segmentsWritten: number;
  readonly segmentsUnchanged: number;
  readonly segmentsRemoved: number;
  readonly timingsMs: { readonly merge: number; readonly score: number; readonly write: number };
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; absent on the last page. */
  readonly cursor?: string;
}
