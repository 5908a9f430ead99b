import * as z from "zod";
import { DECISIONS, type Decision } from "#domain/decisions.ts";
import type { DecisionEntry } from "#domain/leader-decision.ts";
import type { DecisionState } from "#store/decision-repository.ts";

/** The shapes of the decision items' bodies: the adapter parses what it reads with them, the API extends them. */

const decisionSchema = z.enum(DECISIONS as readonly [Decision, ...Decision[]]);

/** A standing decision, as `record`, `flagForReview` and `clearReview` write it. */
export const decisionStateSchema = z.object({
  schemeId: z.string(),
  segmentId: z.string(),
  status: z.enum(["approved", "overridden"]),
  decision: decisionSchema,
  recommendation: decisionSchema,
  by: z.string(),
  at: z.string(),
  rationale: z.string().optional(),
  needsReview: z.boolean(),
  review: z.object({ since: z.string(), newRecommendation: decisionSchema, runId: z.string() }).optional(),
}) satisfies z.ZodType<DecisionState>;

/** One entry of a segment's audit trail. */
export const decisionEntrySchema = z.object({
  schemeId: z.string(),
  segmentId: z.string(),
  at: z.string(),
  by: z.string(),
  action: z.enum(["approve", "override"]),
  from: decisionSchema,
  to: decisionSchema,
  rationale: z.string().optional(),
  scores: z.object({
    profitability: z.number(),
    growth: z.number(),
    defensibility: z.number(),
    focus: z.number(),
  }),
  runId: z.string(),
}) satisfies z.ZodType<DecisionEntry>;
