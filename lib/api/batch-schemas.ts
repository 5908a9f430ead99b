import * as z from "zod";
import { mappingNameSchema } from "#api/config-schemas.ts";
import {
  BATCH_STATUSES,
  batchIdSchema,
  createBatchRequestSchema,
  fileNameSchema,
  pageOf,
} from "#api/schemas.ts";
import { issueMessage } from "#domain/document-problems.ts";
import { columnMappingSchema } from "#ingest/mapping.ts";

/**
 * A batch's column mapping: the document itself, or the name of one stored with PUT /mappings/{name}.
 * The value's type picks the schema it is checked against, so a wrong document is refused naming its
 * fields (`mapping.columns.cogs`) rather than with a union's "invalid input".
 */
export const mappingReferenceSchema = z.unknown().transform((reference, context) => {
  const result = (typeof reference === "string" ? mappingNameSchema : columnMappingSchema).safeParse(
    reference,
  );
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    context.addIssue({ code: "custom", path: issue.path, message: issueMessage(issue) });
  }
  return z.NEVER;
});

/** POST /batches: the ERP announces a file, with its column mapping or the name of a stored one. */
export const batchRequestSchema = createBatchRequestSchema.extend({
  mapping: mappingReferenceSchema.optional(),
});

/** PUT /batches/{batchId}/content: the file's name, when the batch does not exist yet or the file is another. */
export const contentQuerySchema = z.object({ fileName: fileNameSchema.optional() });

/** A row of a file that ingest refused: where it is and why. */
export const rejectSchema = z.object({
  line: z.number().int(),
  column: z.string().nullable(),
  value: z.string(),
  reason: z.string(),
});

/** A batch as the service knows it; the ingest's figures appear as it gets to them. */
export const batchRecordSchema = z.looseObject({
  batchId: batchIdSchema,
  fileName: z.string(),
  mapping: z.unknown().optional(),
  status: z.enum(BATCH_STATUSES),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  contentHash: z.string().optional(),
  size: z.number().optional(),
  rows: z.number().int().optional(),
  accepted: z.number().int().optional(),
  rejected: z.number().int().optional(),
  firstRejects: z.array(rejectSchema).readonly().optional(),
  rejectsKey: z.string().optional(),
  error: z
    .looseObject({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
      retryable: z.boolean(),
    })
    .optional(),
  runId: z.string().optional(),
  ingestMs: z.number().optional(),
});

export const batchPageSchema = pageOf(batchRecordSchema);
export const rejectsPageSchema = pageOf(rejectSchema);
