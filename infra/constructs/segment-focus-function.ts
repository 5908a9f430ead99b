import { fileURLToPath } from "node:url";
import { type Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import { Architecture, Runtime, Tracing } from "aws-cdk-lib/aws-lambda";
import {
  type BundlingOptions,
  type ICommandHooks,
  NodejsFunction,
  OutputFormat,
  SourceMapMode,
} from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";

/** The repository root: entries, package.json (for the `#…/*` imports), the lock file and tsconfig live there. */
const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The CloudWatch namespace every function reports its metrics under. */
export const METRICS_NAMESPACE = "SegmentFocus";

/**
 * ESM bundles of CommonJS dependencies still call `require` (Node built-ins, in the AWS SDK and
 * Powertools): the banner gives the module one, as Node's CommonJS loader would.
 */
const REQUIRE_BANNER =
  "import { createRequire as segfocusCreateRequire } from 'node:module'; const require = segfocusCreateRequire(import.meta.url);";

/** How every function is bundled: one minified, tree-shaken ESM file with its source map and the AWS SDK inside. */
export const BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: "node22",
  minify: true,
  sourceMap: true,
  sourceMapMode: SourceMapMode.EXTERNAL,
  // Stack traces name file and line through the map; the sources themselves need not ship.
  sourcesContent: false,
  mainFields: ["module", "main"],
  // Nothing external: the SDK version the code is tested with is the one that runs, and tree-shaking
  // keeps only the clients and commands used.
  externalModules: [],
  bundleAwsSDK: true,
  banner: REQUIRE_BANNER,
  // Bundles with the esbuild in node_modules: no Docker engine, no network.
  forceDockerBundling: false,
};

export interface SegmentFocusFunctionProps {
  /** The folder under functions/ whose handler.ts is the entry. */
  readonly handlerFolder: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment?: Readonly<Record<string, string>>;
  readonly reservedConcurrentExecutions?: number;
  readonly logRetention?: RetentionDays;
  /** Commands run around bundling, e.g. copying the leadership page's assets into the api bundle. */
  readonly commandHooks?: ICommandHooks;
}

/**
 * A Lambda function of this service with every shared default in one place: Node.js 22 on ARM64,
 * the ESM bundle above, a log group with a retention, the Powertools environment, source-mapped
 * stack traces and active X-Ray tracing. Each function in the stack is then a few lines.
 */
export class SegmentFocusFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: SegmentFocusFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      entry: `${PROJECT_ROOT}functions/${props.handlerFolder}/handler.ts`,
      handler: "handler",
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      description: props.description,
      memorySize: props.memorySize,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: Tracing.ACTIVE,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: `segment-focus-${props.handlerFolder}`,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: "--enable-source-maps",
        ...props.environment,
      },
      bundling: {
        ...BUNDLING,
        tsconfig: `${PROJECT_ROOT}tsconfig.json`,
        commandHooks: props.commandHooks,
      },
    });
    const acknowledge = Validations.of(this);
    acknowledge.acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "Pinned to nodejs22.x on purpose: the code and its locked dependencies are tested on Node 20 and 22 (middy 6, the AWS SDK); move to nodejs24.x together with the test runtime, not silently.",
    });
    acknowledge.acknowledge({
      id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      reason:
        "AWSLambdaBasicExecutionRole allows only logs:CreateLogGroup, logs:CreateLogStream and logs:PutLogEvents, which every function needs to write its logs; no data access.",
    });
    acknowledge.acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "Only the X-Ray statement of active tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) uses Resource *: X-Ray has no resource-level permissions. Data access is granted per key prefix and table, and a template test fails on any * resource for a data action.",
    });
  }
}
