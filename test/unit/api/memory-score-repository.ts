import { DECISIONS, type Decision } from "#domain/decisions.ts";
import type { ScoringResult } from "#domain/scoring.ts";
import {
  type DecisionList,
  decisionList,
  type Page,
  type SchemeRecord,
  type SegmentHistoryRecord,
  type SegmentRecord,
} from "#store/records.ts";
import {
  InvalidCursorError,
  type PageRequest,
  type ScoreRepository,
  type SegmentWithHistory,
} from "#store/score-repository.ts";

/**
 * The ScoreRepository in memory, holding one scoring run as the API reads it: for route tests that
 * care about what the API answers, not about DynamoDB. Pages are slices; a cursor is the next offset.
 */
export class MemoryScoreRepository implements ScoreRepository {
  private schemes: SchemeRecord[] = [];
  private segments = new Map<string, SegmentRecord[]>();
  private histories = new Map<string, SegmentHistoryRecord>();

  /** Stores a scoring run the way the DynamoDB repository does: segments without history, scheme summaries. */
  static withScores(result: ScoringResult, runId: string): MemoryScoreRepository {
    const repository = new MemoryScoreRepository();
    for (const scheme of result.schemes) {
      const { segments, ...summary } = scheme;
      const decisions = Object.fromEntries(DECISIONS.map((decision) => [decision, 0])) as Record<
        Decision,
        number
      >;
      for (const segment of segments) decisions[segment.decision]++;
      repository.schemes.push({
        ...summary,
        segmentCount: segments.length,
        decisions,
        latestMonth: result.latestMonth,
        runId,
      });
      repository.segments.set(
        scheme.id,
        segments
          .map(({ history, ...segment }) => {
            repository.histories.set(`${scheme.id}/${segment.id}`, history);
            return { ...segment, schemeId: scheme.id, runId };
          })
          .sort((a, b) => (a.id < b.id ? -1 : 1)),
      );
    }
    return repository;
  }

  async listSchemes(): Promise<SchemeRecord[]> {
    return [...this.schemes];
  }

  async getScheme(schemeId: string): Promise<SchemeRecord | undefined> {
    return this.schemes.find((scheme) => scheme.id === schemeId);
  }

  async listSegments(schemeId: string, page: PageRequest): Promise<Page<SegmentRecord>> {
    return pageOf(this.segments.get(schemeId) ?? [], page);
  }

  async getSegment(schemeId: string, segmentId: string): Promise<SegmentRecord | undefined> {
    return this.segments.get(schemeId)?.find((segment) => segment.id === segmentId);
  }

  async getSegmentWithHistory(schemeId: string, segmentId: string): Promise<SegmentWithHistory | undefined> {
    const segment = await this.getSegment(schemeId, segmentId);
    const history = this.histories.get(`${schemeId}/${segmentId}`);
    return segment && history ? { segment, history } : undefined;
  }

  async listDecisions(schemeId: string, list: DecisionList, page: PageRequest): Promise<Page<SegmentRecord>> {
    const listed = (this.segments.get(schemeId) ?? [])
      .filter((segment) => decisionList(segment.decision) === list)
      .sort((a, b) => b.scores.focus - a.scores.focus);
    return pageOf(listed, page);
  }

  writeScores(): never {
    throw new Error("the API does not write scores");
  }
  putRun(): never {
    throw new Error("the API does not write runs");
  }
}

function pageOf<T>(items: readonly T[], page: PageRequest): Page<T> {
  let start = 0;
  if (page.cursor !== undefined) {
    start = Number(page.cursor);
    if (!/^[0-9]+$/.test(page.cursor) || start > items.length) throw new InvalidCursorError("not a cursor");
  }
  const end = start + page.limit;
  return { items: items.slice(start, end), cursor: end < items.length ? String(end) : undefined };
}
