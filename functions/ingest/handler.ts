import { Logger } from "@aws-lambda-powertools/logger";
import type { S3Event, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { contextFromEnvironment } from "#pipeline/context-from-environment.ts";
import { ingestBatch } from "#pipeline/ingest-batch.ts";
import { announcedObjects } from "#pipeline/s3-notifications.ts";
import { distributedIngestFromEnvironment } from "#store/distributed-ingest-execution.ts";

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
        const fields = { key: object.key, size: object.size, ...execution };
        if (execution.started) logger.info("big file handed to the state machine", fields);
        else if (execution.status === "SUCCEEDED")
          logger.info("this upload's execution has ended already: none started", fields);
        // A redelivered message of an upload whose execution failed: the batch says why and to send the file again.
        else logger.warn("this upload's execution has ended without success: none started", fields);
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
