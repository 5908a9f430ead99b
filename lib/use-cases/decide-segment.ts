import type { Decision } from "#domain/decisions.ts";
import { decisionEntry, type LeaderAct, overridesWithRecommendation } from "#domain/leader-decision.ts";
import type { DecisionRepository, DecisionState } from "#store/decision-repository.ts";
import type { ScoreRepository } from "#store/score-repository.ts";

/** A leader's act on one segment's recommendation, and who acts. */
export interface SegmentDecisionRequest {
  readonly schemeId: string;
  readonly segmentId: string;
  readonly act: LeaderAct;
  readonly by: string;
}

export type SegmentDecisionOutcome =
  | { readonly outcome: "decided"; readonly state: DecisionState }
  | { readonly outcome: "segment_not_found" }
  | { readonly outcome: "override_matches_recommendation"; readonly recommendation: Decision };

/** The ports a leader's decision reads and writes, and the clock that dates its audit-trail entry. */
export interface DecisionStores {
  readonly scores: Pick<ScoreRepository, "getSegment">;
  readonly decisions: Pick<DecisionRepository, "record">;
  readonly now: () => Date;
}

/**
 * Records a leader's approval or override of a segment's latest recommendation in its audit trail,
 * making it the standing decision; an override to the recommendation itself is refused.
 */
export async function decideSegment(
  { scores, decisions, now }: DecisionStores,
  request: SegmentDecisionRequest,
): Promise<SegmentDecisionOutcome> {
  const { schemeId, segmentId, act, by } = request;
  const segment = await scores.getSegment(schemeId, segmentId);
  if (!segment) return { outcome: "segment_not_found" };
  if (overridesWithRecommendation(act, segment.decision)) {
    return { outcome: "override_matches_recommendation", recommendation: segment.decision };
  }
  const state = await decisions.record(
    decisionEntry({ schemeId, segmentId }, segment, { act, by, at: now() }),
  );
  return { outcome: "decided", state };
}
