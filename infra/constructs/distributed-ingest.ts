import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import {
  type CfnStateMachine,
  Choice,
  Condition,
  DefinitionBody,
  DistributedMap,
  Fail,
  JsonPath,
  LogLevel,
  StateMachine,
  Succeed,
  TaskInput,
} from "aws-cdk-lib/aws-stepfunctions";
import { LambdaInvoke } from "aws-cdk-lib/aws-stepfunctions-tasks";
import { Construct } from "constructs";
import { RangeKeys } from "#pipeline/distributed/part-storage.ts";
import { RANGE_BYTES } from "#pipeline/distributed/sizes.ts";
import { BlobKeys } from "#store/blob-store.ts";
import { BATCH_STATUS_ACTIONS, type DataStore } from "./data-store.ts";
import { SegmentFocusFunction } from "./segment-focus-function.ts";

/** At most this many byte ranges of one upload are ingested at once (S3 reads and Lambda concurrency stay modest). */
export const RANGE_CONCURRENCY = 40;

export interface DistributedIngestProps {
  readonly store: DataStore;
}

/**
 * The big-file path: a Step Functions state machine that plans the byte ranges of an upload, ingests
 * them in a Distributed Map, and merges their results into the batch's partial, recording a failure
 * on the batch.
 */
export class DistributedIngest extends Construct {
  readonly stateMachine: StateMachine;
  /** The functions of its steps, by name. */
  readonly functions: Readonly<
    Record<"PlanRanges" | "IngestRange" | "MergeRanges" | "RecordIngestFailure", SegmentFocusFunction>
  >;

  constructor(scope: Construct, id: string, { store }: DistributedIngestProps) {
    super(scope, id);
    const planRanges = new SegmentFocusFunction(this, "PlanRangesFunction", {
      handlerFolder: "plan-ranges",
      description: "segment-focus distributed ingest, step 1: plan the byte ranges of a big upload",
      memorySize: 512,
      timeout: Duration.minutes(1),
      environment: { ...store.environment, SEGFOCUS_RANGE_BYTES: String(RANGE_BYTES) },
    });
    const ingestRange = new SegmentFocusFunction(this, "IngestRangeFunction", {
      handlerFolder: "ingest-range",
      description: "segment-focus distributed ingest, step 2: one byte range → its partial cube",
      memorySize: 2048,
      timeout: Duration.minutes(15),
      environment: { SEGFOCUS_BUCKET: store.bucket.bucketName },
    });
    const mergeRanges = new SegmentFocusFunction(this, "MergeRangesFunction", {
      handlerFolder: "merge-ranges",
      description: "segment-focus distributed ingest, step 3: the ranges → the batch's partial and status",
      memorySize: 2048,
      timeout: Duration.minutes(15),
      environment: store.environment,
    });
    const recordIngestFailure = new SegmentFocusFunction(this, "RecordIngestFailureFunction", {
      handlerFolder: "record-ingest-failure",
      description: "segment-focus distributed ingest, on failure: the batch marked failed as retryable",
      memorySize: 256,
      timeout: Duration.minutes(1),
      environment: store.environment,
    });
    this.functions = {
      PlanRanges: planRanges,
      IngestRange: ingestRange,
      MergeRanges: mergeRanges,
      RecordIngestFailure: recordIngestFailure,
    };

    // The steps read the upload pinned to its version (a re-upload must not mix into a run).
    store.grantObjects(planRanges, ["s3:GetObject", "s3:GetObjectVersion"], `${BlobKeys.incomingPrefix}*`);
    store.grantItems(planRanges, BATCH_STATUS_ACTIONS);

    store.grantObjects(ingestRange, ["s3:GetObject", "s3:GetObjectVersion"], `${BlobKeys.incomingPrefix}*`);
    store.grantObjects(ingestRange, ["s3:PutObject"], `${RangeKeys.prefix}*`);

    store.grantObjects(mergeRanges, ["s3:GetObject"], `${RangeKeys.prefix}*`);
    store.grantObjects(mergeRanges, ["s3:PutObject"], `${BlobKeys.partialsPrefix}*`);
    store.grantObjects(
      mergeRanges,
      ["s3:PutObject", "s3:AbortMultipartUpload"],
      `${BlobKeys.quarantinePrefix}*`,
    );
    store.grantItems(mergeRanges, ["GetItem", "UpdateItem"]);
    store.grantItems(recordIngestFailure, ["GetItem", "UpdateItem"]);

    this.stateMachine = new StateMachine(this, "DistributedIngest", {
      definitionBody: DefinitionBody.fromChainable(this.definition(this.functions)),
      timeout: Duration.hours(2),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, "DistributedIngestLogs", {
          retention: RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: LogLevel.ALL,
      },
    });
    this.acknowledgeStateMachineGrants();
  }

