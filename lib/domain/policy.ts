import * as z from "zod";
import { documentProblems } from "#domain/document-problems.ts";
import { dimensionNameSchema } from "#domain/scheme.ts";

/**
 * Every weight and threshold of scoring, in one versioned document that planners can change. The zod
 * schema is the source of its shape, its defaults and its validation; an invalid policy is refused
 * naming the field.
 */
const weight = z.number().min(0).max(1);
const score = z.number().min(0).max(100);

const weightsSummingToOne = <T extends z.ZodRawShape>(shape: T) =>
  z
    .object(shape)
    .strict()
    .refine(
      (weights) =>
        Math.abs(Object.values(weights).reduce((sum: number, w) => sum + (w as number), 0) - 1) < 1e-9,
      {
        message: "the weights must add up to 1",
      },
    );

export const policySchema = z
  .object({
    /** Incremented by the service on every accepted change. */
    version: z.number().int().min(1).default(1),
    /** Segment schemes to score; empty = one per dimension of the data, plus customer. */
    schemes: z.array(z.array(dimensionNameSchema).min(1).max(4)).max(50).default([]),
    /** The dimension whose distinct values per customer measure cross-buy breadth. */
    breadthDimension: z.string().default("category"),
    profitability: weightsSummingToOne({ margin: weight.default(0.6), profit: weight.default(0.4) }).default({
      margin: 0.6,
      profit: 0.4,
    }),
    growth: weightsSummingToOne({
      revenueGrowth: weight.default(0.5),
      profitTrend: weight.default(0.3),
      customerGrowth: weight.default(0.2),
    }).default({ revenueGrowth: 0.5, profitTrend: 0.3, customerGrowth: 0.2 }),
    defensibility: weightsSummingToOne({
      retention: weight.default(1 / 6),
      repeatRate: weight.default(1 / 6),
      priceRealization: weight.default(1 / 6),
      breadth: weight.default(1 / 6),
      lowConcentration: weight.default(1 / 6),
      forceResilience: weight.default(1 / 6),
    }).default({
      retention: 1 / 6,
      repeatRate: 1 / 6,
      priceRealization: 1 / 6,
      breadth: 1 / 6,
      lowConcentration: 1 / 6,
      forceResilience: 1 / 6,
    }),
    focus: weightsSummingToOne({
      profitability: weight.default(0.4),
      growth: weight.default(0.3),
      defensibility: weight.default(0.3),
    }).default({ profitability: 0.4, growth: 0.3, defensibility: 0.3 }),
    thresholds: z
      .object({
        /** focus at or above which a segment is chosen (with positive NPV everywhere). */
        chooseFocus: score.default(70),
        /** growth at or above which a niche is developed. */
        developGrowth: score.default(60),
        /** a desert with growth and defensibility below these is declined. */
        declineGrowth: score.default(50),
        declineDefensibility: score.default(50),
        /** relative NPV change under a force that makes a segment threatened or helped. */
        forceImpact: z.number().min(0).max(1).default(0.1),
      })
      .strict()
      .default({
        chooseFocus: 70,
        developGrowth: 60,
        declineGrowth: 50,
        declineDefensibility: 50,
        forceImpact: 0.1,
      }),
    minimumEvidence: z
      .object({
        lines: z.number().int().min(0).default(30),
        /** Not applied to schemes that contain the customer dimension: a customer is one customer. */
        customers: z.number().int().min(0).default(3),
        /** Months with at least one line. */
        months: z.number().int().min(0).default(6),
      })
      .strict()
      .default({ lines: 30, customers: 3, months: 6 }),
    projection: z
      .object({
        horizonYears: z.number().int().min(1).max(5).default(3),
        damping: z.number().min(0.8).max(0.98).default(0.9),
        /** Holt's smoothing of the level and of the trend. */
        alpha: z.number().gt(0).max(1).default(0.3),
        beta: z.number().gt(0).max(1).default(0.1),
        discountRate: z.number().min(0).max(1).default(0.1),
      })
      .strict()
      .default({ horizonYears: 3, damping: 0.9, alpha: 0.3, beta: 0.1, discountRate: 0.1 }),
    /** Share of rejected rows past which a batch fails whole. */
    rejectRatio: z.number().min(0).max(1).default(0.05),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;

export const DEFAULT_POLICY: Policy = policySchema.parse({});

export class PolicyError extends Error {
  override readonly name = "PolicyError";

  constructor(readonly issues: readonly string[]) {
    super(`the policy is not valid: ${issues.join("; ")}`);
  }
}

/** Validates a policy document (missing fields take their defaults), or throws naming each wrong field. */
export function parsePolicy(document: unknown): Policy {
  const result = policySchema.safeParse(document);
  if (result.success) return result.data;
  throw new PolicyError(documentProblems(result.error));
}
