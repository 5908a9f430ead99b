import { z } from "zod";
import { prospectSchema } from "#domain/fit.ts";
import { forceOfChangeSchema } from "#domain/forces.ts";

/**
 * The shapes of the planners' configuration requests: forces of change, the policy, named column
 * mappings and the fit check. The documents themselves are validated by their domain schemas.
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
