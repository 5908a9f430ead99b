import { isDeepStrictEqual } from "node:util";
import { ApiError } from "#api/http-error.ts";
import { PLANNERS, type Route, route } from "#api/route.ts";
import { batchParamsSchema, type CreateBatchResponse, createBatchRequestSchema } from "#api/schemas.ts";
import { BlobKeys } from "#store/blob-store.ts";

/** How long an upload URL accepts the file. */
export const UPLOAD_URL_SECONDS = 15 * 60;

/** The ERP's side: ask for an upload URL, then follow the batch. */
export const batchRoutes: readonly Route[] = [
  route({
    method: "POST",
    path: "/batches",
    roles: ["ingest"],
    body: createBatchRequestSchema,
    async handle({ body }, { repository, blobs, now, newId }) {
      const requestedAt = now();
      const batchId = body.batchId ?? newId();
      const { created, batch } = await repository.createBatch({
        batchId,
        fileName: body.fileName,
        ...(body.mapping && { mapping: body.mapping }),
        status: "awaiting_upload",
        createdAt: requestedAt.toISOString(),
        updatedAt: requestedAt.toISOString(),
      });
      // A re-send must mean the same batch: a different mapping would be silently ignored by ingest.
      if (!created && !isDeepStrictEqual(batch.mapping, body.mapping)) {
        throw new ApiError(
          409,
          "BATCH_CONFLICT",
          `batch "${batchId}" already exists with a different column mapping; send it with the same mapping or under a new batch id`,
          { batchId, field: "mapping" },
        );
      }
      const uploadUrl = await blobs.presignPut(BlobKeys.incoming(batchId, body.fileName), UPLOAD_URL_SECONDS);
      const answer: CreateBatchResponse = {
        batchId,
        uploadUrl,
        expiresAt: new Date(requestedAt.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString(),
        status: batch.status,
      };
      return {
        status: created ? 201 : 200,
        headers: { location: `/batches/${encodeURIComponent(batchId)}` },
        body: answer,
      };
    },
  }),

  route({
    method: "GET",
    path: "/batches/{batchId}",
    roles: ["ingest", ...PLANNERS],
    params: batchParamsSchema,
    async handle({ params }, { repository }) {
      const batch = await repository.getBatch(params.batchId);
      if (!batch) throw new ApiError(404, "BATCH_NOT_FOUND", `no batch has the id "${params.batchId}"`);
      return { status: 200, body: batch };
    },
  }),
];
