import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, ResourceInUseException } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
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

  const dynamo: Server = dynalite({
    path: options.dataDir ? join(options.dataDir, "dynamodb") : undefined,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    dynamo.once("error", reject);
    dynamo.listen(options.dynamoDbPort ?? 0, host, () => resolve());
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
    dynamoDbEndpoint: `http://${host}:${(dynamo.address() as AddressInfo).port}`,
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
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
      if (scratch) await rm(scratch, { recursive: true, force: true });
    },
  };
}
