import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Item } from "../store/fake-table.ts";
import { stubFunctionEnvironment } from "./function-environment.ts";
import { dynamoDbError, FakeAwsHttp, s3Error, sdkHttpHandler } from "./http-fakes.ts";
import { s3Event, sqsEvent } from "./lambda-events.ts";
import { FAILED_RETRYABLE } from "./service-faults.ts";

/*
 * aws-sdk-client-mock replaces the clients' `send`, and with it every middleware — the retry strategy
 * included. Here the requests are answered beneath the real clients instead, so the handler's own
 * clients retry as configured (maxAttempts 5). The SDK's backoff is its jitter times a growing base
 * (up to 1 s, 2 s, 4 s, 8 s for throttling): Math.random is held at 0 to keep these tests fast.
 */
const SDK_MAX_ATTEMPTS = 5;
let aws: FakeAwsHttp;
let handler: typeof import("#functions/ingest/handler.ts").handler;

beforeEach(async () => {
  stubFunctionEnvironment();
  // The real clients sign their requests: credentials from the environment, never the instance's.
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAFAKEFORUNITTESTS");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "fake-secret-for-unit-tests");
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
  vi.spyOn(Math, "random").mockReturnValue(0);
  aws = new FakeAwsHttp();
  vi.spyOn(sdkHttpHandler(), "handle").mockImplementation((request) => aws.handle(request));
  // A fresh module each time: fresh clients, so no test inherits another's spent retry capacity.
  vi.resetModules();
  ({ handler } = await import("#functions/ingest/handler.ts"));
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const HEADER = "transaction_id,date,customer_id,order_id,revenue,quantity,cogs,channel,category";
const FILE = `${HEADER}\n${Array.from({ length: 20 }, (_, i) => `T${i},2024-0${1 + (i % 5)}-15,C${i % 3},O${i},${10 + i}.00,1,4.00,shop,tools`).join("\n")}\n`;

const slowDown = () => s3Error(503, "SlowDown", "Please reduce your request rate.");
const throughputExceeded = () =>
  dynamoDbError(
    400,
    "ProvisionedThroughputExceededException",
    "The level of configured provisioned throughput for the table was exceeded.",
  );
const internalServerError = () => dynamoDbError(500, "InternalServerError", "Internal server error");

function batch(batchId: string): Item | undefined {
  return aws.table.item(`BATCH#${batchId}`, "BATCH");
}

const isUpdateTo = (status: string) => (request: unknown) =>
  JSON.stringify(request).includes(`{"S":"${status}"}`);

describe("ingest handler: S3 throttling (SlowDown, 503) with the SDK's retries", () => {
  it("aggregates the batch when GetObject succeeds on the last of the SDK's attempts", async () => {
    const object = aws.upload("incoming/b-1/orders.csv", FILE);
    aws.failing("GetObject", slowDown, { times: SDK_MAX_ATTEMPTS - 1 });

    const response = await handler(sqsEvent(["m-1", object]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(aws.attempts.get("GetObject")).toBe(SDK_MAX_ATTEMPTS);
    expect(batch("b-1")).toMatchObject({ status: "aggregated", accepted: 20, contentHash: object.eTag });
    expect(aws.objects.has("partials/b-1.cube")).toBe(true);
  });

  it("hands the message back to SQS, the batch failed as retryable, once every attempt is throttled", async () => {
    const object = aws.upload("incoming/b-1/orders.csv", FILE);
    aws.failing("GetObject", slowDown);

    const response = await handler(sqsEvent(["m-1", object]));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
    expect(aws.attempts.get("GetObject")).toBe(SDK_MAX_ATTEMPTS);
    expect(batch("b-1")).toMatchObject({
      status: "failed",
      error: {
        code: "SERVICE_ERROR",
        retryable: true,
        message: expect.stringContaining("Please reduce your request rate."),
      },
    });
    expect(aws.objects.has("partials/b-1.cube")).toBe(false);
  });

  it("throws for an S3 event delivered directly once every attempt is throttled", async () => {
    const object = aws.upload("incoming/b-1/orders.csv", FILE);
    aws.failing("GetObject", slowDown);

    await expect(handler(s3Event(object))).rejects.toThrow("Please reduce your request rate.");

    expect(batch("b-1")).toMatchObject(FAILED_RETRYABLE);
  });
});

describe("ingest handler: DynamoDB faults with the SDK's retries", () => {
  it("aggregates the batch when reading it is throttled on all but the last attempt", async () => {
    const object = aws.upload("incoming/b-1/orders.csv", FILE);
    aws.failing("GetItem", throughputExceeded, { times: SDK_MAX_ATTEMPTS - 1 });

    const response = await handler(sqsEvent(["m-1", object]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(batch("b-1")).toMatchObject({ status: "aggregated", accepted: 20 });
  });

  it("aggregates the batch when storing its status meets server errors on all but the last attempt", async () => {
    const object = aws.upload("incoming/b-1/orders.csv", FILE);
    aws.failing("UpdateItem", internalServerError, {
      times: SDK_MAX_ATTEMPTS - 1,
      when: isUpdateTo("aggregated"),
    });

    const response = await handler(sqsEvent(["m-1", object]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(batch("b-1")).toMatchObject({ status: "aggregated", accepted: 20 });
  });

  it("fails the batch as retryable and hands the message back when the server errors outlast the retries", async () => {
    const object = aws.upload("incoming/b-1/orders.csv", FILE);
    aws.failing("UpdateItem", internalServerError, { when: isUpdateTo("aggregated") });

    const response = await handler(sqsEvent(["m-1", object]));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
    expect(batch("b-1")).toMatchObject({
      status: "failed",
      error: {
        code: "SERVICE_ERROR",
        retryable: true,
        message: expect.stringContaining("Internal server error"),
      },
    });
    expect(aws.attempts.get("UpdateItem")).toBe(1 + SDK_MAX_ATTEMPTS + 1);
  });

  it("fails the batch as retryable when the policy read stays throttled", async () => {
    const object = aws.upload("incoming/b-1/orders.csv", FILE);
    aws.failing("GetItem", throughputExceeded, {
      when: (request) => JSON.stringify(request).includes("CONFIG"),
    });

    const response = await handler(sqsEvent(["m-1", object]));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
    expect(batch("b-1")).toMatchObject(FAILED_RETRYABLE);
  });
});
