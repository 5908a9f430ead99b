import * as z from "zod";
import { columnMappingSchema } from "#ingest/mapping.ts";
import { BATCH_STATUSES } from "#store/records.ts";

/**
 * The shapes of the HTTP API's requests and answers: the single source of their validation, their
 * types and the OpenAPI document.
 */

/** `channel+region`: the dimension names of a scheme joined by "+". */
export const schemeIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9_+]{1,200}$/,
    "a scheme id is 1 to 200 letters, digits, _ and +, such as channel+region",
  );

// DynamoDB sort keys hold 1024 bytes; the list index's, `{focus}#{segmentId}`, takes 10 of them.
const SEGMENT_ID_MAX_BYTES = 1014;

/** A segment id is its values joined by "|" (see segment-id.ts); it arrives percent-encoded in the path. */
export const segmentIdSchema = z
  .string()
  .min(1, "a segment id cannot be empty")
  .max(512, "a segment id has at most 512 characters")
  .regex(/^\P{Cc}*$/u, "a segment id cannot contain control characters")
  .refine((id) => Buffer.byteLength(id, "utf8") <= SEGMENT_ID_MAX_BYTES, {
    message: `a segment id has at most ${SEGMENT_ID_MAX_BYTES} bytes in UTF-8`,
  });

export const batchIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    "a batch id is 1 to 128 letters, digits, '.', '_' and '-', starting with a letter or digit",
  );

/** The last part of the upload's object key, `incoming/{batchId}/{fileName}`. */
export const fileNameSchema = z
  .string()
  .min(1, "a file name cannot be empty")
  .max(200, "a file name has at most 200 characters")
  .regex(/^[^/\\\p{Cc}]+$/u, "a file name cannot contain slashes or control characters")
  .refine((name) => name !== "." && name !== "..", { message: "a file name cannot be '.' or '..'" });

export const schemeParamsSchema = z.object({ schemeId: schemeIdSchema });
export const segmentParamsSchema = z.object({ schemeId: schemeIdSchema, segmentId: segmentIdSchema });
export const batchParamsSchema = z.object({ batchId: batchIdSchema });

export const PAGE_LIMIT_DEFAULT = 100;
export const PAGE_LIMIT_MAX = 500;

const pageLimitSchema = z
  .string()
  .regex(/^[0-9]{1,4}$/, `limit is a whole number from 1 to ${PAGE_LIMIT_MAX}`)
  .transform(Number)
  .pipe(z.number().int().min(1).max(PAGE_LIMIT_MAX))
  .default(PAGE_LIMIT_DEFAULT);

/** One page of a list: `?limit=` (1–500, default 100) and the `?cursor=` of the previous page. */
export const pageQuerySchema = z.object({
  limit: pageLimitSchema,
  cursor: z
    .string()
    .min(1, "a cursor cannot be empty; leave it out for the first page")
    .max(2048, "a cursor has at most 2048 characters")
    .optional(),
});

/** One page of a list as answered: its items and, unless it is the last page, the next page's cursor. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item).readonly(),
    /** Opaque; absent on the last page. */
    cursor: z.string().optional(),
  });
}

/** The lists of the board the API serves: say yes, say no, fix. */
export const DECISION_LISTS = ["yes", "no", "fix"] as const;

export const decisionsQuerySchema = pageQuerySchema.extend({
  list: z.enum(DECISION_LISTS).default("yes"),
});

/** POST /batches: the ERP announces a file and gets where to upload it. */
export const createBatchRequestSchema = z
  .object({
    /** Chosen by the client, it makes a re-send idempotent: the same id is the same batch. */
    batchId: batchIdSchema.optional(),
    fileName: fileNameSchema,
    /** How the file's own columns map onto the canonical fields; leave out for canonical headers. */
    mapping: columnMappingSchema.optional(),
  })
  .strict();
export type CreateBatchRequest = z.infer<typeof createBatchRequestSchema>;

export { BATCH_STATUSES };

export const createBatchResponseSchema = z.object({
  batchId: batchIdSchema,
  /** Accepts one HTTP PUT of the file until `expiresAt`. */
  uploadUrl: z.url(),
  expiresAt: z.iso.datetime(),
  status: z.enum(BATCH_STATUSES),
});
export type CreateBatchResponse = z.infer<typeof createBatchResponseSchema>;

/** GET /health: the function answers. */
export const healthResponseSchema = z.object({ status: z.literal("ok") });

/** GET /openapi.json: the OpenAPI document, described only as far as a client relies on it. */
export const openApiResponseSchema = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.looseObject({})),
});
