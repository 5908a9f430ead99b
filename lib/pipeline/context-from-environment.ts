import { randomUUID } from "node:crypto";
import { createDynamoDbClient, createS3Client, endpointsFromEnvironment } from "#store/aws-clients.ts";
import { DynamoDbBatchRepository } from "#store/dynamodb-batch-repository.ts";
import { DynamoDbConfigRepository } from "#store/dynamodb-config-repository.ts";
import { DynamoDbDecisionRepository } from "#store/dynamodb-decision-repository.ts";
import { DynamoDbScoreRepository } from "#store/dynamodb-score-repository.ts";
import { S3BlobStore } from "#store/s3-blob-store.ts";
import type { ServiceContext } from "#store/service-context.ts";

/** The pipeline's stores as the environment names them: SEGFOCUS_BUCKET, SEGFOCUS_TABLE, and local endpoints if any. */
export function contextFromEnvironment(env: NodeJS.ProcessEnv = process.env): ServiceContext {
  const bucket = env.SEGFOCUS_BUCKET;
  const table = env.SEGFOCUS_TABLE;
  if (!bucket || !table)
    throw new Error("SEGFOCUS_BUCKET and SEGFOCUS_TABLE must name the bucket and the table");
  const endpoints = endpointsFromEnvironment(env);
  const db = createDynamoDbClient(endpoints);
  return {
    blobs: new S3BlobStore(createS3Client(endpoints), bucket),
    batches: new DynamoDbBatchRepository(db, table),
    scores: new DynamoDbScoreRepository(db, table),
    decisions: new DynamoDbDecisionRepository(db, table),
    config: new DynamoDbConfigRepository(db, table),
    now: () => new Date(),
    newId: () => randomUUID(),
  };
}
