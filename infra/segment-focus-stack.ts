import { type CfnElement, CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { DISTRIBUTED_INGEST_BYTES } from "#pipeline/distributed/sizes.ts";
import { Alarms } from "./constructs/alarms.ts";
import { DataStore } from "./constructs/data-store.ts";
import { DistributedIngest } from "./constructs/distributed-ingest.ts";
import { SegmentFocusHttpApi } from "./constructs/http-api.ts";
import { Identity, INGEST_SCOPE, RESOURCE_SERVER_ID } from "./constructs/identity.ts";
import { INGEST_TIMEOUT, Ingest } from "./constructs/ingest.ts";
import { SCORE_TIMEOUT, Scoring } from "./constructs/scoring.ts";
import { WorkQueue } from "./constructs/work-queue.ts";
import { logicalIdAt } from "./logical-id.ts";

/**
 * A context value that must be a whole number of bytes: refused at synth, naming the flag, rather than
 * deployed as something every ingest function would then fail on.
 */
function positiveWholeBytes(flag: string, value: unknown): number {
  const bytes =
    typeof value === "number" ? value : /^[0-9]+$/.test(String(value)) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new Error(
      `-c ${flag}=${String(value)}: expected a whole number of bytes, such as 1073741824 for 1 GiB`,
    );
  }
  return bytes;
}

/** The constructs the stack is composed of: they group its resources without renaming them. */
const PARTS = [DataStore, DistributedIngest, Ingest, Scoring, SegmentFocusHttpApi, Identity, Alarms];

export type SegmentFocusStackProps = StackProps;

/**
 * The production system: the bucket and the single table, the Cognito user pool behind the HTTP
 * API's JWT authorizer, the ingest path (S3 events → SQS → ingest; uploads past a threshold →
 * a Step Functions Distributed Map over byte ranges), scoring on every new partial, alarms.
 * Context flags (cdk.json or `-c`): deletionProtection, dashboardOrigins, alarmEmail, authDomainPrefix,
 * distributedIngestBytes.
 */
export class SegmentFocusStack extends Stack {
  constructor(scope: Construct, id: string, props: SegmentFocusStackProps = {}) {
    super(scope, id, props);
    // S3 delivers server access logs under a bucket policy, so the log bucket can refuse ACLs.
    this.node.setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);
    const deletionProtection = String(this.node.tryGetContext("deletionProtection") ?? "true") !== "false";
    const thresholdBytes = positiveWholeBytes(
      "distributedIngestBytes",
      this.node.tryGetContext("distributedIngestBytes") ?? DISTRIBUTED_INGEST_BYTES,
    );
    const alarmEmail = this.node.tryGetContext("alarmEmail");

    // The queues are the stack's own children: their paths name the functions' event source mappings,
    // which a deploy cannot replace (Lambda refuses a second mapping of one queue to one function).
    const ingestQueue = new WorkQueue(this, "IngestQueue", { consumerTimeout: INGEST_TIMEOUT });
    const scoreQueue = new WorkQueue(this, "ScoreQueue", { consumerTimeout: SCORE_TIMEOUT });
    const store = new DataStore(this, "DataStore", { deletionProtection, ingestQueue, scoreQueue });
    const distributedIngest = new DistributedIngest(this, "DistributedIngest", { store });
    const ingest = new Ingest(this, "Ingest", {
      store,
      queue: ingestQueue,
      distributedIngest,
      thresholdBytes,
    });
    const scoring = new Scoring(this, "Scoring", { store, queue: scoreQueue });
    const api = new SegmentFocusHttpApi(this, "HttpApi", {
      store,
      allowOrigins: String(this.node.tryGetContext("dashboardOrigins") ?? "*").split(","),
    });
    const identity = new Identity(this, "Identity", {
      deletionProtection,
      domainPrefix: String(this.node.tryGetContext("authDomainPrefix") ?? `segment-focus-${this.account}`),
      pageUrls: [api.pageUrl, "http://localhost:3000/"],
    });
    api.addRoutes(identity);
    const alarms = new Alarms(this, "Alarms", {
      email: typeof alarmEmail === "string" && alarmEmail !== "" ? alarmEmail : undefined,
      deadLetters: { Ingest: ingestQueue.deadLetters, Score: scoreQueue.deadLetters },
      functions: {
        Api: api.function,
        Ingest: ingest.function,
        Score: scoring.function,
        ...distributedIngest.functions,
      },
      distributedIngest: distributedIngest.stateMachine,
    });

    new CfnOutput(this, "ApiUrl", {
      value: api.httpApi.apiEndpoint,
      description: "the HTTP API (segfocus push --api)",
    });
    new CfnOutput(this, "BucketName", { value: store.bucket.bucketName });
    new CfnOutput(this, "TableName", { value: store.table.tableName });
    new CfnOutput(this, "UserPoolId", { value: identity.userPool.userPoolId });
    new CfnOutput(this, "PeopleClientId", { value: identity.people.userPoolClientId });
    new CfnOutput(this, "ErpClientId", { value: identity.erp.userPoolClientId });
    new CfnOutput(this, "TokenUrl", {
      value: `${identity.domain.baseUrl()}/oauth2/token`,
      description: "client credentials → an ERP access token",
    });
    new CfnOutput(this, "SignInUrl", {
      value: identity.domain.baseUrl(),
      description: "where people sign in",
    });
    new CfnOutput(this, "IngestScope", { value: `${RESOURCE_SERVER_ID}/${INGEST_SCOPE}` });
    new CfnOutput(this, "StateMachineArn", { value: distributedIngest.stateMachine.stateMachineArn });
    new CfnOutput(this, "AlarmTopicArn", { value: alarms.topic.topicArn });
  }

  /**
   * A resource's logical ID leaves out the part of the stack it belongs to: the resources keep the IDs
   * they were deployed with before the stack was split into parts, so a deploy replaces none of them.
   */
  protected override allocateLogicalId(element: CfnElement): string {
    const scopes = element.node.scopes;
    return logicalIdAt(
      scopes
        .slice(scopes.indexOf(this) + 1)
        .filter((scope) => !PARTS.some((part) => scope instanceof part))
        .map((scope) => scope.node.id),
    );
  }
}
