import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { MAX_CONTENT_BYTES } from "#api/routes/batches.ts";
import { BlobKeys } from "#store/blob-store.ts";
import { MemoryBatchRepository } from "#test-support/memory-batches.ts";
import { MemoryBlobStore } from "#test-support/memory-blobs.ts";
import { API_NOW, apiEvent, authorised, lambdaContext, memoryApi, TOKENS } from "./api-harness.ts";

const CSV = "transaction_id,date,customer_id,revenue,cogs\nT1,2025-02-01,C1,100,60\n";

function setup() {
  const batches = new MemoryBatchRepository();
  const blobs = new MemoryBlobStore();
  const { handler, call } = memoryApi({ batches, blobs });
  const createBatch = (batchId: string, fileName: string) =>
    call(authorised.post("ingest", "/batches", { batchId, fileName }));
  return { batches, blobs, handler, call, createBatch };
}

describe("PUT /batches/{batchId}/content", () => {
  it("stores a small file where its upload URL would, so the same ingest follows, and answers 202 with the batch", async () => {
    const { call, blobs, createBatch } = setup();
    await createBatch("erp-1", "lines.csv");
    const answer = await call(authorised.put("ingest", "/batches/erp-1/content", CSV));
    expect(answer.status).toBe(202);
    expect(answer.headers.location).toBe("/batches/erp-1");
    expect(answer.body).toEqual({
      batchId: "erp-1",
      fileName: "lines.csv",
      status: "awaiting_upload",
      createdAt: API_NOW.toISOString(),
      updatedAt: API_NOW.toISOString(),
    });
    expect(blobs.text(BlobKeys.incoming("erp-1", "lines.csv"))).toBe(CSV);
  });

  it("stores a binary file that API Gateway passed base64-encoded byte for byte", async () => {
    const { handler, blobs, createBatch } = setup();
    await createBatch("erp-1", "lines.csv.gz");
    const gzip = gzipSync(CSV);
    const event = apiEvent({ method: "PUT", path: "/batches/erp-1/content", claims: TOKENS.ingest });
    const result = await handler(
      { ...event, body: gzip.toString("base64"), isBase64Encoded: true },
      lambdaContext(),
    );
    expect(result.statusCode).toBe(202);
    expect(Buffer.from((await blobs.getBytes(BlobKeys.incoming("erp-1", "lines.csv.gz"))) ?? [])).toEqual(
      gzip,
    );
  });

  it("creates the batch with its content when ?fileName= names the file", async () => {
    const { call, blobs, batches } = setup();
    const answer = await call(authorised.put("ingest", "/batches/erp-2/content?fileName=lines.csv", CSV));
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ batchId: "erp-2", fileName: "lines.csv", status: "awaiting_upload" });
    expect(batches.stored.get("erp-2")).toEqual(answer.body);
    expect(blobs.text(BlobKeys.incoming("erp-2", "lines.csv"))).toBe(CSV);
  });

  it("stores the file under ?fileName= when it names another file of an existing batch", async () => {
    const { call, blobs, createBatch } = setup();
    await createBatch("erp-1", "lines.csv");
    await call(authorised.put("ingest", "/batches/erp-1/content?fileName=lines-corrected.csv", CSV));
    expect(blobs.text(BlobKeys.incoming("erp-1", "lines-corrected.csv"))).toBe(CSV);
    expect(blobs.objects.has(BlobKeys.incoming("erp-1", "lines.csv"))).toBe(false);
  });

  it("answers 404 BATCH_NOT_FOUND for an unknown batch without ?fileName=, naming both ways to go on", async () => {
    const { call, blobs } = setup();
    const answer = await call(authorised.put("ingest", "/batches/erp-9/content", CSV));
    expect(answer.status).toBe(404);
    expect(answer.body.error).toEqual({
      code: "BATCH_NOT_FOUND",
      message:
        'no batch has the id "erp-9"; create it with POST /batches, or name the file with ?fileName= to create it with its content',
    });
    expect(blobs.objects.size).toBe(0);
  });

  it("takes a file of exactly the limit, 5 MiB", async () => {
    const { call, blobs, createBatch } = setup();
    await createBatch("erp-1", "lines.csv");
    const answer = await call(
      authorised.put("ingest", "/batches/erp-1/content", "x".repeat(MAX_CONTENT_BYTES)),
    );
    expect(answer.status).toBe(202);
    expect(blobs.objects.get(BlobKeys.incoming("erp-1", "lines.csv"))?.bytes.length).toBe(MAX_CONTENT_BYTES);
  });

  it("refuses a file one byte over 5 MiB with 413, naming the upload-URL way, and stores nothing", async () => {
    const { call, blobs, createBatch } = setup();
    await createBatch("erp-1", "lines.csv");
    const answer = await call(
      authorised.put("ingest", "/batches/erp-1/content", "x".repeat(MAX_CONTENT_BYTES + 1)),
    );
    expect(MAX_CONTENT_BYTES).toBe(5 * 1024 * 1024);
    expect(answer.status).toBe(413);
    expect(answer.body.error).toEqual({
      code: "PAYLOAD_TOO_LARGE",
      message:
        "a file sent in the request body has at most 5242880 bytes; for a larger one ask POST /batches for an upload URL and PUT the file there",
      details: { maxBytes: 5242880, bytes: 5242881, uploadWith: "POST /batches" },
    });
    expect(blobs.objects.size).toBe(0);
  });

  it("refuses a request without a body with 400 EMPTY_CONTENT", async () => {
    const { call, blobs, createBatch } = setup();
    await createBatch("erp-1", "lines.csv");
    const answer = await call({ method: "PUT", path: "/batches/erp-1/content", claims: TOKENS.ingest });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({
      code: "EMPTY_CONTENT",
      message: "send the file's bytes as the request body",
    });
    expect(blobs.objects.size).toBe(0);
  });

  it("refuses a ?fileName= with a slash, naming query.fileName", async () => {
    const { call } = setup();
    const answer = await call(
      authorised.put("ingest", "/batches/erp-1/content?fileName=..%2Flines.csv", CSV),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([
      { path: "query.fileName", message: "a file name cannot contain slashes or control characters" },
    ]);
  });
});
