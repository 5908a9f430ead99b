import { Logger } from "@aws-lambda-powertools/logger";
import type { S3Event, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { contextFromEnvironment } from "#pipeline/context-from-environment.ts";
import { distributedIngestFromEnvironment } from "#pipeline/distributed-ingest-execution.ts";
import { ingestBatch } from "#pipeline/ingest-batch.ts";
import { announcedObjects } from "#pipeline/s3-notifications.ts";

const logger = new Logger({ serviceName: "segment-focus-ingest" });
const context = contextFromEnvironment();
const distributed = distributedIngestFromEnvironment();

/**
 * S3 ObjectCreated under incoming/ (through SQS) → the batch's partial cube and status; an upload
 * past the size threshold goes to the Distributed Map state machine instead.
 */
export async function handler(event: SQSEvent | S3Event): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse["batchItemFailures"] = [];
  for (const object of announcedObjects(event)) {
    try {
      if (distributed?.takes(object)) {
        const execution = await distributed.start(object);
        logger.info("big file handed to the state machine", {
          key: object.key,
          size: object.size,
          ...execution,
        });
        continue;
      }
      const batch = await ingestBatch(context, object);
      logger.info("batch ingested", {
        key: object.key,
        status: batch?.status,
        accepted: batch?.accepted,
        rejected: batch?.rejected,
      });
    } catch (error) {
      logger.error("batch failed and will be retried", { key: object.key, error: error as Error });
      if (object.messageId) failures.push({ itemIdentifier: object.messageId });
      else throw error;
    }
  }
  return { batchItemFailures: failures };
}
