import { S3Client } from "@aws-sdk/client-s3";
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { executionName } from "#pipeline/distributed-ingest-execution.ts";
import { FakeTable } from "../store/fake-table.ts";
import { FakeBucket } from "./fake-bucket.ts";
import { sqsEvent } from "./lambda-events.ts";

const STATE_MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:DistributedIngest";
const EXECUTIONS = "arn:aws:states:eu-west-1:123456789012:execution:DistributedIngest";
/** Uploads of this many bytes or more go to the state machine. */
const THRESHOLD = 2_000;

const s3 = mockClient(S3Client);
const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
let bucket: FakeBucket;
let table: FakeTable;
let handler: typeof import("../../../functions/ingest/handler.ts").handler;

beforeAll(async () => {
  vi.stubEnv("SEGFOCUS_BUCKET", "segfocus-test");
  vi.stubEnv("SEGFOCUS_TABLE", "segfocus-test");
  vi.stubEnv("SEGFOCUS_INGEST_STATE_MACHINE", STATE_MACHINE);
  vi.stubEnv("SEGFOCUS_DISTRIBUTED_INGEST_BYTES", String(THRESHOLD));
  vi.stubEnv("AWS_REGION", "eu-west-1");
  vi.stubEnv("POWERTOOLS_LOG_LEVEL", "SILENT");
  ({ handler } = await import("../../../functions/ingest/handler.ts"));
});

beforeEach(() => {
  s3.reset();
  dynamo.reset();
  sfn.reset();
  bucket = new FakeBucket().attach(s3);
  table = new FakeTable().attach(dynamo);
});

const HEADER = "transaction_id,date,customer_id,order_id,revenue,quantity,cogs,channel,category";

function csvFile(rows: number): string {
  const lines = Array.from(
    { length: rows },
    (_, i) => `T${i},2024-02-15,C${i % 3},O${i},10.00,1,4.00,online,tools`,
  );
  return `${HEADER}\n${lines.join("\n")}\n`;
}

const alreadyExists = () =>
  new ExecutionAlreadyExists({ message: "Execution Already Exists", $metadata: { httpStatusCode: 400 } });

describe("ingest handler: uploads past the size threshold", () => {
  it("starts one execution of the state machine, named from the batch id and entity tag, and ingests nothing itself", async () => {
    const big = bucket.upload("incoming/2026-11-22/lines.csv", csvFile(100));
    expect(big.size).toBeGreaterThanOrEqual(THRESHOLD);
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${EXECUTIONS}:x`, startDate: new Date() });

    const response = await handler(sqsEvent(["m-1", big]));

    expect(response).toEqual({ batchItemFailures: [] });
    const starts = sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    expect(starts).toEqual([
      {
        stateMachineArn: STATE_MACHINE,
        name: executionName({ key: big.key, size: big.size, etag: big.eTag }),
        input: JSON.stringify({ object: { key: big.key, size: big.size, etag: big.eTag } }),
      },
    ]);
    expect(starts[0]?.name).toMatch(/^2026-11-22-[0-9a-f]{32}$/);
    expect(bucket.objects.has("partials/2026-11-22.cube")).toBe(false);
    expect(table.item("BATCH#2026-11-22", "BATCH")).toBeUndefined();
  });

  it("starts no second execution for a redelivered message while the first runs", async () => {
    const big = bucket.upload("incoming/b-1/lines.csv", csvFile(100));
    sfn.on(StartExecutionCommand).rejects(alreadyExists());
    sfn.on(DescribeExecutionCommand).resolves({ status: "RUNNING" });

    const response = await handler(sqsEvent(["m-1", big]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    const name = executionName({ key: big.key, size: big.size, etag: big.eTag });
    expect(sfn.commandCalls(DescribeExecutionCommand)[0]?.args[0].input).toEqual({
      executionArn: `${EXECUTIONS}:${name}`,
    });
  });

  it("starts a next execution for the same content sent again after the first one failed", async () => {
    const big = bucket.upload("incoming/b-1/lines.csv", csvFile(100));
    const name = executionName({ key: big.key, size: big.size, etag: big.eTag });
    sfn
      .on(StartExecutionCommand, { name })
      .rejects(alreadyExists())
      .on(StartExecutionCommand, { name: `${name}-2` })
      .resolves({ executionArn: `${EXECUTIONS}:${name}-2`, startDate: new Date() });
    sfn.on(DescribeExecutionCommand).resolves({ status: "FAILED" });

    const response = await handler(sqsEvent(["m-1", big]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input.name)).toEqual([
      name,
      `${name}-2`,
    ]);
  });

  it("hands the message back to SQS when Step Functions refuses to start the execution", async () => {
    const big = bucket.upload("incoming/b-1/lines.csv", csvFile(100));
    sfn.on(StartExecutionCommand).rejects(
      new SFNServiceException({
        name: "ThrottlingException",
        $fault: "client",
        message: "Rate exceeded",
        $metadata: { httpStatusCode: 400, attempts: 5 },
      }),
    );

    const response = await handler(sqsEvent(["m-1", big]));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
  });

  it("still ingests an upload under the threshold itself, starting no execution", async () => {
    const small = bucket.upload("incoming/b-2/lines.csv", csvFile(5));
    expect(small.size).toBeLessThan(THRESHOLD);

    const response = await handler(sqsEvent(["m-1", small]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(table.item("BATCH#b-2", "BATCH")).toMatchObject({ status: "aggregated", accepted: 5 });
  });
});
