import { beforeEach, describe, expect, it } from "vitest";
import { handlerOnFakeAws } from "./fake-aws.ts";

const { aws, handler } = handlerOnFakeAws(() => import("#functions/record-ingest-failure/handler.ts"));

beforeEach(() => {
  aws.table.seed({
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
    const batch = aws.table.item("BATCH#b-1", "BATCH");
    expect(batch).toMatchObject({
      status: "failed",
      contentHash: "counted-before",
      error: { code: "SERVICE_ERROR", retryable: true },
    });
    expect(String((batch?.error as { message?: string } | undefined)?.message)).toContain(
      "States.TaskFailed: SlowDown: Please reduce your request rate.",
    );
    expect(aws.bucket.objects.size).toBe(0);
  });

  it("refuses an input that is not a failed step's, changing nothing", async () => {
    await expect(handler({ object: OBJECT, parts: [{ index: 0 }] })).rejects.toThrow();

    expect(aws.table.item("BATCH#b-1", "BATCH")).toMatchObject({ status: "ingesting" });
  });
});