  /**
   * Lets the ingest function start an execution for a big upload, and describe executions of this
   * state machine to tell a running one from a failed one; it finds the state machine in
   * SEGFOCUS_INGEST_STATE_MACHINE.
   */
  letStart(ingest: SegmentFocusFunction): void {
    const stateMachineId = this.stateMachineId();
    ingest.addEnvironment("SEGFOCUS_INGEST_STATE_MACHINE", this.stateMachine.stateMachineArn);
    this.stateMachine.grantStartExecution(ingest);
    Validations.of(ingest).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<${stateMachineId}.Name>:*]`,
      reason:
        "Execution names are derived per upload at run time (batch id and the upload's version id, or its entity tag and event sequencer); the ingest function may only describe executions of this one state machine, to tell a running one from a failed one.",
    });
    // Whether an earlier execution for the same content failed (then the content gets a next one).
    ingest.addToRolePolicy(
      new PolicyStatement({
        actions: ["states:DescribeExecution"],
        resources: [
          Stack.of(this).formatArn({
            service: "states",
            resource: "execution",
            resourceName: `${this.stateMachine.stateMachineName}:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
  }

  /** Plan → (nothing to ingest | the Distributed Map over the ranges → merge); a failed step records the failure. */
  private definition({
    PlanRanges: planRanges,
    IngestRange: ingestRange,
    MergeRanges: mergeRanges,
    RecordIngestFailure: recordIngestFailure,
  }: DistributedIngest["functions"]) {
    const plan = new LambdaInvoke(this, "PlanRanges", {
      lambdaFunction: planRanges,
      payload: TaskInput.fromJsonPathAt("$.object"),
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    const ingestOneRange = new LambdaInvoke(this, "IngestRange", {
      lambdaFunction: ingestRange,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    const merge = new LambdaInvoke(this, "MergeRanges", {
      lambdaFunction: mergeRanges,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    const recordFailure = new LambdaInvoke(this, "RecordFailure", {
      lambdaFunction: recordIngestFailure,
      payload: TaskInput.fromObject({
        object: JsonPath.objectAt("$.object"),
        failure: JsonPath.objectAt("$.failure"),
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    }).next(
      new Fail(this, "IngestFailed", { error: "IngestFailed", cause: "a step failed after its retries" }),
    );
    // A fault (S3 or DynamoDB throttling, a Lambda hiccup) is retried with backoff; a bad file is no
    // fault: its part records it, and the merge fails the batch with the reason.
    for (const task of [plan, ingestOneRange, merge]) {
      task.addRetry({
        errors: ["States.TaskFailed"],
        interval: Duration.seconds(2),
        backoffRate: 2,
        maxAttempts: 5,
      });
    }
    plan.addCatch(recordFailure, { resultPath: "$.failure" });
    merge.addCatch(recordFailure, { resultPath: "$.failure" });

    const ranges = new DistributedMap(this, "IngestRanges", {
      itemsPath: "$.parts",
      itemSelector: {
        "object.$": "$.object",
        "settings.$": "$.settings",
        "part.$": "$$.Map.Item.Value",
      },
      maxConcurrency: RANGE_CONCURRENCY,
      // A missing range would silently lose rows: any range that still fails after its retries fails the batch.
      toleratedFailurePercentage: 0,
      resultPath: JsonPath.DISCARD,
    });
    ranges.itemProcessor(ingestOneRange);
    ranges.addCatch(recordFailure, { resultPath: "$.failure" });

    return plan.next(
      new Choice(this, "AnythingToIngest")
        .when(Condition.stringEquals("$.action", "skip"), new Succeed(this, "NothingToIngest"))
        .otherwise(ranges.next(merge).next(new Succeed(this, "Ingested"))),
    );
  }

  /** The grants Step Functions gives the state machine's role that cdk-nag flags, each with its reason. */
  private acknowledgeStateMachineGrants(): void {
    const stack = Stack.of(this);
    for (const fn of Object.values(this.functions)) {
      Validations.of(this.stateMachine).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.node.defaultChild as CfnFunction)}.Arn>:*]`,
        reason:
          "Step Functions' Lambda task grants lambda:InvokeFunction on the function and its versions and aliases (<arn>:*), all of them this stack's own step functions.",
      });
    }
    const childExecutions = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${this.stateMachineId()}"}]}]}`;
    for (const resource of [`${childExecutions}:*`, `${childExecutions}/*:*`]) {
      Validations.of(this.stateMachine).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${resource}]`,
        reason:
          "The Distributed Map starts, describes and stops its own child executions, whose names Step Functions generates at run time; the grant is limited to executions of this state machine.",
      });
    }
    Validations.of(this.stateMachine).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "X-Ray tracing (xray:PutTraceSegments and kin) and CloudWatch Logs delivery (logs:CreateLogDelivery and kin) support no resource-level permissions; the state machine reaches data only through its Lambda steps.",
    });
  }

  private stateMachineId(): string {
    return Stack.of(this).getLogicalId(this.stateMachine.node.defaultChild as CfnStateMachine);
  }
}
