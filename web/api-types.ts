import type { z } from "zod";
import type {
  boardPageSchema,
  decisionHistoryPageSchema,
  decisionRequestSchema,
  decisionStateSchema,
  LEADER_DECISIONS,
} from "#api/decision-schemas.ts";
import type {
  schemesResponseSchema,
  segmentHistorySchema,
  segmentListPageSchema,
  segmentProjectionSchema,
  segmentResponseSchema,
  whaleCurveResponseSchema,
} from "#api/segment-schemas.ts";
import type { Decision } from "#domain/decisions.ts";

/**
 * The API's answers as the page reads them, typed from the same zod schemas that the API validates
 * and documents with. Type-only imports: none of the server code reaches the bundle.
 */

export type { Decision };
export type LeaderDecision = (typeof LEADER_DECISIONS)[number];
export type SchemesResponse = z.output<typeof schemesResponseSchema>;
export type SchemeRecord = SchemesResponse["schemes"][number];
export type BoardPage = z.output<typeof boardPageSchema>;
export type BoardItem = BoardPage["items"][number];
export type BoardList = BoardPage["list"];
export type DecisionRequest = z.input<typeof decisionRequestSchema>;
export type DecisionState = z.output<typeof decisionStateSchema>;
export type DecisionHistoryPage = z.output<typeof decisionHistoryPageSchema>;
export type DecisionEntry = DecisionHistoryPage["items"][number];
export type SegmentResponse = z.output<typeof segmentResponseSchema>;
export type SegmentHistory = z.output<typeof segmentHistorySchema>;
export type SegmentProjection = z.output<typeof segmentProjectionSchema>;
export type SegmentListPage = z.output<typeof segmentListPageSchema>;
export type SegmentListItem = SegmentListPage["items"][number];
export type WhaleCurve = z.output<typeof whaleCurveResponseSchema>;

/** The JSON error body of every refusal: `{ error: { code, message, details } }`. */
export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
}
