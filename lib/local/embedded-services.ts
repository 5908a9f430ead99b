import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { CreateTableCommand, ResourceInUseException } from "@aws-sdk/client-dynamodb";
import S3rver from "s3rver";
import { type AwsEndpoints, createDynamoDbClient } from "#store/aws-clients.ts";
import { createTableInput } from "#store/table-design.ts";

export interface EmbeddedServicesOptions {
  /** Data directory: LevelDB under dynamodb/, objects under s3/. Absent: in memory and a temporary directory. */
  readonly dataDir?: string;
  readonly host?: string;
  readonly s3Port?: number;
  readonly dynamoDbPort?: number;
  readonly bucket?: string;
  readonly tableName?: string;
}

export interface ObjectCreated {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
}

export interface EmbeddedServices {
  readonly endpoints: AwsEndpoints & { readonly s3Endpoint: string; readonly dynamoDbEndpoint: string };
  readonly bucket: string;
  readonly tableName: string;
  /** Calls `listener` for every object created in the bucket, as S3 event notifications would. */
  onObjectCreated(listener: (object: ObjectCreated) => void): void;
  close(): Promise<void>;
}

/**
 * Starts the embedded AWS stand-ins on loopback: dynalite (DynamoDB) and s3rver (S3), with the
 * service's table and bucket created. Ports default to 0: the system picks free ones.
 */
export async function startEmbeddedServices(
  options: EmbeddedServicesOptions = {},
): Promise<EmbeddedServices> {
  const host = options.host ?? "127.0.0.1";
  const bucket = options.bucket ?? "segment-focus";
  const tableName = options.tableName ?? "segment-focus";
  const scratch = options.dataDir ? undefined : await mkdtemp(join(tmpdir(), "segfocus-s3-"));

  const dynamo = await startDynaliteThread({
    path: options.dataDir ? join(options.dataDir, "dynamodb") : undefined,
    host,
    port: options.dynamoDbPort ?? 0,
  });
  const s3 = new S3rver({
    address: host,
    port: options.s3Port ?? 0,
    silent: true,
    directory: options.dataDir ? join(options.dataDir, "s3") : scratch,
    configureBuckets: [{ name: bucket }],
  });
  const s3Address = await s3.run();

  const endpoints = {
    region: "us-east-1",
    s3Endpoint: `http://${host}:${s3Address.port}`,
    dynamoDbEndpoint: `http://${host}:${dynamo.port}`,
  };
  const db = createDynamoDbClient(endpoints);
  try {
    await db.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  db.destroy();

  return {
    endpoints,
    bucket,
    tableName,
    onObjectCreated(listener) {
      s3.on("event", (event) => {
        for (const record of event.Records) {
          if (!record.eventName.startsWith("ObjectCreated") || record.s3.bucket.name !== bucket) continue;
          listener({
            key: decodeURIComponent(record.s3.object.key.replaceAll("+", " ")),
            size: record.s3.object.size,
            etag: record.s3.object.eTag.replaceAll('"', ""),
          });
        }
      });
    },
    async close() {
      await s3.close();
      await dynamo.close();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * dynalite runs in a thread of its own, as DynamoDB runs apart from the functions that call it: its
 * request parsing and LevelDB work then take the other core rather than the API's and the pipeline's.
 * The thread is a few lines of CommonJS that start dynalite and answer "close".
 */
const DYNALITE_THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
const dynalite = require(workerData.module);
const server = dynalite({ path: workerData.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.once("error", (error) => parentPort.postMessage({ error: error.message }));
server.listen(workerData.port, workerData.host, () => parentPort.postMessage({ port: server.address().port }));
parentPort.on("message", () => server.close(() => parentPort.close()));
`;

async function startDynaliteThread(options: {
  readonly path: string | undefined;
  readonly host: string;
  readonly port: number;
}): Promise<{ readonly port: number; close(): Promise<void> }> {
  const worker = new Worker(DYNALITE_THREAD, {
    eval: true,
    workerData: { ...options, module: createRequire(import.meta.url).resolve("dynalite") },
  });
  const started = await new Promise<{ port?: number; error?: string }>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  if (started.port === undefined) {
    await worker.terminate();
    throw new Error(`dynalite did not start: ${started.error}`);
  }
  return {
    port: started.port,
    async close() {
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      worker.postMessage("close");
      await exited;
    },
  };
}
