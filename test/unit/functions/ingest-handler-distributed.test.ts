import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandInput,
  ExecutionAlreadyExists,
  type ExecutionStatus,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
  type StartExecutionCommandInput,
} from "@aws-sdk/client-sfn";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { executionName } from "#store/distributed-ingest-execution.ts";
import { handlerOnFakeAws } from "./fake-aws.ts";
import { FakeBucket } from "./fake-bucket.ts";
import { type AnnouncedObject, sqsEvent } from "./lambda-events.ts";

const STATE_MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:DistributedIngest";
const EXECUTIONS = "arn:aws:states:eu-west-1:123456789012:execution:DistributedIngest";
/** Uploads of this many bytes or more go to the state machine. */
const THRESHOLD = 2_000;

const { aws, handler } = handlerOnFakeAws(() => import("#functions/ingest/handler.ts"), {
  bucket: { versioned: true },
  environment: {
    SEGFOCUS_INGEST_STATE_MACHINE: STATE_MACHINE,
    SEGFOCUS_DISTRIBUTED_INGEST_BYTES: String(THRESHOLD),
  },
});
const sfn = mockClient(SFNClient);
let stateMachine: FakeStateMachine;

beforeEach(() => {
  sfn.reset();
  stateMachine = new FakeStateMachine().attach(sfn);
});

const HEADER = "transaction_id,date,customer_id,order_id,revenue,quantity,cogs,channel,category";

function csvFile(rows: number): string {
  const lines = Array.from(
    { length: rows },
    (_, i) => `T${i},2024-02-15,C${i % 3},O${i},10.00,1,4.00,online,tools`,
  );
  return `${HEADER}\n${lines.join("\n")}\n`;
}

/**
 * Step Functions as StartExecution answers (the API reference's idempotency rule): a name not used
 * yet starts an execution; the same name and input as a RUNNING execution is answered with that
 * execution, as a success; the name of an execution that has ended, or with another input, is
 * refused with ExecutionAlreadyExists. Executions are not redriven here.
 */
class FakeStateMachine {
  readonly executions = new Map<string, { input: string; status: ExecutionStatus; startDate: Date }>();

  attach(mock: AwsClientStub<SFNClient>): this {
    mock.on(StartExecutionCommand).callsFake((input: StartExecutionCommandInput) => this.start(input));
    mock
      .on(DescribeExecutionCommand)
      .callsFake((input: DescribeExecutionCommandInput) => this.describe(input));
    return this;
  }

  /** Ends an execution, as the state machine would. */
  end(name: string, status: Exclude<ExecutionStatus, "RUNNING">): void {
    const execution = this.executions.get(name);
    if (!execution) throw new Error(`no execution ${name}`);
    execution.status = status;
  }

  private start({ name = "", input = "{}" }: StartExecutionCommandInput) {
    const existing = this.executions.get(name);
    if (existing && (existing.status !== "RUNNING" || existing.input !== input))
      throw new ExecutionAlreadyExists({
        message: `Execution Already Exists: '${EXECUTIONS}:${name}'`,
        $metadata: { httpStatusCode: 400 },
      });
    const execution = existing ?? { input, status: "RUNNING" as const, startDate: new Date() };
    this.executions.set(name, execution);
    return { executionArn: `${EXECUTIONS}:${name}`, startDate: execution.startDate };
  }

  private describe({ executionArn = "" }: DescribeExecutionCommandInput) {
    const name = executionArn.slice(`${EXECUTIONS}:`.length);
    const execution = this.executions.get(name);
    if (!execution) throw new Error(`ExecutionDoesNotExist: ${executionArn}`);
    return { executionArn, status: execution.status, input: execution.input, startDate: execution.startDate };
  }
}

/** The upload as the ingest function reads it from the notification. */
function uploaded(object: AnnouncedObject) {
  return {
    key: object.key,
    size: object.size,
    etag: object.eTag,
    versionId: object.versionId,
    sequencer: object.sequencer,
  };
}

