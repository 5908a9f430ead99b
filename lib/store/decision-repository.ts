import type { Decision } from "#domain/decisions.ts";
import type { DecisionEntry } from "#domain/leader-decision.ts";
import type { Page } from "#store/records.ts";
import type { PageRequest } from "#store/score-repository.ts";

/** The decision standing on a segment, and whether a later scoring run has put it in question. */
export interface DecisionState {
  readonly schemeId: string;
  readonly segmentId: string;
  readonly status: "approved" | "overridden";
  readonly decision: Decision;
  /** The recommendation the leader decided on. */
  readonly recommendation: Decision;
  readonly by: string;
  readonly at: string;
  readonly rationale?: string;
  /** A scoring run has since recommended something else. */
  readonly needsReview: boolean;
  readonly review?: { readonly since: string; readonly newRecommendation: Decision; readonly runId: string };
}

export interface DecisionRepository {
  /** Appends the entry to the audit trail and makes it the standing decision (clearing any review flag). */
  record(entry: DecisionEntry): Promise<DecisionState>;
  getState(schemeId: string, segmentId: string): Promise<DecisionState | undefined>;
  /** Every standing decision of a scheme. */
  listStates(schemeId: string): Promise<DecisionState[]>;
  /** A segment's audit trail, newest first. */
  history(schemeId: string, segmentId: string, page: PageRequest): Promise<Page<DecisionEntry>>;
  /**
   * Marks a standing decision as needing review because a run now recommends something else; does
   * nothing if a leader has decided again since `state` was read.
   */
  flagForReview(state: DecisionState, review: NonNullable<DecisionState["review"]>): Promise<void>;
  /** Lifts the review flag when a later run recommends again what the leader decided on. */
  clearReview(state: DecisionState): Promise<void>;
  /** Standing decisions that need review, most recently flagged first. */
  listReviews(page: PageRequest): Promise<Page<DecisionState>>;
}

/** The standing decision an audit-trail entry makes: what every store records alongside the entry. */
export function standingDecisionOf(entry: DecisionEntry): DecisionState {
  return {
    schemeId: entry.schemeId,
    segmentId: entry.segmentId,
    status: entry.action === "approve" ? "approved" : "overridden",
    decision: entry.to,
    recommendation: entry.from,
    by: entry.by,
    at: entry.at,
    ...(entry.rationale !== undefined && { rationale: entry.rationale }),
    needsReview: false,
  };
}
