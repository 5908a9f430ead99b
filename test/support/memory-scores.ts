import { type DecisionList, decisionList } from "#domain/decision-list.ts";
import { DECISIONS, type Decision } from "#domain/decisions.ts";
import type { ScoredScheme, ScoringResult } from "#domain/scoring.ts";
import type { Page, RunRecord, SchemeRecord, SegmentHistoryRecord, SegmentRecord } from "#store/records.ts";
import type {
  PageRequest,
  ScoreRepository,
  SegmentWithHistory,
  WriteSummary,
} from "#store/score-repository.ts";
import { pageOf } from "./memory-pages.ts";

interface StoredSegment {
  /** The scored segment as JSON, history included: what decides whether a write changes it. */
  readonly content: string;
  readonly record: SegmentRecord;
  readonly history: SegmentHistoryRecord;
}

/**
 * The score repository in memory, with the adapter's semantics: a write keeps each scheme's summary
 * and its segments (their history beside them), rewrites only the segments whose content changed and
 * removes those no longer scored. Pages are slices; a cursor is the next offset.
 */
export class MemoryScoreRepository implements ScoreRepository {
  /** Every scoring result written, in order. */
  readonly writes: Array<{ result: ScoringResult; runId: string }> = [];
  readonly runs: RunRecord[] = [];
  /** A fault to raise instead of writing scores. */
  writeFault: Error | undefined;
  private readonly schemes = new Map<string, SchemeRecord>();
  /** Each scheme's segments in id order, as the table's sort key keeps them. */
  private readonly segments = new Map<string, StoredSegment[]>();

  /** A repository holding one scoring run, as the API reads it. */
  static withScores(result: ScoringResult, runId: string): MemoryScoreRepository {
    const repository = new MemoryScoreRepository();
    repository.store(result, runId);
    return repository;
  }

  async writeScores(result: ScoringResult, runId: string): Promise<WriteSummary> {
    if (this.writeFault) throw this.writeFault;
    this.writes.push({ result, runId });
    return this.store(result, runId);
  }

  async listSchemes(): Promise<SchemeRecord[]> {
    return [...this.schemes.values()];
  }

  async getScheme(schemeId: string): Promise<SchemeRecord | undefined> {
    return this.schemes.get(schemeId);
  }

  async listSegments(schemeId: string, page: PageRequest): Promise<Page<SegmentRecord>> {
    return pageOf(this.recordsOf(schemeId), page);
  }

  async getSegment(schemeId: string, segmentId: string): Promise<SegmentRecord | undefined> {
    return this.storedSegment(schemeId, segmentId)?.record;
  }

  async getSegmentWithHistory(schemeId: string, segmentId: string): Promise<SegmentWithHistory | undefined> {
    const stored = this.storedSegment(schemeId, segmentId);
    return stored && { segment: stored.record, history: stored.history };
  }

  async listDecisions(schemeId: string, list: DecisionList, page: PageRequest): Promise<Page<SegmentRecord>> {
    const listed = this.recordsOf(schemeId)
      .filter((segment) => decisionList(segment.decision) === list)
      .sort((a, b) => b.scores.focus - a.scores.focus);
    return pageOf(listed, page);
  }

  async putRun(run: RunRecord): Promise<void> {
    this.runs.push(run);
  }

  private store(result: ScoringResult, runId: string): WriteSummary {
    const before = new Map<string, StoredSegment>();
    for (const [schemeId, stored] of this.segments)
      for (const segment of stored) before.set(`${schemeId}/${segment.record.id}`, segment);
    let written = 0;
    let unchanged = 0;
    this.schemes.clear();
    this.segments.clear();
    for (const scheme of result.schemes) {
      this.schemes.set(scheme.id, schemeRecord(scheme, result.latestMonth, runId));
      const stored = scheme.segments.map((scored): StoredSegment => {
        const key = `${scheme.id}/${scored.id}`;
        const content = JSON.stringify(scored);
        const previous = before.get(key);
        before.delete(key);
        if (previous?.content === content) {
          unchanged++;
          return previous;
        }
        written++;
        const { history, ...segment } = scored;
        return { content, record: { ...segment, schemeId: scheme.id, runId }, history };
      });
      this.segments.set(
        scheme.id,
        stored.sort((a, b) => (a.record.id < b.record.id ? -1 : 1)),
      );
    }
    return { written, unchanged, removed: before.size };
  }

  private recordsOf(schemeId: string): SegmentRecord[] {
    return (this.segments.get(schemeId) ?? []).map((stored) => stored.record);
  }

  private storedSegment(schemeId: string, segmentId: string): StoredSegment | undefined {
    return this.segments.get(schemeId)?.find((stored) => stored.record.id === segmentId);
  }
}

/** A scheme's summary as the adapter stores it: without its segments, with their decision counts. */
function schemeRecord(scheme: ScoredScheme, latestMonth: string, runId: string): SchemeRecord {
  const { segments, ...summary } = scheme;
  const decisions = Object.fromEntries(DECISIONS.map((decision) => [decision, 0])) as Record<
    Decision,
    number
  >;
  for (const segment of segments) decisions[segment.decision]++;
  return { ...summary, segmentCount: segments.length, decisions, latestMonth, runId };
}
