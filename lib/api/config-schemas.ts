import * as z from "zod";
import { reasonSchema } from "#api/segment-schemas.ts";
import { DECISIONS, type Decision } from "#domain/decisions.ts";
import { prospectSchema } from "#domain/fit.ts";
import { forceOfChangeSchema } from "#domain/forces.ts";
import { policySchema } from "#domain/policy.ts";

/**
 * The shapes of the planners' configuration requests: forces of change, the policy, named column
 * mappings and the fit check, and their answers. The documents themselves are validated by their
 * domain schemas.
 */

export const scenarioIdSchema = forceOfChangeSchema.shape.id;
export const scenarioParamsSchema = z.object({ scenarioId: scenarioIdSchema });

/**
 * PUT /scenarios/{scenarioId}: a JSON object, checked by the route as a force of change once the
 * path has given it its id (the body may repeat the id, not contradict it).
 */
export const scenarioReplacementSchema = z.record(z.string(), z.unknown(), {
  error: "send the force of change as a JSON object",
});

/** `erp-export.v2`: how a column mapping is named when stored for batches to refer to. */
export const mappingNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    "a mapping name is 1 to 64 letters, digits, '.', '_' and '-', starting with a letter or digit",
  );
export const mappingParamsSchema = z.object({ name: mappingNameSchema });

/**
 * PUT /policy: any JSON object, checked against the policy schema by the route, so that a refused
 * policy is answered as INVALID_POLICY naming each field.
 */
export const policyDocumentSchema = z.record(z.string(), z.unknown(), {
  error: "send the policy as a JSON object; fields left out take their defaults",
});

/** POST /fit: the prospect's dimension values; at least one, or nothing can be placed. */
export const fitRequestSchema = prospectSchema.refine((prospect) => Object.keys(prospect).length > 0, {
  message: "give at least one dimension value of the prospect, such as { channel: online }",
});

/** A change of the configuration is stored at once; the scoring run it asks for follows. */
const rescoringSchema = z.literal("requested");

export const scenariosResponseSchema = z.object({ scenarios: z.array(forceOfChangeSchema).readonly() });
export const scenarioChangeResponseSchema = z.object({
  scenario: forceOfChangeSchema,
  rescoring: rescoringSchema,
});
export const scenarioDeletedResponseSchema = z.object({
  deleted: scenarioIdSchema,
  rescoring: rescoringSchema,
});
export const policyChangeResponseSchema = z.object({ policy: policySchema, rescoring: rescoringSchema });

const dimensionValuesSchema = z.record(z.string(), z.string());

/** POST /fit: the segments a prospect falls into, whether each says yes, and what could not be placed. */
export const fitCheckResponseSchema = z.object({
  overall: z.enum(["yes", "no", "mixed", "unknown"]),
  summary: z.string(),
  segments: z
    .array(
      z.union([
        z.object({
          scheme: z.string(),
          segmentId: z.string(),
          values: dimensionValuesSchema,
          decision: z.enum(DECISIONS as readonly [Decision, ...Decision[]]),
          sayYes: z.boolean(),
          reasons: z.array(reasonSchema).readonly(),
          guidance: z.string(),
        }),
        z.object({
          scheme: z.string(),
          segmentId: z.string(),
          values: dimensionValuesSchema,
          decision: z.null(),
          note: z.string(),
        }),
      ]),
    )
    .readonly(),
  unmatched: z.array(z.object({ scheme: z.string(), missing: z.array(z.string()).readonly() })).readonly(),
  ignored: z.array(z.string()).readonly(),
});
