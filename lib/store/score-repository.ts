import type { DecisionList } from "#domain/decision-list.ts";
import type { ScoringResult } from "#domain/scoring.ts";
import type { Page, RunRecord, SchemeRecord, SegmentHistoryRecord, SegmentRecord } from "#store/records.ts";

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

/** What scoring runs leave: the latest scores of every scheme and segment, and the runs. DynamoDB in AWS and locally. */
export interface ScoreRepository {
  /** Stores a scoring run's results, writing only the segments whose content changed. */
  writeScores(result: ScoringResult, runId: string): Promise<WriteSummary>;
  listSchemes(): Promise<SchemeRecord[]>;
  getScheme(schemeId: string): Promise<SchemeRecord | undefined>;
  listSegments(schemeId: string, page: PageRequest): Promise<Page<SegmentRecord>>;
  getSegment(schemeId: string, segmentId: string): Promise<SegmentRecord | undefined>;
  /** A segment and its monthly history, stored together so that one read answers both. */
  getSegmentWithHistory(schemeId: string, segmentId: string): Promise<SegmentWithHistory | undefined>;
  /** The segments of one list of the board (yes = choose and develop), best focus score first. */
  listDecisions(schemeId: string, list: DecisionList, page: PageRequest): Promise<Page<SegmentRecord>>;

  putRun(run: RunRecord): Promise<void>;
}

export interface SegmentWithHistory {
  readonly segment: SegmentRecord;
  readonly history: SegmentHistoryRecord;
}

export interface WriteSummary {
  readonly written: number;
  readonly unchanged: number;
  readonly removed: number;
}

/** A cursor that is not one this service issued. */
export class InvalidCursorError extends Error {
  override readonly name = "InvalidCursorError";
}
