import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Validations } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAGE_ASSET_NAME } from "#api/routes/page.ts";
import { apiRoutes } from "#api/routes.ts";
import { TABLE } from "#store/table-design.ts";
import { RANGE_CONCURRENCY } from "../../infra/constructs/distributed-ingest.ts";
import { SegmentFocusStack } from "../../infra/segment-focus-stack.ts";

/**
 * The cloud stack as CloudFormation: one synthesis (bundling every function with the local
 * esbuild, offline) shared by every specification of this file.
 */
type Json = Record<string, unknown>;
type Resource = { Type: string; Properties: Json; [key: string]: unknown };

let outdir: string;
let app: App;
let stack: SegmentFocusStack;
let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), "segfocus-cdk-"));
  app = new App({ outdir });
  stack = new SegmentFocusStack(app, "SegmentFocus");
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Resource>;
}, 180_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

function ofType(type: string): Array<[string, Resource]> {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

/** The properties of the one resource of a type whose logical id starts with `prefix`. */
function propertiesOf(type: string, prefix = ""): Json {
  const found = ofType(type).find(([id]) => id.startsWith(prefix));
  if (!found) throw new Error(`no ${type} whose logical id starts with ${prefix}`);
  return found[1].Properties;
}

/** An intrinsic as readable text: `{"Fn::Join": ["", [{"Fn::GetAtt": ["Data1", "Arn"]}, "/incoming/*"]]}` → `<Data1.Arn>/incoming/*`. */
function text(value: unknown): string {
  if (typeof value === "string") return value;
  const node = value as Json;
  if (node["Fn::Join"]) {
    const [separator, parts] = node["Fn::Join"] as [string, unknown[]];
    return parts.map(text).join(separator);
  }
  if (node["Fn::GetAtt"]) return `<${(node["Fn::GetAtt"] as string[]).join(".")}>`;
  if (node.Ref) return `<${node.Ref as string}>`;
  return JSON.stringify(value);
}

function list<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

interface Grant {
  readonly actions: string[];
  readonly resources: string[];
  readonly condition?: unknown;
}

/** Every Allow statement that reaches a role, by role logical id. */
function grantsByRole(): Map<string, Grant[]> {
  const grants = new Map<string, Grant[]>();
  for (const [, policy] of ofType("AWS::IAM::Policy")) {
    const statements = (policy.Properties.PolicyDocument as { Statement: Json[] }).Statement;
    for (const role of list(policy.Properties.Roles as Json[])) {
      const roleId = text(role).slice(1, -1);
      for (const statement of statements.filter((candidate) => candidate.Effect === "Allow")) {
        grants.set(roleId, [
          ...(grants.get(roleId) ?? []),
          {
            actions: list(statement.Action as string | string[]),
            resources: list(statement.Resource).map(text),
            condition: statement.Condition,
          },
        ]);
      }
    }
  }
  return grants;
}

/** The grants of the function whose logical id starts with `functionId`. */
function grantsOf(functionId: string): Grant[] {
  const found = ofType("AWS::Lambda::Function").find(([id]) => id.startsWith(functionId));
  if (!found) throw new Error(`no function ${functionId}`);
  const roleId = text(found[1].Properties.Role)
    .slice(1, -1)
    .replace(/\.Arn$/, "");
  return grantsByRole().get(roleId) ?? [];
}

/** The object keys (after the bucket's ARN) a function may use an S3 action on. */
function objectKeys(functionId: string, action: string): string[] {
  return grantsOf(functionId)
    .filter((grant) => grant.actions.includes(action))
    .flatMap((grant) => grant.resources)
    .map((resource) => resource.replace(/^<Data[0-9A-F]+\.Arn>\//, ""));
}

function dynamoActions(functionId: string): string[] {
  return grantsOf(functionId)
    .flatMap((grant) => grant.actions)
    .filter((action) => action.startsWith("dynamodb:"))
    .sort();
}

const DATA_SERVICES = /^(s3|dynamodb|sqs|states|lambda|sns|kms|cognito-idp):/;

describe("storage", () => {
  it("keeps the data bucket encrypted, private, versioned, TLS-only, access-logged, with lifecycle rules", () => {
    const [, bucket] = ofType("AWS::S3::Bucket").find(([id]) => id.startsWith("Data")) ?? [];
    expect(bucket?.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: "Enabled" },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.stringMatching(/^AccessLogs/) } },
    });
    const rules = (propertiesOf("AWS::S3::Bucket", "Data").LifecycleConfiguration as { Rules: Json[] }).Rules;
    const byPrefix = Object.fromEntries(rules.map((rule) => [rule.Prefix ?? "(all)", rule]));
    expect(byPrefix["incoming/"]).toMatchObject({ Status: "Enabled", ExpirationInDays: 30 });
    expect(byPrefix["quarantine/"]).toMatchObject({ Status: "Enabled", ExpirationInDays: 90 });
    expect(byPrefix["ranges/"]).toMatchObject({ Status: "Enabled", ExpirationInDays: 2 });
    expect(byPrefix["(all)"]).toMatchObject({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } });
    template.hasResourceProperties("AWS::S3::BucketPolicy", {
      Bucket: { Ref: Match.stringLikeRegexp("^Data") },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });

  it("declares the table of lib/store/table-design.ts: keys, the list index, on demand, point-in-time recovery, deletion protection", () => {
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: "HASH" },
        { AttributeName: TABLE.sortKey, KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      GlobalSecondaryIndexes: [
        {
          IndexName: TABLE.listIndex.name,
          KeySchema: [
            { AttributeName: TABLE.listIndex.partitionKey, KeyType: "HASH" },
            { AttributeName: TABLE.listIndex.sortKey, KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
    });
  });

  it("turns deletion protection off with the context flag deletionProtection=false", () => {
    // Without bundling: this synthesis only reads the table.
    const other = new App({ context: { deletionProtection: "false", "aws:cdk:bundling-stacks": [] } });
    const table = Template.fromStack(new SegmentFocusStack(other, "Unprotected")).findResources(
      "AWS::DynamoDB::Table",
    );
    expect(Object.values(table).map((resource) => resource.Properties.DeletionProtectionEnabled)).toEqual([
      false,
    ]);
  });

  it("moves the big-file threshold with distributedIngestBytes, and refuses a value that is not bytes", () => {
    const synthesize = (value: string) =>
      Template.fromStack(
        new SegmentFocusStack(
          new App({ context: { distributedIngestBytes: value, "aws:cdk:bundling-stacks": [] } }),
          "Threshold",
        ),
      );
    const ingest = Object.values(
      synthesize("2147483648").findResources("AWS::Lambda::Function", {
        Properties: { Description: Match.stringLikeRegexp("^segment-focus ingest:") },
      }),
    );
    expect(ingest.map((fn) => fn.Properties.Environment.Variables.SEGFOCUS_DISTRIBUTED_INGEST_BYTES)).toEqual(
      ["2147483648"],
    );
    for (const wrong of ["1GB", "0", "-5", "1.5"]) {
      expect(() => synthesize(wrong), wrong).toThrow(/distributedIngestBytes=.*whole number of bytes/);
    }
  });
});

describe("functions", () => {
  const FUNCTIONS = [
    "Api",
    "Ingest",
    "Score",
    "PlanRanges",
    "IngestRange",
    "MergeRanges",
    "RecordIngestFailure",
  ];

  it.each(FUNCTIONS)(
    "runs %s on Node.js 22, ARM64, traced, with its log group and the Powertools environment",
    (name) => {
      const found = ofType("AWS::Lambda::Function").find(([id]) => id.startsWith(`${name}Function`));
      expect(found?.[1].Properties).toMatchObject({
        Runtime: "nodejs22.x",
        Architectures: ["arm64"],
        Handler: "index.handler",
        TracingConfig: { Mode: "Active" },
        LoggingConfig: { LogGroup: { Ref: expect.stringMatching(new RegExp(`^${name}FunctionLogs`)) } },
        Environment: {
          Variables: expect.objectContaining({
            POWERTOOLS_SERVICE_NAME: expect.stringMatching(/^segment-focus-/),
            POWERTOOLS_METRICS_NAMESPACE: "SegmentFocus",
            NODE_OPTIONS: "--enable-source-maps",
          }),
        },
      });
    },
  );

  it("gives every function a bundled ESM handler with its source map, the AWS SDK inside", () => {
    const bundles = ofType("AWS::Lambda::Function")
      .filter(([id]) => FUNCTIONS.some((name) => id.startsWith(`${name}Function`)))
      .map(([, resource]) =>
        join(outdir, `asset.${String((resource.Properties.Code as Json).S3Key).replace(/\.zip$/, "")}`),
      );
    expect(bundles).toHaveLength(FUNCTIONS.length);
    for (const bundle of bundles) {
      expect(statSync(join(bundle, "index.mjs")).size).toBeGreaterThan(10_000);
      expect(existsSync(join(bundle, "index.mjs.map"))).toBe(true);
      expect(existsSync(join(bundle, "node_modules"))).toBe(false);
    }
  });

  it("builds the leadership page into the api function's bundle, where the API looks for it", () => {
    const api = propertiesOf("AWS::Lambda::Function", "ApiFunction");
    const bundle = join(outdir, `asset.${String((api.Code as Json).S3Key).replace(/\.zip$/, "")}`);
    const variables = (api.Environment as { Variables: Json }).Variables;
    expect(variables.SEGFOCUS_WEB_DIR).toBe("/var/task/web");
    expect(variables.SEGFOCUS_PREFILL_TOKEN).toBeUndefined();
    // The page offers the pool's sign-in: its domain, and the client for people (not the ERP's).
    expect(text(variables.SEGFOCUS_SIGN_IN_URL)).toMatch(/^https:\/\/.*\.auth\..*\.amazoncognito\.com$/);
    expect(text(variables.SEGFOCUS_SIGN_IN_CLIENT_ID)).toMatch(/^<UsersPeople[0-9A-F]{8}>$/);
    const page = readFileSync(join(bundle, "web", "index.html"), "utf8");
    const assets = readdirSync(join(bundle, "web")).filter((name) => PAGE_ASSET_NAME.test(name));
    expect(assets.map((name) => name.split(".").pop()).sort()).toEqual(["css", "js"]);
    for (const asset of assets) expect(page).toContain(`"assets/${asset}"`);
  });

  it("runs one scoring run at a time (a run deletes the snapshots of earlier runs) and gives the API about 1 GB", () => {
    const score = ofType("AWS::Lambda::Function").find(([id]) => id.startsWith("ScoreFunction"));
    const api = ofType("AWS::Lambda::Function").find(([id]) => id.startsWith("ApiFunction"));
    expect(score?.[1].Properties.ReservedConcurrentExecutions).toBe(1);
    expect(api?.[1].Properties.MemorySize).toBe(1024);
  });
});

describe("least privilege", () => {
  it("grants no action with a wildcard anywhere and no * resource to any data action", () => {
    const problems: string[] = [];
    for (const [roleId, grants] of grantsByRole()) {
      for (const grant of grants) {
        for (const action of grant.actions) {
          if (action.includes("*")) problems.push(`${roleId}: action ${action}`);
          if (DATA_SERVICES.test(action) && grant.resources.includes("*"))
            problems.push(`${roleId}: ${action} on *`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("lets the API write to incoming/ only as presigning needs, and nowhere else in the bucket but the rescore trigger", () => {
    expect(
      objectKeys("ApiFunction", "s3:PutObject"),
      "presigning an upload URL needs s3:PutObject on incoming/* (the URL acts with the signer's rights); nothing wider",
    ).toEqual(["incoming/*", "triggers/rescore.json"]);
    expect(objectKeys("ApiFunction", "s3:GetObject").sort()).toEqual(["quarantine/*", "snapshots/*"]);
    expect(objectKeys("ApiFunction", "s3:DeleteObject")).toEqual([]);
    // Listing the bucket makes a missing object a 404 (not a 403) for the API to answer as such.
    const listings = grantsOf("ApiFunction").filter((grant) => grant.actions.includes("s3:ListBucket"));
    expect(listings).toHaveLength(1);
    expect(listings[0]?.actions).toEqual(["s3:ListBucket"]);
    expect(listings[0]?.resources.map(text)).toEqual([expect.stringMatching(/^<Data[0-9A-F]{8}\.Arn>$/)]);
    expect(listings[0]?.condition).toBeUndefined();
  });

  it("gives each pipeline function only the prefixes and table actions its step uses", () => {
    expect(objectKeys("IngestFunction", "s3:GetObject")).toEqual(["incoming/*"]);
    expect(objectKeys("IngestFunction", "s3:PutObject").sort()).toEqual(["partials/*", "quarantine/*"]);
    expect(objectKeys("ScoreFunction", "s3:GetObject")).toEqual(["partials/*"]);
    expect(objectKeys("ScoreFunction", "s3:DeleteObject")).toEqual(["snapshots/*"]);
    expect(objectKeys("PlanRangesFunction", "s3:GetObject")).toEqual(["incoming/*"]);
    // Their reads are pinned to the announced version of the upload, which needs GetObjectVersion.
    expect(objectKeys("PlanRangesFunction", "s3:GetObjectVersion")).toEqual(["incoming/*"]);
    expect(objectKeys("IngestRangeFunction", "s3:GetObjectVersion")).toEqual(["incoming/*"]);
    expect(objectKeys("ApiFunction", "s3:GetObjectVersion")).toEqual([]);
    expect(objectKeys("PlanRangesFunction", "s3:PutObject")).toEqual([]);
    expect(objectKeys("IngestRangeFunction", "s3:GetObject")).toEqual(["incoming/*"]);
    expect(objectKeys("IngestRangeFunction", "s3:PutObject")).toEqual(["ranges/*"]);
    expect(objectKeys("MergeRangesFunction", "s3:GetObject")).toEqual(["ranges/*"]);
    expect(objectKeys("MergeRangesFunction", "s3:PutObject").sort()).toEqual(["partials/*", "quarantine/*"]);

    expect(dynamoActions("IngestRangeFunction")).toEqual([]);
    expect(dynamoActions("PlanRangesFunction")).toEqual([
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
    ]);
    expect(dynamoActions("MergeRangesFunction")).toEqual(["dynamodb:GetItem", "dynamodb:UpdateItem"]);
    expect(dynamoActions("RecordIngestFailureFunction")).toEqual(["dynamodb:GetItem", "dynamodb:UpdateItem"]);
    expect(objectKeys("RecordIngestFailureFunction", "s3:GetObject")).toEqual([]);
    expect(objectKeys("RecordIngestFailureFunction", "s3:PutObject")).toEqual([]);
    expect(dynamoActions("IngestFunction")).toEqual([
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
    ]);
    for (const fn of ["IngestFunction", "PlanRangesFunction", "MergeRangesFunction"]) {
      expect(
        grantsOf(fn)
          .flatMap((grant) => grant.resources)
          .some((resource) => resource.includes("/index/")),
      ).toBe(false);
    }
  });

  it("lets only the ingest function start the state machine", () => {
    const starters = [...grantsByRole()].filter(([, grants]) =>
      grants.some(
        (grant) =>
          grant.actions.includes("states:StartExecution") &&
          grant.resources.some((r) => r.startsWith("<DistributedIngest")),
      ),
    );
    expect(starters.map(([roleId]) => roleId.replace(/ServiceRole.*$|Role.*$/, ""))).toEqual(
      expect.arrayContaining(["IngestFunction"]),
    );
    expect(
      starters
        .map(([roleId]) => roleId)
        .filter((roleId) => !/^(IngestFunction|DistributedIngest)/.test(roleId)),
    ).toEqual([]);
  });
});

describe("the ingest path", () => {
  it("announces objects created under incoming/ to the ingest queue and under partials/ and triggers/ to the score queue", () => {
    const configurations = (
      propertiesOf("Custom::S3BucketNotifications").NotificationConfiguration as {
        QueueConfigurations: Json[];
      }
    ).QueueConfigurations;
    const routes = configurations.map((configuration) => [
      ((configuration.Filter as { Key: { FilterRules: Json[] } }).Key.FilterRules[0] as Json).Value,
      text(configuration.QueueArn).replace(/[0-9A-F]{8}\.Arn>$/, ""),
    ]);
    expect(routes.sort()).toEqual([
      ["incoming/", "<IngestQueue"],
      ["partials/", "<ScoreQueue"],
      ["triggers/", "<ScoreQueue"],
    ]);
  });

  it("gives each queue a dead-letter queue, and hands failed messages of a batch back one by one", () => {
    for (const name of ["IngestQueue", "ScoreQueue"]) {
      const [, queue] =
        ofType("AWS::SQS::Queue").find(([id]) => new RegExp(`^${name}[0-9A-F]{8}$`).test(id)) ?? [];
      expect(queue?.Properties.RedrivePolicy).toMatchObject({
        deadLetterTargetArn: {
          "Fn::GetAtt": [expect.stringMatching(new RegExp(`^${name}DeadLetters`)), "Arn"],
        },
        maxReceiveCount: 3,
      });
    }
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: Match.stringLikeRegexp("^IngestFunction") },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: Match.stringLikeRegexp("^ScoreFunction") },
    });
  });

  it("runs a Distributed Map over the byte ranges, bounded and failing on any failed range, then merges", () => {
    const [, machine] = ofType("AWS::StepFunctions::StateMachine")[0] ?? [];
    const definition = text(machine?.Properties.DefinitionString);
    expect(definition).toContain('"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"}');
    const states = JSON.parse(definition.replace(/<[^>]+>/g, "ARN")).States as Record<string, Json>;
    expect(states.IngestRanges).toMatchObject({
      Type: "Map",
      ItemsPath: "$.parts",
      MaxConcurrency: RANGE_CONCURRENCY,
      Next: "MergeRanges",
    });
    // Step Functions' default, which CDK leaves out: a range that fails after its retries fails the map.
    expect(states.IngestRanges?.ToleratedFailurePercentage ?? 0).toBe(0);
    expect(states.IngestRanges?.ToleratedFailureCount ?? 0).toBe(0);
    expect(Object.keys(states)).toEqual(
      expect.arrayContaining([
        "PlanRanges",
        "AnythingToIngest",
        "IngestRanges",
        "MergeRanges",
        "RecordFailure",
      ]),
    );
    // A failed step is recorded by a function of its own, not by the merge.
    expect(JSON.stringify(JSON.parse(definition.replace(/<([^>]+)>/g, "$1")).States.RecordFailure)).toMatch(
      /"Resource":"RecordIngestFailureFunction[0-9A-F]+\.Arn"/,
    );
    expect(machine?.Properties).toMatchObject({
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: "ALL" },
    });
    expect(
      (propertiesOf("AWS::Lambda::Function", "IngestFunction").Environment as { Variables: Json }).Variables,
    ).toMatchObject({
      SEGFOCUS_INGEST_STATE_MACHINE: { Ref: expect.stringMatching(/^DistributedIngest/) },
      SEGFOCUS_DISTRIBUTED_INGEST_BYTES: String(1024 ** 3),
    });
  });
});

describe("the HTTP API and who may call it", () => {
  it("leaves open exactly the public routes of the route table and puts everything else behind the JWT authorizer", () => {
    const routes = ofType("AWS::ApiGatewayV2::Route").map(([, route]) => route.Properties);
    const open = routes.filter((route) => route.AuthorizationType === "NONE").map((route) => route.RouteKey);
    const publicRoutes = apiRoutes.filter((route) => route.roles === "public");
    expect(publicRoutes.length).toBeGreaterThan(0);
    expect(open.sort()).toEqual(publicRoutes.map((route) => `${route.method} ${route.path}`).sort());
    const guarded = routes.filter((route) => route.AuthorizationType !== "NONE");
    expect(guarded.map((route) => route.RouteKey).sort()).toEqual(
      ["DELETE", "GET", "PATCH", "POST", "PUT"].map((method) => `${method} /{proxy+}`),
    );
    for (const route of guarded)
      expect(route).toMatchObject({ AuthorizationType: "JWT", AuthorizerId: expect.anything() });
  });

  it("verifies tokens of the user pool for both app clients, and answers CORS preflights", () => {
    template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
      AuthorizerType: "JWT",
      IdentitySource: ["$request.header.Authorization"],
      JwtConfiguration: {
        Audience: [
          { Ref: Match.stringLikeRegexp("^UsersPeople") },
          { Ref: Match.stringLikeRegexp("^UsersErp") },
        ],
        Issuer: Match.anyValue(),
      },
    });
    template.hasResourceProperties("AWS::ApiGatewayV2::Api", {
      ProtocolType: "HTTP",
      CorsConfiguration: Match.objectLike({ AllowHeaders: Match.arrayWith(["authorization"]) }),
    });
  });

  it("throttles every route of the default stage and logs its access", () => {
    template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it("has the groups planner and leader, an ingest scope, a public client for people and a client-credentials client for the ERP", () => {
    const groups = ofType("AWS::Cognito::UserPoolGroup").map(([, group]) => group.Properties.GroupName);
    expect(groups.sort()).toEqual(["leader", "planner"]);
    template.hasResourceProperties("AWS::Cognito::UserPoolResourceServer", {
      Identifier: "segment-focus",
      Scopes: [Match.objectLike({ ScopeName: "ingest" })],
    });
    const erp = ofType("AWS::Cognito::UserPoolClient").find(([id]) => id.startsWith("UsersErp"));
    expect(erp?.[1].Properties).toMatchObject({
      GenerateSecret: true,
      AllowedOAuthFlows: ["client_credentials"],
    });
    expect(
      (propertiesOf("AWS::Cognito::UserPoolClient", "UsersErp").AllowedOAuthScopes as unknown[]).map(text),
    ).toEqual([expect.stringMatching(/^<UsersApi[0-9A-F]{8}>\/ingest$/)]);
    const people = ofType("AWS::Cognito::UserPoolClient").find(([id]) => id.startsWith("UsersPeople"));
    expect(people?.[1].Properties).toMatchObject({ AllowedOAuthFlows: ["code"] });
    expect(people?.[1].Properties.GenerateSecret).not.toBe(true);
    template.hasResourceProperties("AWS::Cognito::UserPool", { MfaConfiguration: "ON" });
  });
});

describe("deploying over the running stack", () => {
  it("keeps the logical ids its data, identities, addresses, functions and event source mappings were deployed with, so a deploy replaces none of them", () => {
    // A resource whose logical id changes is created anew and the old one deleted: a new bucket, table
    // or user pool, a new API URL or client id, and a second event source mapping Lambda refuses.
    const deployed: Record<string, string> = {
      AccessLogs8B620ECA: "AWS::S3::Bucket",
      Data666C94C7: "AWS::S3::Bucket",
      TableCD117FA1: "AWS::DynamoDB::Table",
      ApiFunctionLogs0D7A2434: "AWS::Logs::LogGroup",
      ApiFunctionCE271BD4: "AWS::Lambda::Function",
      IngestFunctionLogsAF4D8C26: "AWS::Logs::LogGroup",
      IngestFunction4B2F2EB2: "AWS::Lambda::Function",
      IngestFunctionSqsEventSourceSegmentFocusIngestQueueB45A6B28CFBCA427: "AWS::Lambda::EventSourceMapping",
      ScoreFunctionLogs5EB28A47: "AWS::Logs::LogGroup",
      ScoreFunction14DEB70C: "AWS::Lambda::Function",
      ScoreFunctionSqsEventSourceSegmentFocusScoreQueue25017AC423FE0BDB: "AWS::Lambda::EventSourceMapping",
      PlanRangesFunctionLogs5A15959B: "AWS::Logs::LogGroup",
      PlanRangesFunction055866F1: "AWS::Lambda::Function",
      IngestRangeFunctionLogs6C3D8AEC: "AWS::Logs::LogGroup",
      IngestRangeFunctionDBFF8680: "AWS::Lambda::Function",
      MergeRangesFunctionLogsB90B6725: "AWS::Logs::LogGroup",
      MergeRangesFunctionEFBDBF0B: "AWS::Lambda::Function",
      DistributedIngestLogsE23586CD: "AWS::Logs::LogGroup",
      DistributedIngestF567A71F: "AWS::StepFunctions::StateMachine",
      IngestQueueDeadLetters55BF57F2: "AWS::SQS::Queue",
      IngestQueue2280FF4E: "AWS::SQS::Queue",
      ScoreQueueDeadLetters21448C0F: "AWS::SQS::Queue",
      ScoreQueue4450430F: "AWS::SQS::Queue",
      Users0A0EEA89: "AWS::Cognito::UserPool",
      UsersplannerGroupF8377783: "AWS::Cognito::UserPoolGroup",
      UsersleaderGroup8D6712BF: "AWS::Cognito::UserPoolGroup",
      UsersApiE362F846: "AWS::Cognito::UserPoolResourceServer",
      UsersSignIn9CB6F01C: "AWS::Cognito::UserPoolDomain",
      UsersPeopleF1AD8A13: "AWS::Cognito::UserPoolClient",
      UsersErpAE2EA8AA: "AWS::Cognito::UserPoolClient",
      ApiF70053CD: "AWS::ApiGatewayV2::Api",
      ApiAccessLogsE9DF007D: "AWS::Logs::LogGroup",
      ApiStage529D6240: "AWS::ApiGatewayV2::Stage",
      Alarms04B5A0BF: "AWS::SNS::Topic",
    };
    const synthesized = Object.fromEntries(Object.keys(deployed).map((id) => [id, resources[id]?.Type]));
    expect(synthesized).toEqual(deployed);
  });
});

describe("operations", () => {
  it("alarms on dead letters, on each function's errors and on failed distributed ingests", () => {
    const alarms = ofType("AWS::CloudWatch::Alarm").map(([, alarm]) => alarm.Properties);
    const metrics = alarms.map((alarm) => `${alarm.Namespace}/${alarm.MetricName}`);
    expect(metrics.filter((metric) => metric === "AWS/SQS/ApproximateNumberOfMessagesVisible")).toHaveLength(
      2,
    );
    expect(metrics.filter((metric) => metric === "AWS/Lambda/Errors")).toHaveLength(7);
    expect(metrics).toContain("AWS/States/ExecutionsFailed");
    for (const alarm of alarms)
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alarms/) }]);
  });

  it("outputs the API URL, bucket, table, user pool, client ids and token URL", () => {
    expect(Object.keys(template.toJSON().Outputs)).toEqual(
      expect.arrayContaining([
        "ApiUrl",
        "BucketName",
        "TableName",
        "UserPoolId",
        "PeopleClientId",
        "ErpClientId",
        "TokenUrl",
      ]),
    );
  });
});

describe("cdk-nag AwsSolutions", () => {
  it("finds nothing that is not acknowledged", () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);

    const findings = report.violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
    );
    expect(findings).toEqual([]);
  });

  it("gives every acknowledgement a reason a reviewer can check", () => {
    const acknowledgements: Array<{ path: string; id: string; reason: string }> = [];
    const visit = (construct: IConstruct) => {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>))
          acknowledgements.push({ path: construct.node.path, id, reason });
      }
      for (const child of construct.node.children) visit(child);
    };
    visit(stack);

    expect(acknowledgements.length).toBeGreaterThan(10);
    const vague = acknowledgements.filter(({ reason }) => reason.length < 60 || !/\w+ \w+ \w+/.test(reason));
    expect(vague).toEqual([]);
  });
});
