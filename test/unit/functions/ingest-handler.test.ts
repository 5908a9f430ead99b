import { Metrics } from "@aws-lambda-powertools/metrics";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it, vi } from "vitest";
import { decodeCube } from "#domain/cube-codec.ts";
import type { Item } from "../store/fake-table.ts";
import { handlerOnFakeAws } from "./fake-aws.ts";
import { s3Event, sqsEvent } from "./lambda-events.ts";
import { FAILED_RETRYABLE, internalServerError, slowDown, throughputExceeded } from "./service-faults.ts";

const { aws, handler } = handlerOnFakeAws(() => import("#functions/ingest/handler.ts"));

const HEADER = "transaction_id,date,customer_id,order_id,revenue,quantity,cogs,channel,category";

function csvFile(rows: number): string {
  const lines = Array.from(
    { length: rows },
    (_, i) =>
      `T${i},2024-0${1 + (i % 5)}-15,C${i % 3},O${i},${10 + i}.00,1,4.00,${i % 2 ? "online" : "shop"},tools`,
  );
  return `${HEADER}\n${lines.join("\n")}\n`;
}

function batch(batchId: string): Item | undefined {
  return aws.table.item(`BATCH#${batchId}`, "BATCH");
}

const isUpdateTo = (status: string) => (input: Item) =>
  Object.values((input.ExpressionAttributeValues ?? {}) as Item).includes(status);