describe("ingest handler: uploads past the size threshold", () => {
  it("starts one execution of the state machine, named from the batch id and the upload's version, and ingests nothing itself", async () => {
    const big = aws.bucket.upload("incoming/2026-11-22/lines.csv", csvFile(100));
    expect(big.size).toBeGreaterThanOrEqual(THRESHOLD);

    const response = await handler(sqsEvent(["m-1", big]));

    expect(response).toEqual({ batchItemFailures: [] });
    const starts = sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    expect(starts).toEqual([
      {
        stateMachineArn: STATE_MACHINE,
        name: executionName(uploaded(big)),
        input: JSON.stringify({ object: uploaded(big) }),
      },
    ]);
    expect(JSON.parse(starts[0]?.input ?? "{}").object).toMatchObject({
      versionId: big.versionId,
      sequencer: big.sequencer,
    });
    expect(starts[0]?.name).toMatch(/^2026-11-22-[0-9a-f]{32}$/);
    expect(stateMachine.executions.size).toBe(1);
    expect(aws.bucket.objects.has("partials/2026-11-22.cube")).toBe(false);
    expect(aws.table.item("BATCH#2026-11-22", "BATCH")).toBeUndefined();
  });

  it("starts no second execution for a redelivered message while the first runs: Step Functions answers with the running one", async () => {
    const big = aws.bucket.upload("incoming/b-1/lines.csv", csvFile(100));
    await handler(sqsEvent(["m-1", big]));

    const response = await handler(sqsEvent(["m-1", big]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(2);
    expect(stateMachine.executions.size).toBe(1);
  });

  it.each([
    ["succeeded", "SUCCEEDED"],
    ["failed", "FAILED"],
  ] as const)(
    "starts none for a redelivered message once the upload's execution has %s",
    async (_, status) => {
      const big = aws.bucket.upload("incoming/b-1/lines.csv", csvFile(100));
      await handler(sqsEvent(["m-1", big]));
      const name = executionName(uploaded(big));
      stateMachine.end(name, status);

      const response = await handler(sqsEvent(["m-1", big]));

      expect(response).toEqual({ batchItemFailures: [] });
      expect(stateMachine.executions.size).toBe(1);
      expect(sfn.commandCalls(DescribeExecutionCommand).map((call) => call.args[0].input)).toEqual([
        { executionArn: `${EXECUTIONS}:${name}` },
      ]);
    },
  );

  it.each([
    ["a versioned bucket, by version id", true],
    ["a bucket without versions, by entity tag and sequencer", false],
  ])(
    "starts an execution for every new upload, also of content counted before, in %s",
    async (_, versioned) => {
      aws.bucket = new FakeBucket({ versioned }).attach(aws.s3);
      const key = "incoming/b-1/lines.csv";
      const first = aws.bucket.upload(key, csvFile(100));
      await handler(sqsEvent(["m-1", first]));
      stateMachine.end(executionName(uploaded(first)), "SUCCEEDED");
      const second = aws.bucket.upload(key, csvFile(120));
      await handler(sqsEvent(["m-2", second]));
      stateMachine.end(executionName(uploaded(second)), "SUCCEEDED");

      const third = aws.bucket.upload(key, csvFile(100));
      const response = await handler(sqsEvent(["m-3", third]));

      expect(response).toEqual({ batchItemFailures: [] });
      expect(third.eTag).toBe(first.eTag);
      expect(third.versionId === undefined).toBe(!versioned);
      expect([...stateMachine.executions.values()].map((execution) => execution.status)).toEqual([
        "SUCCEEDED",
        "SUCCEEDED",
        "RUNNING",
      ]);
      expect(JSON.parse([...stateMachine.executions.values()][2]?.input ?? "{}").object).toEqual(
        uploaded(third),
      );
    },
  );

  it("hands the message back to SQS when Step Functions refuses to start the execution", async () => {
    const big = aws.bucket.upload("incoming/b-1/lines.csv", csvFile(100));
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
    const small = aws.bucket.upload("incoming/b-2/lines.csv", csvFile(5));
    expect(small.size).toBeLessThan(THRESHOLD);

    const response = await handler(sqsEvent(["m-1", small]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(aws.table.item("BATCH#b-2", "BATCH")).toMatchObject({ status: "aggregated", accepted: 5 });
  });
});
