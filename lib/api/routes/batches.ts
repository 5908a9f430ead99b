import {
  batchPageSchema,
  batchRecordSchema,
  batchRequestSchema,
  contentQuerySchema,
  rejectsPageSchema,
} from "#api/batch-schemas.ts";
import { ApiError } from "#api/http-error.ts";
import { rejectsPage } from "#api/rejects-page.ts";
import { PLANNERS, type Route, route } from "#api/route.ts";
import { storedMapping } from "#api/routes/config.ts";
import {
  batchParamsSchema,
  type CreateBatchResponse,
  createBatchResponseSchema,
  pageQuerySchema,
} from "#api/schemas.ts";
import { BlobKeys } from "#store/blob-store.ts";
import { announceBatch, newBatch } from "#use-cases/announce-batch.ts";

/** How long an upload URL accepts the file. */
export const UPLOAD_URL_SECONDS = 15 * 60;

/**
 * The largest file PUT /batches/{batchId}/content takes in its body; larger ones go to S3 directly,
 * through the upload URL of POST /batches. A Lambda request holds at most 6 MiB: a text file arrives
 * as it is, but a binary one (gzip) arrives base64-encoded, a third larger, so past about 4.4 MiB
 * the gateway refuses it with 413 before this route runs (the local gateway does the same).
 */
export const MAX_CONTENT_BYTES = 5 * 1024 * 1024;

/** The ERP's side: announce a file and upload it, follow the batch, read its rejects. */
export const batchRoutes: readonly Route[] = [
  route({
    method: "POST",
    path: "/batches",
    summary: "Announce a file of transactions and get a URL to upload it to",
    roles: ["ingest"],
    responses: { 200: createBatchResponseSchema, 201: createBatchResponseSchema },
    errors: [404, 409],
    body: batchRequestSchema,
    async handle({ body }, { batches, config, blobs, now, newId }) {
      const requestedAt = now();
      const batchId = body.batchId ?? newId();
      // A mapping given by name is stored on the batch as the document it names now.
      const mapping =
        typeof body.mapping === "string" ? await storedMapping(config, body.mapping) : body.mapping;
      const { outcome, batch } = await announceBatch(
        batches,
        { batchId, fileName: body.fileName, ...(mapping && { mapping }) },
        requestedAt,
      );
      if (outcome === "mapping_conflict") {
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
        status: outcome === "created" ? 201 : 200,
        headers: { location: batchLocation(batchId) },
        body: answer,
      };
    },
  }),

  route({
    method: "GET",
    path: "/batches",
    summary: "List the batches, newest first",
    roles: ["ingest", ...PLANNERS],
    responses: { 200: batchPageSchema },
    query: pageQuerySchema,
    async handle({ query }, { batches }) {
      const page = await batches.listBatches(query);
      return { status: 200, body: { items: page.items, cursor: page.cursor } };
    },
  }),

  route({
    method: "GET",
    path: "/batches/{batchId}",
    summary: "Follow one batch from upload to scores",
    roles: ["ingest", ...PLANNERS],
    responses: { 200: batchRecordSchema },
    params: batchParamsSchema,
    async handle({ params }, { batches }) {
      const batch = await batches.getBatch(params.batchId);
      if (!batch) throw batchNotFound(params.batchId);
      return { status: 200, body: batch };
    },
  }),

  /**
   * A small file sent in the request body instead of through an upload URL: stored where an upload
   * would put it, so the same ingest follows. Its body is the file itself, handed over as bytes.
   */
  route({
    method: "PUT",
    path: "/batches/{batchId}/content",
    summary: "Send a small file in the request body instead of through an upload URL",
    roles: ["ingest"],
    responses: { 202: batchRecordSchema },
    errors: [413],
    rawBody: true,
    params: batchParamsSchema,
    query: contentQuerySchema,
    async handle({ params, query, body }, { batches, blobs, now }) {
      const { batchId } = params;
      const content = body instanceof Uint8Array ? body : new Uint8Array(0);
      if (content.byteLength > MAX_CONTENT_BYTES) {
        throw new ApiError(
          413,
          "PAYLOAD_TOO_LARGE",
          `a file sent in the request body has at most ${MAX_CONTENT_BYTES} bytes; for a larger one ask POST /batches for an upload URL and PUT the file there`,
          { maxBytes: MAX_CONTENT_BYTES, bytes: content.byteLength, uploadWith: "POST /batches" },
        );
      }
      if (content.byteLength === 0) {
        throw new ApiError(400, "EMPTY_CONTENT", "send the file's bytes as the request body");
      }
      let batch = await batches.getBatch(batchId);
      if (!batch) {
        if (query.fileName === undefined) {
          throw batchNotFound(
            batchId,
            "; create it with POST /batches, or name the file with ?fileName= to create it with its content",
          );
        }
        ({ batch } = await batches.createBatch(newBatch({ batchId, fileName: query.fileName }, now())));
      }
      await blobs.put(BlobKeys.incoming(batchId, query.fileName ?? batch.fileName), content);
      return { status: 202, headers: { location: batchLocation(batchId) }, body: batch };
    },
  }),

  route({
    method: "GET",
    path: "/batches/{batchId}/rejects",
    summary: "Page through the rows of a batch that ingest refused, and why",
    roles: ["ingest", ...PLANNERS],
    responses: { 200: rejectsPageSchema },
    params: batchParamsSchema,
    query: pageQuerySchema,
    async handle({ params, query }, { batches, blobs }) {
      const batch = await batches.getBatch(params.batchId);
      if (!batch) throw batchNotFound(params.batchId);
      // The batch names its rejects file only when its latest ingest rejected rows: a file left by an
      // earlier ingest of the same batch id is not this content's.
      const page = await rejectsPage(blobs, batch.rejectsKey, query);
      return { status: 200, body: { items: page.items, cursor: page.cursor } };
    },
  }),
];

function batchLocation(batchId: string): string {
  return `/batches/${encodeURIComponent(batchId)}`;
}

function batchNotFound(batchId: string, hint = ""): ApiError {
  return new ApiError(404, "BATCH_NOT_FOUND", `no batch has the id "${batchId}"${hint}`);
}
