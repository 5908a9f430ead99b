import {
  ArnFormat,
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
import { AccountRecovery, Mfa, OAuthScope, ResourceServerScope, UserPool } from "aws-cdk-lib/aws-cognito";
import { AttributeType, BillingMode, ProjectionType, Table } from "aws-cdk-lib/aws-dynamodb";
import { type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type { ICommandHooks } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  EventType,
  ObjectOwnership,
} from "aws-cdk-lib/aws-s3";
import { SqsDestination } from "aws-cdk-lib/aws-s3-notifications";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
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
import type { Construct, IConstruct } from "constructs";
import { apiRoutes } from "#api/routes.ts";
import { DISTRIBUTED_INGEST_BYTES, RANGE_BYTES, RangeKeys } from "#pipeline/distributed-ingest.ts";
import { BlobKeys } from "#store/blob-store.ts";
import { SEGMENT_SNAPSHOTS_PREFIX } from "#store/segment-snapshots.ts";
import { TABLE } from "#store/table-design.ts";
import { SegmentFocusFunction } from "./constructs/segment-focus-function.ts";

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

/** At most this many byte ranges of one upload are ingested at once (S3 reads and Lambda concurrency stay modest). */
export const RANGE_CONCURRENCY = 40;

/** The Cognito groups that make people planners or leaders, and the scope that makes a machine an ERP. */
export const PEOPLE_GROUPS = ["planner", "leader"] as const;
export const RESOURCE_SERVER_ID = "segment-focus";
export const INGEST_SCOPE = "ingest";

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

    // ── Storage ──────────────────────────────────────────────────────────────────────────────────
    const accessLogs = new Bucket(this, "AccessLogs", {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: "expire-access-logs", expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const bucket = new Bucket(this, "Data", {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: "data/",
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        // An upload's content lives on in its batch's partial cube; the raw file is kept a month to re-send or inspect.
        { id: "expire-incoming", prefix: BlobKeys.incomingPrefix, expiration: Duration.days(30) },
        { id: "expire-quarantine", prefix: BlobKeys.quarantinePrefix, expiration: Duration.days(90) },
        // Range results are needed only until their merge.
        { id: "expire-ranges", prefix: RangeKeys.prefix, expiration: Duration.days(2) },
        {
          id: "expire-old-versions",
          noncurrentVersionExpiration: Duration.days(30),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    const table = new Table(this, "Table", {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    table.addGlobalSecondaryIndex({
      indexName: TABLE.listIndex.name,
      partitionKey: { name: TABLE.listIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.listIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    const storeEnvironment = { SEGFOCUS_BUCKET: bucket.bucketName, SEGFOCUS_TABLE: table.tableName };

    // ── Functions ────────────────────────────────────────────────────────────────────────────────
    const api = new SegmentFocusFunction(this, "ApiFunction", {
      handlerFolder: "api",
      description: "segment-focus HTTP API: every route of lib/api/routes.ts",
      memorySize: 1024,
      timeout: Duration.seconds(29),
      environment: { ...storeEnvironment, SEGFOCUS_WEB_DIR: LAMBDA_WEB_DIR },
      commandHooks: LEADERSHIP_PAGE_BUILD,
    });
    const ingest = new SegmentFocusFunction(this, "IngestFunction", {
      handlerFolder: "ingest",
      description: "segment-focus ingest: an upload under incoming/ → its batch's partial cube",
      memorySize: 2048,
      timeout: Duration.minutes(15),
      environment: { ...storeEnvironment, SEGFOCUS_DISTRIBUTED_INGEST_BYTES: String(thresholdBytes) },
    });
    const score = new SegmentFocusFunction(this, "ScoreFunction", {
      handlerFolder: "score",
      description: "segment-focus scoring run: all partials → scores, decisions, snapshots",
      memorySize: 2048,
      timeout: Duration.minutes(10),
      // One run at a time: a run deletes the snapshots of earlier runs.
      reservedConcurrentExecutions: 1,
      environment: storeEnvironment,
    });
    const planRanges = new SegmentFocusFunction(this, "PlanRangesFunction", {
      handlerFolder: "plan-ranges",
      description: "segment-focus distributed ingest, step 1: plan the byte ranges of a big upload",
      memorySize: 512,
      timeout: Duration.minutes(1),
      environment: { ...storeEnvironment, SEGFOCUS_RANGE_BYTES: String(RANGE_BYTES) },
    });
    const ingestRange = new SegmentFocusFunction(this, "IngestRangeFunction", {
      handlerFolder: "ingest-range",
      description: "segment-focus distributed ingest, step 2: one byte range → its partial cube",
      memorySize: 2048,
      timeout: Duration.minutes(15),
      environment: { SEGFOCUS_BUCKET: bucket.bucketName },
    });
    const mergeRanges = new SegmentFocusFunction(this, "MergeRangesFunction", {
      handlerFolder: "merge-ranges",
      description: "segment-focus distributed ingest, step 3: the ranges → the batch's partial and status",
      memorySize: 2048,
      timeout: Duration.minutes(15),
      environment: storeEnvironment,
    });

    // ── Least privilege: each function gets the object prefixes and table actions it uses ─────────
    const bucketId = this.getLogicalId(bucket.node.defaultChild as CfnBucket);
    const objects = (grantee: IGrantable & IConstruct, actions: string[], ...keys: string[]) => {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({ actions, resources: keys.map((key) => bucket.arnForObjects(key)) }),
      );
      for (const key of keys.filter((candidate) => candidate.endsWith("*"))) {
        acknowledge(
          grantee,
          `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${key}]`,
          `Object keys under ${key.slice(0, -1)} are named at run time (batch ids, run ids): the grant is scoped to that one prefix of this bucket and to ${actions.join(", ")}, the narrowest S3 allows.`,
        );
      }
    };
    const listing = (grantee: IGrantable, ...prefixes: string[]) =>
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ["s3:ListBucket"],
          resources: [bucket.bucketArn],
          conditions: { StringLike: { "s3:prefix": prefixes.map((prefix) => `${prefix}*`) } },
        }),
      );
    const tableItems = (grantee: IGrantable, actions: string[], withIndex = false) =>
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: actions.map((action) => `dynamodb:${action}`),
          resources: withIndex
            ? [table.tableArn, `${table.tableArn}/index/${TABLE.listIndex.name}`]
            : [table.tableArn],
        }),
      );
    const batchStatus = ["GetItem", "PutItem", "UpdateItem"];
    const readWriteItems = ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "BatchWriteItem"];

    // The API presigns upload URLs for incoming/ (a presigned PUT acts with the signer's s3:PutObject)
    // and takes small files inline; it reads snapshots and rejects, lists partials (a policy check)
    // and writes the rescore trigger. It may list the bucket's keys (names, not contents): without
    // s3:ListBucket, S3 answers a missing key with 403, not 404 (a prefix condition does not count
    // for a GetObject, which names no prefix), and a snapshot a run has just replaced or a rejects
    // file past its lifecycle would become a server error instead of the answer the API has for them.
    objects(api, ["s3:PutObject"], `${BlobKeys.incomingPrefix}*`);
    objects(api, ["s3:GetObject"], `${SEGMENT_SNAPSHOTS_PREFIX}*`, `${BlobKeys.quarantinePrefix}*`);
    objects(api, ["s3:PutObject"], BlobKeys.rescoreTrigger);
    api.addToRolePolicy(new PolicyStatement({ actions: ["s3:ListBucket"], resources: [bucket.bucketArn] }));
    tableItems(api, readWriteItems, true);

    objects(ingest, ["s3:GetObject"], `${BlobKeys.incomingPrefix}*`);
    objects(ingest, ["s3:PutObject"], `${BlobKeys.partialsPrefix}*`);
    objects(ingest, ["s3:PutObject", "s3:AbortMultipartUpload"], `${BlobKeys.quarantinePrefix}*`);
    tableItems(ingest, batchStatus);

    objects(score, ["s3:GetObject"], `${BlobKeys.partialsPrefix}*`);
    objects(score, ["s3:PutObject", "s3:DeleteObject"], `${SEGMENT_SNAPSHOTS_PREFIX}*`);
    listing(score, BlobKeys.partialsPrefix, SEGMENT_SNAPSHOTS_PREFIX);
    tableItems(score, readWriteItems, true);

    // The big-file steps read the upload pinned to its version (a re-upload must not mix into a run).
    objects(planRanges, ["s3:GetObject", "s3:GetObjectVersion"], `${BlobKeys.incomingPrefix}*`);
    tableItems(planRanges, batchStatus);

    objects(ingestRange, ["s3:GetObject", "s3:GetObjectVersion"], `${BlobKeys.incomingPrefix}*`);
    objects(ingestRange, ["s3:PutObject"], `${RangeKeys.prefix}*`);

    objects(mergeRanges, ["s3:GetObject"], `${RangeKeys.prefix}*`);
    objects(mergeRanges, ["s3:PutObject"], `${BlobKeys.partialsPrefix}*`);
    objects(mergeRanges, ["s3:PutObject", "s3:AbortMultipartUpload"], `${BlobKeys.quarantinePrefix}*`);
    tableItems(mergeRanges, ["GetItem", "UpdateItem"]);

    // ── The big-file path: a Step Functions Distributed Map over byte ranges ──────────────────────
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
      lambdaFunction: mergeRanges,
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
    for (const fn of [planRanges, ingestRange, mergeRanges]) {
      acknowledge(
        this,
        `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.node.defaultChild as CfnFunction)}.Arn>:*]`,
        "Step Functions' Lambda task grants lambda:InvokeFunction on the function and its versions and aliases (<arn>:*), all of them this stack's own step functions.",
      );
    }
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

    const definition = plan.next(
      new Choice(this, "AnythingToIngest")
        .when(Condition.stringEquals("$.action", "skip"), new Succeed(this, "NothingToIngest"))
        .otherwise(ranges.next(merge).next(new Succeed(this, "Ingested"))),
    );
    const stateMachine = new StateMachine(this, "DistributedIngest", {
      definitionBody: DefinitionBody.fromChainable(definition),
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
    const stateMachineId = this.getLogicalId(stateMachine.node.defaultChild as CfnStateMachine);
    const childExecutions = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${stateMachineId}"}]}]}`;
    for (const resource of [`${childExecutions}:*`, `${childExecutions}/*:*`]) {
      acknowledge(
        stateMachine,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${resource}]`,
        "The Distributed Map starts, describes and stops its own child executions, whose names Step Functions generates at run time; the grant is limited to executions of this state machine.",
      );
    }
    acknowledge(
      stateMachine,
      "AwsSolutions-IAM5[Resource::*]",
      "X-Ray tracing (xray:PutTraceSegments and kin) and CloudWatch Logs delivery (logs:CreateLogDelivery and kin) support no resource-level permissions; the state machine reaches data only through its Lambda steps.",
    );
    ingest.addEnvironment("SEGFOCUS_INGEST_STATE_MACHINE", stateMachine.stateMachineArn);
    stateMachine.grantStartExecution(ingest);
    acknowledge(
      ingest,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<${stateMachineId}.Name>:*]`,
      "Execution names are derived per upload at run time (batch id and the upload's version id, or its entity tag and event sequencer); the ingest function may only describe executions of this one state machine, to tell a running one from a failed one.",
    );
    // Whether an earlier execution for the same content failed (then the content gets a next one).
    ingest.addToRolePolicy(
      new PolicyStatement({
        actions: ["states:DescribeExecution"],
        resources: [
          Stack.of(this).formatArn({
            service: "states",
            resource: "execution",
            resourceName: `${stateMachine.stateMachineName}:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );

    // ── Events: incoming/ → queue → ingest; partials/ and triggers/ → queue → score ──────────────
    const queue = (name: string, visibility: Duration) => {
      const deadLetters = new Queue(this, `${name}DeadLetters`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      const work = new Queue(this, name, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: visibility,
        deadLetterQueue: { queue: deadLetters, maxReceiveCount: 3 },
      });
      return { work, deadLetters };
    };
    // Six times the function's timeout, as AWS advises for SQS event sources (throttled retries).
    const ingestQueue = queue("IngestQueue", Duration.minutes(15 * 6));
    const scoreQueue = queue("ScoreQueue", Duration.minutes(10 * 6));
    bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(ingestQueue.work), {
      prefix: BlobKeys.incomingPrefix,
    });
    for (const prefix of [BlobKeys.partialsPrefix, BlobKeys.triggersPrefix]) {
      bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(scoreQueue.work), { prefix });
    }
    // CDK's own custom resource that configures the bucket's notifications.
    for (const child of this.node.children.filter((node) =>
      node.node.id.startsWith("BucketNotificationsHandler"),
    )) {
      acknowledge(
        child,
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
        "CDK's bucket-notification custom resource logs through AWSLambdaBasicExecutionRole (logs:CreateLogGroup, CreateLogStream, PutLogEvents only); it runs at deploy time and touches no data.",
      );
    }
    ingest.addEventSource(
      new SqsEventSource(ingestQueue.work, { batchSize: 1, reportBatchItemFailures: true }),
    );
    // A burst of new partials (or a policy change among them) makes one scoring run, not one each.
    score.addEventSource(
      new SqsEventSource(scoreQueue.work, { batchSize: 100, maxBatchingWindow: Duration.seconds(20) }),
    );

    // ── People and machines: Cognito ─────────────────────────────────────────────────────────────
    const userPool = new UserPool(this, "Users", {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      userPool,
      "AwsSolutions-COG8",
      "The Plus feature plan (threat protection) is billed per monthly active user; this pool holds a few staff accounts, created by an administrator (no self sign-up), with a 12-character password policy and TOTP MFA required.",
    );
    for (const group of PEOPLE_GROUPS) userPool.addGroup(`${group}Group`, { groupName: group });
    const ingestScope = new ResourceServerScope({
      scopeName: INGEST_SCOPE,
      scopeDescription: "push batches of invoice lines (the ERP)",
    });
    const resourceServer = userPool.addResourceServer("Api", {
      identifier: RESOURCE_SERVER_ID,
      scopes: [ingestScope],
    });
    const domain = userPool.addDomain("SignIn", {
      cognitoDomain: {
        domainPrefix: String(this.node.tryGetContext("authDomainPrefix") ?? `segment-focus-${this.account}`),
      },
    });

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

    const people = userPool.addClient("People", {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${httpApi.apiEndpoint}/`, "http://localhost:3000/"],
        logoutUrls: [`${httpApi.apiEndpoint}/`, "http://localhost:3000/"],
      },
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      preventUserExistenceErrors: true,
    });
    // The leadership page offers people the pool's sign-in (authorization code with PKCE).
    api.addEnvironment("SEGFOCUS_SIGN_IN_URL", domain.baseUrl());
    api.addEnvironment("SEGFOCUS_SIGN_IN_CLIENT_ID", people.userPoolClientId);
    const erp = userPool.addClient("Erp", {
      generateSecret: true,
      oAuth: {
        flows: { clientCredentials: true },
        scopes: [OAuthScope.resourceServer(resourceServer, ingestScope)],
      },
      accessTokenValidity: Duration.hours(1),
    });
    const authorizer = new HttpUserPoolAuthorizer("Cognito", userPool, { userPoolClients: [people, erp] });
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
    for (const [name, { deadLetters }] of Object.entries({ Ingest: ingestQueue, Score: scoreQueue })) {
      alarm(
        `${name}DeadLettersAlarm`,
        deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        `${name} events that failed three times wait in the dead-letter queue`,
      );
    }
    const functions = {
      Api: api,
      Ingest: ingest,
      Score: score,
      PlanRanges: planRanges,
      IngestRange: ingestRange,
      MergeRanges: mergeRanges,
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
      stateMachine.metricFailed({ period: Duration.minutes(5) }),
      "a distributed ingest failed after its retries",
    );

    // ── Outputs ──────────────────────────────────────────────────────────────────────────────────
    new CfnOutput(this, "ApiUrl", {
      value: httpApi.apiEndpoint,
      description: "the HTTP API (segfocus push --api)",
    });
    new CfnOutput(this, "BucketName", { value: bucket.bucketName });
    new CfnOutput(this, "TableName", { value: table.tableName });
    new CfnOutput(this, "UserPoolId", { value: userPool.userPoolId });
    new CfnOutput(this, "PeopleClientId", { value: people.userPoolClientId });
    new CfnOutput(this, "ErpClientId", { value: erp.userPoolClientId });
    new CfnOutput(this, "TokenUrl", {
      value: `${domain.baseUrl()}/oauth2/token`,
      description: "client credentials → an ERP access token",
    });
    new CfnOutput(this, "SignInUrl", { value: domain.baseUrl(), description: "where people sign in" });
    new CfnOutput(this, "IngestScope", { value: `${RESOURCE_SERVER_ID}/${INGEST_SCOPE}` });
    new CfnOutput(this, "StateMachineArn", { value: stateMachine.stateMachineArn });
    new CfnOutput(this, "AlarmTopicArn", { value: alarms.topicArn });
  }
}
