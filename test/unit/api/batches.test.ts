import { describe, expect, it } from "vitest";
import { columnMappingSchema } from "#ingest/mapping.ts";
import type { Reject } from "#ingest/reject.ts";
import { BlobKeys } from "#store/blob-store.ts";
import { DynamoDbBatchRepository } from "#store/dynamodb-batch-repository.ts";
import { DynamoDbScoreRepository } from "#store/dynamodb-score-repository.ts";
import type { BatchRecord } from "#store/records.ts";
import { ERP_MAPPING } from "#test-support/erp-mapping.ts";
import { MemoryBlobStore } from "#test-support/memory-blobs.ts";
import { MemoryConfigRepository } from "#test-support/memory-config.ts";
import { fakeTableEachTest, TEST_TABLE } from "../store/table-fixture.ts";
import { authorised, memoryApi } from "./api-harness.ts";

const db = fakeTableEachTest();

/** The batches on the one table as in AWS (a fake of it), so lists and cursors are the adapter's own. */
function setup() {
  const batches = new DynamoDbBatchRepository(db.client, TEST_TABLE);
  const config = new MemoryConfigRepository();
  const blobs = new MemoryBlobStore();
  const { call } = memoryApi({
    batches,
    scores: new DynamoDbScoreRepository(db.client, TEST_TABLE),
    blobs,
    config,
  });
  return { batches, config, blobs, call };
}

const MAPPING = columnMappingSchema.parse(ERP_MAPPING);

function batch(batchId: string, createdAt: string, extra: Partial<BatchRecord> = {}): BatchRecord {
  return { batchId, fileName: "lines.csv", status: "scored", createdAt, updatedAt: createdAt, ...extra };
}

/** A batch announced with the name of a stored mapping. */
const BY_NAME = { batchId: "erp-1", fileName: "lines.csv", mapping: "erp-export" };
const ANNOUNCED_BY_NAME = authorised.post("ingest", "/batches", BY_NAME);

