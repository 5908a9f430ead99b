import type { Decision } from "#domain/decisions.ts";
import type { ScoredScheme, ScoredSegment } from "#domain/scoring.ts";
import type { Reject } from "#ingest/reject.ts";

export type BatchStatus = "awaiting_upload" | "ingesting" | "aggregated" | "scored" | "failed";

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

/** A segment as stored: the scored segment without its monthly history, with its scheme and run. */
export type SegmentRecord = Omit<ScoredSegment, "history"> & {
  readonly schemeId: string;
  readonly runId: string;
};

export type SegmentHistoryRecord = ScoredSegment["history"];

/** A scheme's summary as stored, with the decision counts of its segments. */
export type SchemeRecord = Omit<ScoredScheme, "segments"> & {
  readonly segmentCount: number;
  readonly decisions: Readonly<Record<Decision, number>>;
  readonly latestMonth: string;
  readonly runId: string;
};

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
