import { randomUUID } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { createApiHandler } from "#functions/api/handler.ts";
import { startEmbeddedServices } from "#local/embedded-services.ts";
import { startHttpGateway } from "#local/http-gateway.ts";
import { LocalPipeline } from "#local/local-pipeline.ts";
import { type LocalTokens, localTokens } from "#local/local-tokens.ts";
import { parallelIngester } from "#local/parallel-ingest.ts";
import { generateRows } from "#sample/generator.ts";
import { buildWeb } from "#scripts/build-web.ts";
import { createDynamoDbClient, createS3Client } from "#store/aws-clients.ts";
import { BlobKeys } from "#store/blob-store.ts";
import { DynamoDbBatchRepository } from "#store/dynamodb-batch-repository.ts";
import { DynamoDbConfigRepository } from "#store/dynamodb-config-repository.ts";
import { DynamoDbDecisionRepository } from "#store/dynamodb-decision-repository.ts";
import { DynamoDbScoreRepository } from "#store/dynamodb-score-repository.ts";
import { S3BlobStore } from "#store/s3-blob-store.ts";
import type { ServiceContext } from "#store/service-context.ts";
import { newBatch } from "#use-cases/announce-batch.ts";

export interface LocalStackOptions {
  readonly port: number;
  /** Where dynalite and s3rver keep their data; absent: in memory, gone on close. */
  readonly dataDir?: string;
  /** Load a generated sample batch when the service has no batch yet. */
  readonly sample: boolean;
  readonly sampleRows?: number;
  /** Build the leadership page and serve it at `/` (default true). */
  readonly page?: boolean;
  readonly log?: (line: string) => void;
}

export interface LocalStack {
  readonly url: string;
  /** The leadership page, its sign-in pre-filled with the local leader token; absent with `page: false`. */
  readonly pageUrl?: string;
  readonly tokens: LocalTokens;
  readonly s3Endpoint: string;
  readonly dynamoDbEndpoint: string;
  readonly context: ServiceContext;
  readonly pipeline: LocalPipeline;
  close(): Promise<void>;
}

export const SAMPLE_BATCH_ID = "sample";
const DEFAULT_SAMPLE_ROWS = 200_000;

/**
 * The whole service on one machine, with no AWS account: dynalite and s3rver on loopback, the same
 * Lambda handlers behind a local API Gateway, and S3 events driving ingest → score.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  // On one machine, metrics would be one JSON line per request on stdout; logs stay at warnings.
  process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
  process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";
  // The lock file pins the SDK; its notice about Node 20 would repeat on every client created here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const services = await startEmbeddedServices({ dataDir: options.dataDir });
  const db = createDynamoDbClient(services.endpoints);
  const context: ServiceContext = {
    blobs: new S3BlobStore(createS3Client(services.endpoints), services.bucket),
    batches: new DynamoDbBatchRepository(db, services.tableName),
    scores: new DynamoDbScoreRepository(db, services.tableName),
    decisions: new DynamoDbDecisionRepository(db, services.tableName),
    config: new DynamoDbConfigRepository(db, services.tableName),
    now: () => new Date(),
    newId: () => randomUUID(),
  };
  const localPipeline = new LocalPipeline(context, log, parallelIngester(context.blobs, services.endpoints));
  services.onObjectCreated((object) => localPipeline.announce(object));
  const tokens = localTokens();
  const page = options.page === false ? undefined : await buildPage(options.dataDir, tokens, log);
  const gateway = await startHttpGateway({ api: createApiHandler(context), tokens, port: options.port });

  if (options.sample && (await context.batches.listBatches({ limit: 1 })).items.length === 0) {
    await loadSampleBatch(context, options.dataDir, options.sampleRows ?? DEFAULT_SAMPLE_ROWS, log);
    await localPipeline.whenIdle();
  }

  return {
    url: gateway.url,
    ...(page && { pageUrl: `${gateway.url}/` }),
    tokens,
    s3Endpoint: services.endpoints.s3Endpoint,
    dynamoDbEndpoint: services.endpoints.dynamoDbEndpoint,
    context,
    pipeline: localPipeline,
    async close() {
      await gateway.close();
      await localPipeline.whenIdle();
      await services.close();
      if (page) {
        page.restoreEnvironment();
        if (page.temporary) await rm(page.directory, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Builds the leadership page for the API to serve, into `<dataDir>/web` (a temporary directory when
 * the data is in memory), and tells the API where it is. Only here, on this machine, does the page
 * come with a token: the local leader's, for its sign-in form.
 */
async function buildPage(
  dataDir: string | undefined,
  tokens: LocalTokens,
  log: (line: string) => void,
): Promise<{ directory: string; temporary: boolean; restoreEnvironment(): void }> {
  const temporary = dataDir === undefined;
  const directory = temporary ? await mkdtemp(join(tmpdir(), "segfocus-web-")) : join(dataDir, "web");
  log("building the leadership page…");
  await buildWeb(directory);
  const before = {
    SEGFOCUS_WEB_DIR: process.env.SEGFOCUS_WEB_DIR,
    SEGFOCUS_PREFILL_TOKEN: process.env.SEGFOCUS_PREFILL_TOKEN,
  };
  process.env.SEGFOCUS_WEB_DIR = directory;
  process.env.SEGFOCUS_PREFILL_TOKEN = tokens.leader;
  return {
    directory,
    temporary,
    // Once the stack is closed, its page directory and its token are no longer this process's.
    restoreEnvironment() {
      for (const [name, value] of Object.entries(before)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}

/** Generates the sample batch once (kept in the data directory) and uploads it as an ERP would. */
async function loadSampleBatch(
  context: ServiceContext,
  dataDir: string | undefined,
  rows: number,
  log: (line: string) => void,
): Promise<void> {
  const directory = dataDir ?? join(process.cwd(), ".segfocus");
  const file = join(directory, `sample-batch-${rows}.csv.gz`);
  if (!existsSync(file)) {
    log(`generating a sample batch of ${rows.toLocaleString("en-US")} invoice lines…`);
    await mkdir(directory, { recursive: true });
    await pipeline(
      Readable.from(generateRows({ rows, seed: 1, start: "2023-01", months: 36 })),
      createGzip(),
      createWriteStream(`${file}.partial`),
    );
    await rename(`${file}.partial`, file);
  }
  const fileName = "sample-batch.csv.gz";
  await context.batches.createBatch(newBatch({ batchId: SAMPLE_BATCH_ID, fileName }, context.now()));
  log("loading the sample batch…");
  await context.blobs.put(
    BlobKeys.incoming(SAMPLE_BATCH_ID, fileName),
    await readFile(file),
    "application/gzip",
  );
}
