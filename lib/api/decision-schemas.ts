import * as z from "zod";
import { textBody } from "#api/route.ts";
import { DECISION_LISTS, decisionsQuerySchema, pageOf } from "#api/schemas.ts";
import { segmentRecordSchema } from "#api/segment-schemas.ts";
import type { Decision } from "#domain/decisions.ts";
import {
  decisionEntrySchema as storedDecisionEntrySchema,
  decisionStateSchema as storedDecisionStateSchema,
} from "#store/decision-records.ts";

/**
 * The shapes of leadership's side of the API: the board's formats, a leader's decision on a
 * segment, the standing state each item of the board carries, and the audit trail.
 */

/** The board as JSON pages, or every row of a list as CSV for a spreadsheet. */
const BOARD_FORMATS = ["json", "csv"] as const;

/** GET /schemes/{schemeId}/decisions: `?list=` and `?format=`; a CSV export has every row, so no page. */
export const boardQuerySchema = decisionsQuerySchema.extend({
  format: z.enum(BOARD_FORMATS, { error: "format is json or csv" }).default("json"),
});

export const RATIONALE_MIN = 10;
export const RATIONALE_MAX = 2000;

/** Why a leader decided as they did, in their words, kept in the audit trail; `missing` says why it is needed. */
function rationaleSchema(missing = "a rationale is text") {
  return z
    .string({ error: (issue) => (issue.input === undefined ? missing : "a rationale is text") })
    .trim()
    .min(
      RATIONALE_MIN,
      `a rationale has at least ${RATIONALE_MIN} characters, not counting surrounding spaces`,
    )
    .max(RATIONALE_MAX, `a rationale has at most ${RATIONALE_MAX} characters`);
}

/** The decisions a leader can take; `insufficient_data` is a recommendation only. */
export const LEADER_DECISIONS = [
  "choose",
  "develop",
  "fix",
  "decline",
] as const satisfies readonly Decision[];

const ALL_DECISIONS = [...LEADER_DECISIONS, "insufficient_data"] as const satisfies readonly Decision[];

/**
 * POST /schemes/{schemeId}/segments/{segmentId}/decision: approve the recommendation as it stands
 * (a rationale is welcome), or override it with another decision, which always needs one.
 */
export const decisionRequestSchema = z.discriminatedUnion(
  "action",
  [
    z
      .object({
        action: z.literal("approve"),
        rationale: rationaleSchema().optional(),
      })
      .strict(),
    z
      .object({
        action: z.literal("override"),
        decision: z.enum(LEADER_DECISIONS, {
          error: `an override decides one of ${LEADER_DECISIONS.join(", ")}`,
        }),
        rationale: rationaleSchema("an override needs a rationale: why the recommendation is not followed"),
      })
      .strict(),
  ],
  {
    error: (issue) =>
      typeof issue.input === "object" && issue.input !== null && !Array.isArray(issue.input)
        ? "action is approve or override"
        : 'the body is a JSON object such as { "action": "approve" }',
  },
);
export type DecisionRequest = z.infer<typeof decisionRequestSchema>;

/** Where a segment of the board stands: as recommended, or as a leader approved or overrode it. */
export const boardStateSchema = z.object({
  status: z.enum(["recommended", "approved", "overridden"]),
  /** The decision in force: the leader's, else the recommendation. */
  decision: z.enum(ALL_DECISIONS),
  /** A scoring run has since recommended something other than what the leader decided on. */
  needsReview: z.boolean(),
  by: z.string().optional(),
  at: z.iso.datetime().optional(),
  rationale: z.string().optional(),
});
export type BoardState = z.infer<typeof boardStateSchema>;

/** GET /schemes/{schemeId}/decisions as JSON: a page of one list, each segment with where it stands. */
export const boardPageSchema = pageOf(segmentRecordSchema.extend({ state: boardStateSchema })).extend({
  list: z.enum(DECISION_LISTS),
});

/** GET /schemes/{schemeId}/decisions?format=csv: every row of the list, for a spreadsheet. */
export const boardCsvSchema = textBody("text/csv");

const decisionSchema = z.enum(ALL_DECISIONS);
/** The decision standing on a segment, and whether a later scoring run has put it in question. */
export const decisionStateSchema = storedDecisionStateSchema.extend({
  at: z.iso.datetime(),
  review: z
    .object({ since: z.iso.datetime(), newRecommendation: decisionSchema, runId: z.string() })
    .optional(),
});

/** One line of a segment's audit trail. */
export const decisionEntrySchema = storedDecisionEntrySchema.extend({ at: z.iso.datetime() });

export const decisionHistoryPageSchema = pageOf(decisionEntrySchema);

/** GET /reviews: standing decisions in question, each with what the latest run recommends (null if unscored). */
export const reviewsPageSchema = pageOf(
  decisionStateSchema.extend({
    current: segmentRecordSchema
      .pick({ decision: true, reasons: true, profitClass: true, scores: true, runId: true })
      .strict()
      .nullable(),
  }),
);
