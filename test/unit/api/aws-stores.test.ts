import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { DynamoDbBatchRepository } from "#store/dynamodb-batch-repository.ts";
import { DynamoDbScoreRepository } from "#store/dynamodb-score-repository.ts";
import { S3BlobStore } from "#store/s3-blob-store.ts";
import { authorised, memoryApi, quietObservability } from "./api-harness.ts";

/** The API on the real DynamoDB and S3 adapters, their SDK clients mocked: what AWS's answers become. */

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const CREDENTIALS = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

beforeEach(() => {
  dynamo.reset();
  s3.reset();
});

function setup() {
  const observability = quietObservability();
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: "eu-west-1", credentials: CREDENTIALS }),
  );
  const { call } = memoryApi(
    {
      batches: new DynamoDbBatchRepository(db, "segfocus-test"),
      scores: new DynamoDbScoreRepository(db, "segfocus-test"),
      blobs: new S3BlobStore(
        new S3Client({ region: "eu-west-1", credentials: CREDENTIALS }),
        "segfocus-uploads",
      ),
    },
    observability,
  );
  return { logger: observability.logger, call };
}

const STORED_BATCH = {
  pk: "BATCH#erp-1",
  sk: "BATCH",
  gsi1pk: "BATCHES",
  gsi1sk: "2025-03-01T07:00:00.000Z#erp-1",
  batchId: "erp-1",
  fileName: "lines.csv",
  status: "ingesting",
  createdAt: "2025-03-01T07:00:00.000Z",
  updatedAt: "2025-03-01T07:30:00.000Z",
  size: 1234,
};

describe("the API on DynamoDB and S3", () => {
  it("creates a batch with a conditional put and answers a presigned S3 PUT of incoming/{batchId}/{fileName} valid 900 s", async () => {
    dynamo.on(PutCommand).resolves({});
    const { call } = setup();
    const answer = await call(
      authorised.post("ingest", "/batches", { batchId: "erp-1", fileName: "lines 2025.csv" }),
    );

    expect(answer.status).toBe(201);
    const [put] = dynamo.commandCalls(PutCommand);
    expect(put?.args[0].input).toMatchObject({
      TableName: "segfocus-test",
      ConditionExpression: "attribute_not_exists(#pk)",
      Item: {
        pk: "BATCH#erp-1",
        sk: "BATCH",
        batchId: "erp-1",
        fileName: "lines 2025.csv",
        status: "awaiting_upload",
      },
    });
    const url = new URL(answer.body.uploadUrl);
    expect(url.host).toBe("segfocus-uploads.s3.eu-west-1.amazonaws.com");
    expect(url.pathname).toBe("/incoming/erp-1/lines%202025.csv");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900");
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(s3.calls()).toHaveLength(0);
  });

  it("answers a re-send of an existing batch id with 200 and the batch as DynamoDB holds it", async () => {
    dynamo
      .on(PutCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} }),
      );
    dynamo.on(GetCommand).resolves({ Item: STORED_BATCH });
    const { call } = setup();
    const answer = await call(
      authorised.post("ingest", "/batches", { batchId: "erp-1", fileName: "lines.csv" }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ batchId: "erp-1", status: "ingesting" });
  });

  it("answers a batch without the table's key attributes", async () => {
    dynamo.on(GetCommand, { Key: { pk: "BATCH#erp-1", sk: "BATCH" } }).resolves({ Item: STORED_BATCH });
    const { call } = setup();
    const answer = await call(authorised.get("ingest", "/batches/erp-1"));
    const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...batch } = STORED_BATCH;
    expect(answer).toMatchObject({ status: 200, body: batch });
    expect(Object.keys(answer.body)).toEqual(Object.keys(batch));
  });

  it("refuses a cursor the service did not issue with 400 INVALID_CURSOR, before any query", async () => {
    const { call } = setup();
    const answer = await call(authorised.get("planner", "/schemes/channel/segments?cursor=not-a-cursor"));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({
      code: "INVALID_CURSOR",
      message: "the cursor is not one this service issued for this list",
    });
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it("turns DynamoDB throttling into 503 SERVICE_UNAVAILABLE with Retry-After, not a 500", async () => {
    dynamo.on(GetCommand).rejects(
      new ProvisionedThroughputExceededException({
        message: "The level of configured provisioned throughput for the table was exceeded",
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { call } = setup();
    const answer = await call(authorised.get("ingest", "/batches/erp-1"));
    expect(answer).toEqual({
      status: 503,
      headers: { "content-type": "application/json", "retry-after": "1" },
      body: {
        error: {
          code: "SERVICE_UNAVAILABLE",
          message: "the service is busy; retry after the time in the Retry-After header",
        },
      },
    });
  });

  it("turns a DynamoDB 503 into 503 SERVICE_UNAVAILABLE with Retry-After", async () => {
    dynamo.on(QueryCommand).rejects(
      new DynamoDBServiceException({
        name: "ServiceUnavailable",
        $fault: "server",
        message: "Service unavailable",
        $metadata: { httpStatusCode: 503 },
      }),
    );
    const { call } = setup();
    const answer = await call(authorised.get("leader", "/schemes"));
    expect(answer.status).toBe(503);
    expect(answer.headers["retry-after"]).toBe("1");
    expect(answer.body.error.code).toBe("SERVICE_UNAVAILABLE");
  });

  it("turns a DynamoDB internal server error into 502 UPSTREAM_ERROR JSON", async () => {
    dynamo
      .on(QueryCommand)
      .rejects(
        new InternalServerError({ message: "Internal server error", $metadata: { httpStatusCode: 500 } }),
      );
    const { call } = setup();
    const answer = await call(authorised.get("planner", "/schemes/channel/decisions?list=no"));
    expect(answer).toEqual({
      status: 502,
      headers: { "content-type": "application/json" },
      body: {
        error: { code: "UPSTREAM_ERROR", message: "a store the service depends on failed; try again" },
      },
    });
  });

  it("answers an unexpected error with 500 INTERNAL, a generic message and the request id, and logs it", async () => {
    dynamo.on(GetCommand).rejects(new TypeError("Cannot read properties of undefined (reading 'S')"));
    const { call, logger } = setup();
    const logged = vi.spyOn(logger, "error");
    const answer = await call(authorised.get("planner", "/batches/erp-1"));
    expect(answer).toEqual({
      status: 500,
      headers: { "content-type": "application/json" },
      body: {
        error: {
          code: "INTERNAL",
          message: "an unexpected error occurred; it has been logged",
          details: { requestId: "request-1" },
        },
      },
    });
    expect(logged).toHaveBeenCalledWith("request failed unexpectedly", {
      error: expect.objectContaining({ message: "Cannot read properties of undefined (reading 'S')" }),
    });
  });

  it("logs a store's refusal as a warning, not as an unexpected error", async () => {
    dynamo
      .on(GetCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: "throttled", $metadata: {} }));
    const { call, logger } = setup();
    const warned = vi.spyOn(logger, "warn");
    const failed = vi.spyOn(logger, "error");
    await call(authorised.get("planner", "/batches/erp-1"));
    expect(warned).toHaveBeenCalledTimes(1);
    expect(failed).not.toHaveBeenCalled();
  });
});
