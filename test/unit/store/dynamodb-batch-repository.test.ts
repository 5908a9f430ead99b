import { PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { beforeEach, describe, expect, it } from "vitest";
import { DynamoDbBatchRepository } from "#store/dynamodb-batch-repository.ts";
import type { BatchRecord } from "#store/records.ts";
import { fakeTableEachTest, TEST_TABLE } from "./table-fixture.ts";

const db = fakeTableEachTest();
let repository: DynamoDbBatchRepository;

beforeEach(() => {
  repository = new DynamoDbBatchRepository(db.client, TEST_TABLE);
});

const BATCH: BatchRecord = {
  batchId: "b-0615",
  fileName: "orders.csv",
  status: "awaiting_upload",
  createdAt: "2024-06-15T02:00:00.000Z",
  updatedAt: "2024-06-15T02:00:00.000Z",
};

describe("createBatch", () => {
  it("creates the batch on condition that no item has its key, listed under BATCHES by creation time", async () => {
    const outcome = await repository.createBatch(BATCH);

    expect(outcome).toEqual({ created: true, batch: BATCH });
    const put = db.dynamo.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.ConditionExpression).toBe("attribute_not_exists(#pk)");
    expect(put?.ExpressionAttributeNames).toEqual({ "#pk": "pk" });
    expect(db.table.item("BATCH#b-0615", "BATCH")).toEqual({
      pk: "BATCH#b-0615",
      sk: "BATCH",
      gsi1pk: "BATCHES",
      gsi1sk: "2024-06-15T02:00:00.000Z#b-0615",
      ...BATCH,
    });
  });

  it("returns the stored batch, untouched, when one with the same id already exists", async () => {
    const stored: BatchRecord = { ...BATCH, status: "aggregated", contentHash: "etag-1", accepted: 10 };
    await repository.createBatch(stored);

    const outcome = await repository.createBatch({ ...BATCH, fileName: "other.csv" });

    expect(outcome).toEqual({ created: false, batch: stored });
    expect(db.table.item("BATCH#b-0615", "BATCH")).toMatchObject({
      fileName: "orders.csv",
      status: "aggregated",
    });
  });

  it("passes on a failure that is not the condition", async () => {
    db.dynamo.on(PutCommand).rejects(new Error("Throughput exceeds the current capacity of your table"));

    await expect(repository.createBatch(BATCH)).rejects.toThrow("Throughput exceeds");
  });
});

describe("updateBatch", () => {
  const failed: BatchRecord = {
    ...BATCH,
    status: "failed",
    error: { code: "SERVICE_ERROR", message: "S3 was slow", retryable: true },
  };

  it("sets the given fields and removes those given as undefined, in one update of an existing batch", async () => {
    db.table.seed({ pk: "BATCH#b-0615", sk: "BATCH", ...failed });

    const updated = await repository.updateBatch("b-0615", {
      status: "ingesting",
      size: 4096,
      error: undefined,
      updatedAt: "2024-06-15T02:05:00.000Z",
    });

    const input = db.dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toBe("SET #f0 = :v0, #f1 = :v1, #f3 = :v3 REMOVE #f2");
    expect(input?.ExpressionAttributeNames).toEqual({
      "#pk": "pk",
      "#f0": "status",
      "#f1": "size",
      "#f2": "error",
      "#f3": "updatedAt",
    });
    expect(input?.ExpressionAttributeValues).toEqual({
      ":v0": "ingesting",
      ":v1": 4096,
      ":v3": "2024-06-15T02:05:00.000Z",
    });
    expect(input?.ConditionExpression).toBe("attribute_exists(#pk)");
    expect(input?.ReturnValues).toBe("ALL_NEW");
    expect(updated).toEqual({
      ...BATCH,
      status: "ingesting",
      size: 4096,
      updatedAt: "2024-06-15T02:05:00.000Z",
    });
  });

  it("applies a change only while the batch's status is one of those allowed", async () => {
    db.table.seed({ pk: "BATCH#b-0615", sk: "BATCH", ...BATCH, status: "aggregated" });

    const scored = await repository.updateBatch(
      "b-0615",
      { status: "scored", runId: "run-1" },
      { onlyIfStatusIn: ["aggregated", "scored"] },
    );

    const input = db.dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe("attribute_exists(#pk) AND #status IN (:s0, :s1)");
    expect(input?.ExpressionAttributeNames).toMatchObject({ "#status": "status" });
    expect(input?.ExpressionAttributeValues).toMatchObject({ ":s0": "aggregated", ":s1": "scored" });
    expect(scored).toMatchObject({ status: "scored", runId: "run-1" });
  });

  it("returns undefined and changes nothing when the status condition fails", async () => {
    db.table.seed({ pk: "BATCH#b-0615", sk: "BATCH", ...failed });

    const outcome = await repository.updateBatch(
      "b-0615",
      { status: "scored", runId: "run-1" },
      { onlyIfStatusIn: ["aggregated", "scored"] },
    );

    expect(outcome).toBeUndefined();
    expect(db.table.item("BATCH#b-0615", "BATCH")).toMatchObject({ status: "failed", error: failed.error });
  });

  it("returns undefined for a batch that does not exist, without creating it", async () => {
    expect(await repository.updateBatch("b-none", { status: "ingesting" })).toBeUndefined();
    expect(db.table.item("BATCH#b-none", "BATCH")).toBeUndefined();
  });

  it("passes on a failure that is not the condition", async () => {
    db.dynamo.on(UpdateCommand).rejects(new Error("Internal server error"));

    await expect(repository.updateBatch("b-0615", { status: "ingesting" })).rejects.toThrow(
      "Internal server error",
    );
  });
});

describe("listBatches", () => {
  it("lists the most recently created batch first, page by page", async () => {
    for (const [batchId, createdAt] of [
      ["b-1", "2024-06-13T02:00:00.000Z"],
      ["b-3", "2024-06-15T02:00:00.000Z"],
      ["b-2", "2024-06-14T02:00:00.000Z"],
    ] as const) {
      await repository.createBatch({ ...BATCH, batchId, createdAt, updatedAt: createdAt });
    }

    const first = await repository.listBatches({ limit: 2 });
    const second = await repository.listBatches({ limit: 2, cursor: first.cursor });

    expect(first.items.map((batch) => batch.batchId)).toEqual(["b-3", "b-2"]);
    expect(second.items.map((batch) => batch.batchId)).toEqual(["b-1"]);
    expect(second.cursor).toBeUndefined();
    expect(db.dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: "gsi1",
      ExpressionAttributeValues: { ":pk": "BATCHES" },
      ScanIndexForward: false,
      Limit: 2,
    });
  });
});

describe("reading a stored batch", () => {
  it("refuses an item of another shape, naming its key and the field", async () => {
    db.table.seed({ pk: "BATCH#b-0615", sk: "BATCH", ...BATCH, status: "done", accepted: "ten" });

    await expect(repository.getBatch("b-0615")).rejects.toThrow(
      /^stored item BATCH#b-0615 \/ BATCH: status: /,
    );
  });
});
