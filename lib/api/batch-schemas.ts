import * as z from "zod";
import { mappingNameSchema } from "#api/config-schemas.ts";
import { batchIdSchema, createBatchRequestSchema, fileNameSchema, pageOf } from "#api/schemas.ts";
import { issueMessage } from "#domain/document-problems.ts";
import { columnMappingSchema } from "#ingest/mapping.ts";
import {
  batchRecordSchema as storedBatchRecordSchema,
  rejectSchema as storedRejectSchema,
} from "#store/records.ts";

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
export const rejectSchema = storedRejectSchema.extend({ line: z.number().int() });

/**
 * A batch as the service knows it; the ingest's figures appear as it gets to them. The stored record,
 * with the identifiers, times and counts held to the forms the service writes them in.
 */
export const batchRecordSchema = storedBatchRecordSchema.extend({
  batchId: batchIdSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  rows: z.number().int().optional(),
  accepted: z.number().int().optional(),
  rejected: z.number().int().optional(),
  firstRejects: z.array(rejectSchema).readonly().optional(),
  // The stored error, passing on any fields it gains.
  error: storedBatchRecordSchema.shape.error.unwrap().loose().optional(),
});

export const batchPageSchema = pageOf(batchRecordSchema);
export const rejectsPageSchema = pageOf(rejectSchema);
