import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { S3Event, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { countLines, lambdaHandler, observabilityFor } from "#functions/observability.ts";
import { contextFromEnvironment } from "#pipeline/context-from-environment.ts";
import type { UploadedObject } from "#pipeline/ingest-batch.ts";
import { ingestUpload, type UploadIngest } from "#pipeline/ingest-upload.ts";
import { announcedObjects } from "#pipeline/s3-notifications.ts";
import { distributedIngestFromEnvironment } from "#store/distributed-ingest-execution.ts";

const observability = observabilityFor("segment-focus-ingest");
const { logger, metrics } = observability;
const context = contextFromEnvironment();
const distributed = distributedIngestFromEnvironment();

/**
 * S3 ObjectCreated under incoming/ (through SQS) → the batch's partial cube and status; an upload
 * past the size threshold goes to the Distributed Map state machine instead.
 */
export const handler = lambdaHandler(
  observability,
  async (event: SQSEvent | S3Event): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse["batchItemFailures"] = [];
    for (const object of announcedObjects(event)) {
      try {
        logIngest(object, await ingestUpload(context, distributed, object));
      } catch (error) {
        logger.error("batch failed and will be retried", { key: object.key, error: error as Error });
        metrics.addMetric("IngestRetries", MetricUnit.Count, 1);
        if (object.messageId) failures.push({ itemIdentifier: object.messageId });
        else throw error;
      }
    }
    return { batchItemFailures: failures };
  },
);

function logIngest(object: UploadedObject, ingested: UploadIngest): void {
  if (ingested.path === "whole") {
    const { batch } = ingested;
    countLines(metrics, batch);
    logger.info("batch ingested", {
      key: object.key,
      status: batch?.status,
      accepted: batch?.accepted,
      rejected: batch?.rejected,
    });
    return;
  }
  const { execution } = ingested;
  metrics.addMetric("DistributedIngestsStarted", MetricUnit.Count, execution.started ? 1 : 0);
  const fields = { key: object.key, size: object.size, ...execution };
  if (execution.started) logger.info("big file handed to the state machine", fields);
  else if (execution.status === "SUCCEEDED")
    logger.info("this upload's execution has ended already: none started", fields);
  // A redelivered message of an upload whose execution failed: the batch says why and to send the file again.
  else logger.warn("this upload's execution has ended without success: none started", fields);
}