describe("ingest handler", () => {
  it("ingests every upload an SQS event announces and hands no message back", async () => {
    const first = aws.bucket.upload("incoming/b-1/orders.csv", csvFile(20));
    const second = aws.bucket.upload("incoming/b-2/June sales.csv", csvFile(30));

    const response = await handler(sqsEvent(["m-1", first], ["m-2", second]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(batch("b-1")).toMatchObject({ status: "aggregated", accepted: 20, contentHash: first.eTag });
    expect(batch("b-2")).toMatchObject({ status: "aggregated", accepted: 30, fileName: "June sales.csv" });
    const partial = aws.bucket.objects.get("partials/b-2.cube");
    expect(partial && decodeCube(partial).schemes.map((scheme) => scheme.id)).toEqual([
      "channel",
      "category",
      "customer",
    ]);
  });

  it("counts each upload's accepted and rejected lines as metrics", async () => {
    const first = aws.bucket.upload("incoming/b-1/orders.csv", csvFile(20));
    const second = aws.bucket.upload(
      "incoming/b-2/orders.csv",
      `${csvFile(30)}T99,not a date,C1,O99,1.00,1,1.00,shop,tools\n`,
    );
    const recorded = vi.spyOn(Metrics.prototype, "addMetric");

    await handler(sqsEvent(["m-1", first], ["m-2", second]));
    const values = (name: string) =>
      recorded.mock.calls.filter(([metric]) => metric === name).map(([, , value]) => value);
    const accepted = values("LinesAccepted");
    const rejected = values("LinesRejected");
    recorded.mockRestore();

    expect(accepted).toEqual([20, 30]);
    expect(rejected).toEqual([0, 1]);
  });

  it("consumes the message of a bad file: the batch fails for good, with what to fix", async () => {
    const empty = aws.bucket.upload("incoming/b-1/orders.csv", "");

    const response = await handler(sqsEvent(["m-1", empty]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(batch("b-1")).toMatchObject({ status: "failed", error: { code: "EMPTY_FILE", retryable: false } });
  });
});

describe("ingest handler: S3 throttling (SlowDown, 503) on GetObject", () => {
  it("hands the message back to SQS and fails the batch as retryable while S3 keeps refusing", async () => {
    const good = aws.bucket.upload("incoming/b-1/orders.csv", csvFile(20));
    const throttled = aws.bucket.upload("incoming/b-2/orders.csv", csvFile(20));
    const reads = aws.bucket.failingReads(throttled.key, slowDown);

    const response = await handler(sqsEvent(["m-1", good], ["m-2", throttled]));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m-2" }] });
    expect(reads.failed()).toBe(1);
    expect(batch("b-1")).toMatchObject({ status: "aggregated" });
    expect(batch("b-2")).toMatchObject({
      status: "failed",
      error: {
        code: "SERVICE_ERROR",
        retryable: true,
        message: expect.stringContaining("Please reduce your request rate."),
      },
    });
    expect(aws.bucket.objects.has("partials/b-2.cube")).toBe(false);
  });

  it("aggregates the batch when SQS delivers the message again and S3 answers", async () => {
    const object = aws.bucket.upload("incoming/b-1/orders.csv", csvFile(20));
    aws.bucket.failingReads(object.key, slowDown, 1);
    const event = sqsEvent(["m-1", object]);

    const first = await handler(event);
    const redelivered = await handler(event);

    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
    expect(redelivered).toEqual({ batchItemFailures: [] });
    expect(batch("b-1")).toMatchObject({ status: "aggregated", accepted: 20, contentHash: object.eTag });
    expect(batch("b-1")?.error).toBeUndefined();
  });

  it("throws for an S3 event delivered directly, so that Lambda retries it", async () => {
    const object = aws.bucket.upload("incoming/b-1/orders.csv", csvFile(20));
    aws.bucket.failingReads(object.key, slowDown);

    await expect(handler(s3Event(object))).rejects.toThrow("Please reduce your request rate.");

    expect(batch("b-1")).toMatchObject(FAILED_RETRYABLE);
  });
});

describe("ingest handler: DynamoDB throughput and server errors", () => {
  it("fails the batch as retryable and hands the message back when the policy cannot be read", async () => {
    const object = aws.bucket.upload("incoming/b-1/orders.csv", csvFile(20));
    aws.table.failing("Get", throughputExceeded, { when: (input) => (input.Key as Item).pk === "CONFIG" });

    const response = await handler(sqsEvent(["m-1", object]));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
    expect(batch("b-1")).toMatchObject({
      status: "failed",
      error: {
        code: "SERVICE_ERROR",
        retryable: true,
        message: expect.stringContaining("provisioned throughput"),
      },
    });
  });

  it("fails the batch as retryable when its aggregated status cannot be stored, and ingests it again on redelivery", async () => {
    const object = aws.bucket.upload("incoming/b-1/orders.csv", csvFile(20));
    const updates = aws.table.failing("Update", internalServerError, {
      when: isUpdateTo("aggregated"),
      times: 1,
    });
    const event = sqsEvent(["m-1", object]);

    const first = await handler(event);
    const afterFirst = batch("b-1");
    const redelivered = await handler(event);

    expect(updates.failed()).toBe(1);
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
    expect(afterFirst).toMatchObject({ status: "failed", error: { code: "SERVICE_ERROR", retryable: true } });
    expect(afterFirst?.contentHash).toBeUndefined();
    expect(redelivered).toEqual({ batchItemFailures: [] });
    expect(batch("b-1")).toMatchObject({ status: "aggregated", accepted: 20, contentHash: object.eTag });
  });

  it("hands the message back, writing nothing, while DynamoDB answers nothing but errors", async () => {
    const object = aws.bucket.upload("incoming/b-1/orders.csv", csvFile(20));
    for (const operation of ["Get", "Put", "Update"] as const)
      aws.table.failing(operation, internalServerError);

    const response = await handler(sqsEvent(["m-1", object]));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
    expect([...aws.bucket.objects.keys()]).toEqual(["incoming/b-1/orders.csv"]);
  });

  it("aggregates the batch on redelivery once a throttled batch record can be created", async () => {
    const object = aws.bucket.upload("incoming/b-1/orders.csv", csvFile(20));
    aws.table.failing("Put", throughputExceeded, { times: 1 });
    const event = sqsEvent(["m-1", object]);

    const first = await handler(event);
    const redelivered = await handler(event);

    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
    expect(redelivered).toEqual({ batchItemFailures: [] });
    expect(batch("b-1")).toMatchObject({ status: "aggregated", accepted: 20 });
    expect(aws.dynamo.commandCalls(PutCommand)).toHaveLength(2);
  });
});
