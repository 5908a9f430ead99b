import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeTable } from "../store/fake-table.ts";
import { FakeBucket } from "./fake-bucket.ts";
import { stubFunctionEnvironment } from "./function-environment.ts";

const s3 = mockClient(S3Client);
const dynamo = mockClient(DynamoDBDocumentClient);
let bucket: FakeBucket;
let table: FakeTable;
let handler: typeof import("#functions/record-ingest-failure/handler.ts").handler;

beforeAll(async () => {
  // The module builds its stores from the environment when it is imported.
  stubFunctionEnvironment();
  ({ handler } = await import("#functions/record-ingest-failure/handler.ts"));
});

beforeEach(() => {
  s3.reset();
  dynamo.reset();
  bucket = new FakeBucket().attach(s3);
  table = new FakeTable().attach(dynamo);
  table.seed({
    pk: "BATCH#b-1",
    sk: "BATCH",
    batchId: "b-1",
    fileName: "lines.csv",
    status: "ingesting",
    contentHash: "counted-before",
    createdAt: "2025-01-10T01:00:00.000Z",
    updatedAt: "2025-01-10T01:00:00.000Z",
  });
});

const OBJECT = { key: "incoming/b-1/lines.csv", size: 5_000_000_000, etag: "e-1", versionId: "v-1" };

describe("record-ingest-failure handler", () => {
  it("marks the batch failed as retryable with Step Functions' error and cause, keeping what was counted", async () => {
    const result = await handler({
      object: OBJECT,
      failure: { Error: "States.TaskFailed", Cause: "SlowDown: Please reduce your request rate." },
    });

    expect(result).toEqual({ batchId: "b-1", status: "failed" });
    const batch = table.item("BATCH#b-1", "BATCH");
    expect(batch).toMatchObject({
      status: "failed",
      contentHash: "counted-before",
      error: { code: "SERVICE_ERROR", retryable: true },
    });
    expect(String((batch?.error as { message?: string } | undefined)?.message)).toContain(
      "States.TaskFailed: SlowDown: Please reduce your request rate.",
    );
    expect(bucket.objects.size).toBe(0);
  });

  it("refuses an input that is not a failed step's, changing nothing", async () => {
    await expect(handler({ object: OBJECT, parts: [{ index: 0 }] })).rejects.toThrow();

    expect(table.item("BATCH#b-1", "BATCH")).toMatchObject({ status: "ingesting" });
  });
});
