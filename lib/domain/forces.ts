import * as z from "zod";
import { documentProblems } from "#domain/document-problems.ts";
import { dimensionNameSchema } from "#domain/scheme.ts";

/**
 * A force of change is a named scenario ("a digital giant enters arm's-length ordering") that, from a
 * start year and over a ramp, changes the volume growth, price realization and/or cost-to-serve
 * intensity of the segments it matches. The zod schema is the single source of its shape, validation
 * and type.
 */

const EFFECTS = ["volumeGrowth", "priceRealization", "costToServeIntensity"] as const;

export const forceOfChangeSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "use 1–63 lowercase letters, digits and -, not starting with -"),
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    active: z.boolean().default(true),
    /** Dimension → the value or values a segment must have; {} matches every segment. */
    match: z
      .record(
        dimensionNameSchema,
        z.union([z.string(), z.array(z.string()).min(1)], {
          error: "expected a dimension value or a non-empty list of values",
        }),
      )
      .default({}),
    /** The first projected year (1 = the next twelve months) the force acts in. */
    startYear: z.number().int().min(1).max(5).default(1),
    /** Years until the full effect; 0 = full effect from startYear on. */
    rampYears: z.number().int().min(0).max(5).default(0),
    /** Change in annual volume growth at full effect, e.g. −0.15. */
    volumeGrowth: z.number().min(-1).max(1).default(0),
    /** Relative change of price realization at full effect, e.g. −0.05. */
    priceRealization: z.number().min(-1).max(1).default(0),
    /** Relative change of cost-to-serve per unit of revenue at full effect, e.g. +0.2. */
    costToServeIntensity: z.number().min(-1).max(5).default(0),
  })
  .strict()
  .refine((force) => EFFECTS.some((effect) => force[effect] !== 0), {
    message: `a force must change at least one of ${EFFECTS.join(", ")}`,
  });

export type ForceOfChange = z.infer<typeof forceOfChangeSchema>;
export type ForceOfChangeInput = z.input<typeof forceOfChangeSchema>;

export const forceListSchema = z.array(forceOfChangeSchema).superRefine((forces, context) => {
  const firstIndexOf = new Map<string, number>();
  forces.forEach((force, index) => {
    const first = firstIndexOf.get(force.id);
    if (first === undefined) firstIndexOf.set(force.id, index);
    else
      context.addIssue({
        code: "custom",
        path: [index, "id"],
        message: `duplicate id "${force.id}": the force at index ${first} has it too`,
      });
  });
});

export const forcesEnvelopeSchema = z.object({ forces: forceListSchema }).strict();

/**
 * Validates a forces document, or throws an Error naming each wrong field path and why. The document's
 * shape picks the schema it is checked against, so the paths are those of the document as written
 * (a union would report every alternative's complaints at once).
 */
export function parseForces(document: unknown): ForceOfChange[] {
  if (Array.isArray(document)) return parsed(forceListSchema, document);
  if (typeof document === "object" && document !== null && "forces" in document) {
    return parsed(forcesEnvelopeSchema, document).forces;
  }
  return [parsed(forceOfChangeSchema, document)];
}

function parsed<Schema extends z.ZodType>(schema: Schema, document: unknown): z.infer<Schema> {
  const result = schema.safeParse(document);
  if (result.success) return result.data;
  throw new Error(`the forces of change are not valid: ${documentProblems(result.error).join("; ")}`);
}

/**
 * How much of its full effect a force has in a projected year (1 = the next twelve months): 0 before
 * startYear, then rising linearly to 1 over rampYears (rampYears 2: ½ in startYear, 1 from the year after).
 */
export function forceRamp(force: Pick<ForceOfChange, "startYear" | "rampYears">, year: number): number {
  if (year < force.startYear) return 0;
  if (force.rampYears === 0) return 1;
  return Math.min(1, (year - force.startYear + 1) / force.rampYears);
}