describe("POST /batches with a mapping by name", () => {
  it("stores on the batch the document the name stands for", async () => {
    const { call, config, batches } = setup();
    await config.putMapping("erp-export", MAPPING);
    const answer = await call(ANNOUNCED_BY_NAME);
    expect(answer.status).toBe(201);
    expect((await batches.getBatch("erp-1"))?.mapping).toEqual(MAPPING);
  });

  it("answers 404 MAPPING_NOT_FOUND naming the mapping, and creates no batch", async () => {
    const { call, batches } = setup();
    const answer = await call(ANNOUNCED_BY_NAME);
    expect(answer.status).toBe(404);
    expect(answer.body.error).toEqual({
      code: "MAPPING_NOT_FOUND",
      message: 'no column mapping is named "erp-export"; store it with PUT /mappings/erp-export',
      details: { mapping: "erp-export" },
    });
    expect(await batches.getBatch("erp-1")).toBeUndefined();
  });

  it("refuses a name no mapping could have, naming body.mapping", async () => {
    const { call } = setup();
    const answer = await call(
      authorised.post("ingest", "/batches", { fileName: "lines.csv", mapping: "../erp" }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([
      {
        path: "body.mapping",
        message:
          "a mapping name is 1 to 64 letters, digits, '.', '_' and '-', starting with a letter or digit",
      },
    ]);
  });

  it("treats a re-send naming the same document as the same batch, and one whose named mapping changed since as a conflict", async () => {
    const { call, config } = setup();
    await config.putMapping("erp-export", MAPPING);
    await call(ANNOUNCED_BY_NAME);
    const inline = await call(authorised.post("ingest", "/batches", { ...BY_NAME, mapping: MAPPING }));
    expect(inline.status).toBe(200);

    await config.putMapping("erp-export", { ...MAPPING, delimiter: "," });
    const changed = await call(ANNOUNCED_BY_NAME);
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe("BATCH_CONFLICT");
  });
});

describe("GET /batches", () => {
  it("lists the batches most recent first, a page at a time", async () => {
    const { call, batches } = setup();
    for (const [id, day] of [
      ["erp-a", "01"],
      ["erp-c", "03"],
      ["erp-b", "02"],
    ] as const) {
      await batches.createBatch(batch(id, `2025-02-${day}T02:00:00.000Z`));
    }
    const first = await call(authorised.get("ingest", "/batches?limit=2"));
    expect(first.status).toBe(200);
    expect(first.body.items.map((item: BatchRecord) => item.batchId)).toEqual(["erp-c", "erp-b"]);
    expect(first.body.items[0]).toEqual(batch("erp-c", "2025-02-03T02:00:00.000Z"));
    expect(first.body.cursor).toEqual(expect.any(String));

    const rest = await call(authorised.get("planner", `/batches?limit=2&cursor=${first.body.cursor}`));
    expect(rest.body).toEqual({ items: [batch("erp-a", "2025-02-01T02:00:00.000Z")] });
  });

  it("answers an empty list before any batch", async () => {
    const { call } = setup();
    const answer = await call(authorised.get("leader", "/batches"));
    expect(answer).toMatchObject({ status: 200, body: { items: [] } });
  });

  it("refuses a cursor it did not issue with 400 INVALID_CURSOR", async () => {
    const { call } = setup();
    const forged = Buffer.from(JSON.stringify({ pk: "CONFIG", sk: "POLICY" })).toString("base64url");
    const answer = await call(authorised.get("ingest", `/batches?cursor=${forged}`));
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("INVALID_CURSOR");
  });
});

describe("GET /batches/{batchId}/rejects", () => {
  /** Rejects as ingest writes them, values long enough that lines span the store's 64-byte reads. */
  const REJECTS: Reject[] = Array.from({ length: 7 }, (_, i) => ({
    line: 10 * (i + 1),
    column: i % 2 === 0 ? "NetAmount" : null,
    value: `${"ü".repeat(i * 15)}${i}`,
    reason: i % 2 === 0 ? "revenue is not a number" : "the row has 5 fields, the header 7",
  }));
  const ndjson = (rejects: readonly Reject[]) =>
    rejects.map((reject) => `${JSON.stringify(reject)}\n`).join("");

  async function withRejects(rejects: readonly Reject[] = REJECTS) {
    const stores = setup();
    const key = BlobKeys.rejects("erp-1");
    stores.blobs.upload(key, ndjson(rejects));
    await stores.batches.createBatch(
      batch("erp-1", "2025-02-01T02:00:00.000Z", { rejected: rejects.length, rejectsKey: key }),
    );
    return stores;
  }

  it("pages through every reject in order, the last page without a cursor", async () => {
    const { call } = await withRejects();
    const pages: Array<{ items: Reject[]; cursor?: string }> = [];
    let cursor: string | undefined;
    do {
      const answer = await call(
        authorised.get("ingest", `/batches/erp-1/rejects?limit=3${cursor ? `&cursor=${cursor}` : ""}`),
      );
      expect(answer.status).toBe(200);
      pages.push(answer.body);
      cursor = answer.body.cursor;
    } while (cursor);
    expect(pages.map((page) => page.items.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap((page) => page.items)).toEqual(REJECTS);
  });

  it("answers 100 rejects a page unless told", async () => {
    const many = Array.from({ length: 150 }, (_, i) => ({
      line: i + 2,
      column: null,
      value: "",
      reason: "bad",
    }));
    const { call } = await withRejects(many);
    const answer = await call(authorised.get("planner", "/batches/erp-1/rejects"));
    expect(answer.body.items).toEqual(many.slice(0, 100));
    expect(answer.body.cursor).toEqual(expect.any(String));
  });

  it("answers no rejects for a batch whose latest ingest rejected none, even if an earlier one left a file", async () => {
    const { call, batches, blobs } = setup();
    blobs.upload(BlobKeys.rejects("erp-1"), ndjson(REJECTS));
    await batches.createBatch(batch("erp-1", "2025-02-01T02:00:00.000Z", { rejected: 0 }));
    const answer = await call(authorised.get("ingest", "/batches/erp-1/rejects"));
    expect(answer).toMatchObject({ status: 200, body: { items: [] } });
  });

  it("refuses the cursor of a rejects file since replaced (the batch was sent again) with 400 INVALID_CURSOR", async () => {
    const { call, blobs } = await withRejects();
    const first = await call(authorised.get("ingest", "/batches/erp-1/rejects?limit=2"));
    blobs.upload(BlobKeys.rejects("erp-1"), ndjson(REJECTS.slice(3)));
    const answer = await call(
      authorised.get("ingest", `/batches/erp-1/rejects?limit=2&cursor=${first.body.cursor}`),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({
      code: "INVALID_CURSOR",
      message:
        "the cursor is not one this service issued for these rejects, or the batch was sent again since; start again without a cursor",
    });
  });

  it.each([
    ["not base64 JSON", () => "forged"],
    ["pointing into the middle of a line", (etag: string) => cursorOf({ offset: 5, etag })],
    ["pointing past the end", (etag: string) => cursorOf({ offset: 1_000_000, etag })],
    ["with a field of its own", (etag: string) => cursorOf({ offset: 1, etag, limit: 1000 })],
  ])("refuses a cursor %s with 400 INVALID_CURSOR", async (_, cursor) => {
    const { call, blobs } = await withRejects();
    const etag = (await blobs.head(BlobKeys.rejects("erp-1")))?.etag as string;
    const answer = await call(authorised.get("ingest", `/batches/erp-1/rejects?cursor=${cursor(etag)}`));
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("INVALID_CURSOR");
  });

  it("answers 404 BATCH_NOT_FOUND for an unknown batch", async () => {
    const { call } = setup();
    const answer = await call(authorised.get("ingest", "/batches/erp-404/rejects"));
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe("BATCH_NOT_FOUND");
  });
});

function cursorOf(position: object): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}
