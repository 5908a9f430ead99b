import {
  type CfnElement,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from "aws-cdk-lib";
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
} from "aws-cdk-lib/aws-apigatewayv2";
import { HttpUserPoolAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { ICommandHooks } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { Construct, IConstruct } from "constructs";
import { apiRoutes } from "#api/routes.ts";
import { DISTRIBUTED_INGEST_BYTES } from "#pipeline/distributed-ingest.ts";
import { BlobKeys } from "#store/blob-store.ts";
import { SEGMENT_SNAPSHOTS_PREFIX } from "#store/segment-snapshots.ts";
import { DataStore, READ_WRITE_ACTIONS } from "./constructs/data-store.ts";
import { DistributedIngest } from "./constructs/distributed-ingest.ts";
import { Identity, INGEST_SCOPE, RESOURCE_SERVER_ID } from "./constructs/identity.ts";
import { INGEST_TIMEOUT, Ingest } from "./constructs/ingest.ts";
import { SCORE_TIMEOUT, Scoring } from "./constructs/scoring.ts";
import { SegmentFocusFunction } from "./constructs/segment-focus-function.ts";
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

/** Records why a cdk-nag finding is accepted, on the construct it concerns. */
function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** The constructs the stack is composed of: they group its resources without renaming them. */
const PARTS = [DataStore, DistributedIngest, Ingest, Scoring, Identity];

export type SegmentFocusStackProps = StackProps;

/** Where the api function finds the leadership page: built next to its bundle, in /var/task/web. */
const LAMBDA_WEB_DIR = "/var/task/web";

/** After the api function is bundled, the leadership page is built into the same asset, under web/. */
const LEADERSHIP_PAGE_BUILD: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir, outputDir) => [
    `node --import tsx "${inputDir}/scripts/build-web.ts" "${outputDir}/web"`,
  ],
};

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

    // The queues are the stack's own children: their paths name the functions' event source mappings,
    // which a deploy cannot replace (Lambda refuses a second mapping of one queue to one function).
    const ingestQueue = new WorkQueue(this, "IngestQueue", { consumerTimeout: INGEST_TIMEOUT });
    const scoreQueue = new WorkQueue(this, "ScoreQueue", { consumerTimeout: SCORE_TIMEOUT });
    const store = new DataStore(this, "DataStore", { deletionProtection, ingestQueue, scoreQueue });
    const { bucket, environment: storeEnvironment } = store;

    // ── Functions ────────────────────────────────────────────────────────────────────────────────
    const api = new SegmentFocusFunction(this, "ApiFunction", {
      handlerFolder: "api",
      description: "segment-focus HTTP API: every route of lib/api/routes.ts",
      memorySize: 1024,
      timeout: Duration.seconds(29),
      environment: { ...storeEnvironment, SEGFOCUS_WEB_DIR: LAMBDA_WEB_DIR },
      commandHooks: LEADERSHIP_PAGE_BUILD,
    });
    const distributedIngest = new DistributedIngest(this, "DistributedIngest", { store });
    const ingest = new Ingest(this, "Ingest", {
      store,
      queue: ingestQueue,
      distributedIngest,
      thresholdBytes,
    });
    const scoring = new Scoring(this, "Scoring", { store, queue: scoreQueue });

    // ── Least privilege: each function gets the object prefixes and table actions it uses ─────────
    // The API presigns upload URLs for incoming/ (a presigned PUT acts with the signer's s3:PutObject)
    // and takes small files inline; it reads snapshots and rejects, lists partials (a policy check)
    // and writes the rescore trigger. It may list the bucket's keys (names, not contents): without
    // s3:ListBucket, S3 answers a missing key with 403, not 404 (a prefix condition does not count
    // for a GetObject, which names no prefix), and a snapshot a run has just replaced or a rejects
    // file past its lifecycle would become a server error instead of the answer the API has for them.
    store.grantObjects(api, ["s3:PutObject"], `${BlobKeys.incomingPrefix}*`);
    store.grantObjects(
      api,
      ["s3:GetObject"],
      `${SEGMENT_SNAPSHOTS_PREFIX}*`,
      `${BlobKeys.quarantinePrefix}*`,
    );
    store.grantObjects(api, ["s3:PutObject"], BlobKeys.rescoreTrigger);
    store.grantListing(api);
    store.grantItems(api, READ_WRITE_ACTIONS, { withListIndex: true });

    // ── The HTTP API ─────────────────────────────────────────────────────────────────────────────
    const dashboardOrigins = String(this.node.tryGetContext("dashboardOrigins") ?? "*").split(",");
    const httpApi = new HttpApi(this, "Api", {
      description: "segment-focus: which market segments to say yes to and which to say no to",
      createDefaultStage: false,
      corsPreflight: {
        // Bearer tokens, never cookies: a browser sends no ambient credentials, so an open origin leaks nothing.
        allowOrigins: dashboardOrigins,
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.DELETE],
        allowHeaders: ["authorization", "content-type", "if-match"],
        maxAge: Duration.hours(1),
      },
    });
    const apiAccessLogs = new LogGroup(this, "ApiAccessLogs", {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new HttpStage(this, "ApiStage", {
      httpApi,
      stageName: "$default",
      autoDeploy: true,
      // Per-second limits for every route (the stage's default route settings): generous for people
      // and one ERP, low enough that a runaway client cannot run up the Lambda and DynamoDB bill.
      throttle: { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: { destination: new LogGroupLogDestination(apiAccessLogs) },
    });

    const identity = new Identity(this, "Identity", {
      deletionProtection,
      domainPrefix: String(this.node.tryGetContext("authDomainPrefix") ?? `segment-focus-${this.account}`),
      pageUrls: [`${httpApi.apiEndpoint}/`, "http://localhost:3000/"],
    });
    // The leadership page offers people the pool's sign-in (authorization code with PKCE).
    api.addEnvironment("SEGFOCUS_SIGN_IN_URL", identity.domain.baseUrl());
    api.addEnvironment("SEGFOCUS_SIGN_IN_CLIENT_ID", identity.people.userPoolClientId);
    const authorizer = new HttpUserPoolAuthorizer("Cognito", identity.userPool, {
      userPoolClients: [identity.people, identity.erp],
    });
    const integration = new HttpLambdaIntegration("ApiIntegration", api);
    // Public routes come from the route table: a new public route needs no change here.
    for (const route of apiRoutes.filter((candidate) => candidate.roles === "public")) {
      for (const publicRoute of httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: new HttpNoneAuthorizer(),
      })) {
        acknowledge(
          publicRoute,
          "AwsSolutions-APIG4",
          `Public by design: the route table (lib/api/routes.ts) marks ${route.method} ${route.path} public ("${route.summary}"); it reads no tenant data. Every other route is behind the Cognito JWT authorizer.`,
        );
      }
    }
    // Everything else needs a token; the function checks the role. No OPTIONS route: the CORS
    // configuration answers preflight requests before any authorizer.
    httpApi.addRoutes({
      path: "/{proxy+}",
      methods: [HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE],
      integration,
      authorizer,
    });

    // ── Alarms ───────────────────────────────────────────────────────────────────────────────────
    const alarms = new Topic(this, "Alarms", { enforceSSL: true });
    const alarmEmail = this.node.tryGetContext("alarmEmail");
    if (typeof alarmEmail === "string" && alarmEmail !== "")
      alarms.addSubscription(new EmailSubscription(alarmEmail));
    const alarm = (id: string, metric: IMetric, description: string) =>
      new Alarm(this, id, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }).addAlarmAction(new SnsAction(alarms));
    for (const [name, deadLetters] of Object.entries({
      Ingest: ingestQueue.deadLetters,
      Score: scoreQueue.deadLetters,
    })) {
      alarm(
        `${name}DeadLettersAlarm`,
        deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        `${name} events that failed three times wait in the dead-letter queue`,
      );
    }
    const functions = {
      Api: api,
      Ingest: ingest.function,
      Score: scoring.function,
      ...distributedIngest.functions,
    };
    for (const [name, fn] of Object.entries(functions)) {
      alarm(
        `${name}ErrorsAlarm`,
        fn.metricErrors({ period: Duration.minutes(5) }),
        `the ${name} function failed`,
      );
    }
    alarm(
      "DistributedIngestFailedAlarm",
      distributedIngest.stateMachine.metricFailed({ period: Duration.minutes(5) }),
      "a distributed ingest failed after its retries",
    );

    // ── Outputs ──────────────────────────────────────────────────────────────────────────────────
    new CfnOutput(this, "ApiUrl", {
      value: httpApi.apiEndpoint,
      description: "the HTTP API (segfocus push --api)",
    });
    new CfnOutput(this, "BucketName", { value: bucket.bucketName });
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
    new CfnOutput(this, "AlarmTopicArn", { value: alarms.topicArn });
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
