import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
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
import type { ICommandHooks } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { apiRoutes } from "#api/routes.ts";
import { BlobKeys } from "#store/blob-store.ts";
import { SEGMENT_SNAPSHOTS_PREFIX } from "#store/segment-snapshots.ts";
import { type DataStore, READ_WRITE_ACTIONS } from "./data-store.ts";
import type { Identity } from "./identity.ts";
import { SegmentFocusFunction } from "./segment-focus-function.ts";

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

export interface SegmentFocusHttpApiProps {
  readonly store: DataStore;
  /** The origins whose pages may call the API (CORS). */
  readonly allowOrigins: string[];
}

/**
 * The HTTP API: every route of lib/api/routes.ts served by one api function (the leadership page
 * too), on a throttled, access-logged default stage.
 */
export class SegmentFocusHttpApi extends Construct {
  readonly function: SegmentFocusFunction;
  readonly httpApi: HttpApi;

  constructor(scope: Construct, id: string, { store, allowOrigins }: SegmentFocusHttpApiProps) {
    super(scope, id);
    this.function = new SegmentFocusFunction(this, "ApiFunction", {
      handlerFolder: "api",
      description: "segment-focus HTTP API: every route of lib/api/routes.ts",
      memorySize: 1024,
      timeout: Duration.seconds(29),
      environment: { ...store.environment, SEGFOCUS_WEB_DIR: LAMBDA_WEB_DIR },
      commandHooks: LEADERSHIP_PAGE_BUILD,
    });
    // The API presigns upload URLs for incoming/ (a presigned PUT acts with the signer's s3:PutObject)
    // and takes small files inline; it reads snapshots and rejects, lists partials (a policy check)
    // and writes the rescore trigger. It may list the bucket's keys (names, not contents): without
    // s3:ListBucket, S3 answers a missing key with 403, not 404 (a prefix condition does not count
    // for a GetObject, which names no prefix), and a snapshot a run has just replaced or a rejects
    // file past its lifecycle would become a server error instead of the answer the API has for them.
    store.grantObjects(this.function, ["s3:PutObject"], `${BlobKeys.incomingPrefix}*`);
    store.grantObjects(
      this.function,
      ["s3:GetObject"],
      `${SEGMENT_SNAPSHOTS_PREFIX}*`,
      `${BlobKeys.quarantinePrefix}*`,
    );
    store.grantObjects(this.function, ["s3:PutObject"], BlobKeys.rescoreTrigger);
    store.grantListing(this.function);
    store.grantItems(this.function, READ_WRITE_ACTIONS, { withListIndex: true });

    this.httpApi = new HttpApi(this, "Api", {
      description: "segment-focus: which market segments to say yes to and which to say no to",
      createDefaultStage: false,
      corsPreflight: {
        // Bearer tokens, never cookies: a browser sends no ambient credentials, so an open origin leaks nothing.
        allowOrigins,
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.DELETE],
        allowHeaders: ["authorization", "content-type", "if-match"],
        maxAge: Duration.hours(1),
      },
    });
    const accessLogs = new LogGroup(this, "ApiAccessLogs", {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new HttpStage(this, "ApiStage", {
      httpApi: this.httpApi,
      stageName: "$default",
      autoDeploy: true,
      // Per-second limits for every route (the stage's default route settings): generous for people
      // and one ERP, low enough that a runaway client cannot run up the Lambda and DynamoDB bill.
      throttle: { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });
  }

  /** Where the leadership page is served. */
  get pageUrl(): string {
    return `${this.httpApi.apiEndpoint}/`;
  }

  /**
   * Adds the routes: the public ones of the route table open, every other behind the JWT authorizer
   * of the identity's user pool; and tells the leadership page where people sign in.
   */
  addRoutes(identity: Identity): void {
    // The leadership page offers people the pool's sign-in (authorization code with PKCE).
    this.function.addEnvironment("SEGFOCUS_SIGN_IN_URL", identity.domain.baseUrl());
    this.function.addEnvironment("SEGFOCUS_SIGN_IN_CLIENT_ID", identity.people.userPoolClientId);
    const authorizer = new HttpUserPoolAuthorizer("Cognito", identity.userPool, {
      userPoolClients: [identity.people, identity.erp],
    });
    const integration = new HttpLambdaIntegration("ApiIntegration", this.function);
    // Public routes come from the route table: a new public route needs no change here.
    for (const route of apiRoutes.filter((candidate) => candidate.roles === "public")) {
      for (const publicRoute of this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: new HttpNoneAuthorizer(),
      })) {
        Validations.of(publicRoute).acknowledge({
          id: "AwsSolutions-APIG4",
          reason: `Public by design: the route table (lib/api/routes.ts) marks ${route.method} ${route.path} public ("${route.summary}"); it reads no tenant data. Every other route is behind the Cognito JWT authorizer.`,
        });
      }
    }
    // Everything else needs a token; the function checks the role. No OPTIONS route: the CORS
    // configuration answers preflight requests before any authorizer.
    this.httpApi.addRoutes({
      path: "/{proxy+}",
      methods: [HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE],
      integration,
      authorizer,
    });
  }
}
