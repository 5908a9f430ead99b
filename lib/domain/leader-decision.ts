import type { Decision } from "#domain/decisions.ts";
import type { SegmentScores } from "#domain/scores.ts";

/** A leader's act on a recommendation: approve it as it stands, or override it with another decision. */
export type DecisionAction = "approve" | "override";

/** What a leader asks: approve (a rationale is welcome), or override with another decision and why. */
export type LeaderAct =
  | { readonly action: "approve"; readonly rationale?: string }
  | { readonly action: "override"; readonly decision: Decision; readonly rationale: string };

/** One line of a segment's audit trail: who, when, from which recommendation to which decision, and why. */
export interface DecisionEntry {
  readonly schemeId: string;
  readonly segmentId: string;
  readonly at: string;
  readonly by: string;
  readonly action: DecisionAction;
  /** The recommendation at that moment. */
  readonly from: Decision;
  /** The decision taken: `from` for an approval. */
  readonly to: Decision;
  readonly rationale?: string;
  /** The segment's scores at that moment. */
  readonly scores: Pick<SegmentScores, "profitability" | "growth" | "defensibility" | "focus">;
  /** The scoring run whose recommendation was decided on. */
  readonly runId: string;
}

/** The recommendation a leader decides on: the segment's decision, scores and run, as last scored. */
export interface Recommended {
  readonly decision: Decision;
  readonly scores: DecisionEntry["scores"];
  readonly runId: string;
}

/** An override to the recommendation itself decides nothing: it is an approval, asked for the wrong way. */
export function overridesWithRecommendation(act: LeaderAct, recommendation: Decision): boolean {
  return act.action === "override" && act.decision === recommendation;
}

/** The audit-trail entry of a leader's act on a segment's recommendation, taken at `at`. */
export function decisionEntry(
  segment: { readonly schemeId: string; readonly segmentId: string },
  recommended: Recommended,
  decided: { readonly act: LeaderAct; readonly by: string; readonly at: Date },
): DecisionEntry {
  const { act } = decided;
  const { profitability, growth, defensibility, focus } = recommended.scores;
  return {
    schemeId: segment.schemeId,
    segmentId: segment.segmentId,
    at: decided.at.toISOString(),
    by: decided.by,
    action: act.action,
    from: recommended.decision,
    to: act.action === "override" ? act.decision : recommended.decision,
    ...(act.rationale !== undefined && { rationale: act.rationale }),
    scores: { profitability, growth, defensibility, focus },
    runId: recommended.runId,
  };
}

/** A leader's decision in force on a segment: approved or overridden, by whom and when. */
export interface StandingDecision {
  readonly status: "approved" | "overridden";
  readonly decision: Decision;
  readonly needsReview: boolean;
  readonly by: string;
  readonly at: string;
  readonly rationale?: string;
}

/** Where a segment stands on the board: its recommendation, or a leader's decision on it. */
export interface BoardStanding {
  readonly status: "recommended" | StandingDecision["status"];
  /** The decision in force: the leader's, else the recommendation. */
  readonly decision: Decision;
  readonly needsReview: boolean;
  readonly by?: string;
  readonly at?: string;
  readonly rationale?: string;
}

/** As a leader decided it, or as recommended while no leader has. */
export function boardStanding(
  recommendation: Decision,
  standing: StandingDecision | undefined,
): BoardStanding {
  if (!standing) return { status: "recommended", decision: recommendation, needsReview: false };
  return {
    status: standing.status,
    decision: standing.decision,
    needsReview: standing.needsReview,
    by: standing.by,
    at: standing.at,
    ...(standing.rationale !== undefined && { rationale: standing.rationale }),
  };
}
