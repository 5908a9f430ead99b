import { Logger } from "@aws-lambda-powertools/logger";
import { contextFromEnvironment } from "#pipeline/context-from-environment.ts";
import {
  failedStepInputSchema,
  mergePartsStep,
  mergeStepInputSchema,
  recordFailedIngestStep,
} from "#pipeline/distributed-ingest.ts";
import type { BatchRecord } from "#store/records.ts";

const logger = new Logger({ serviceName: "segment-focus-merge-ranges" });
const context = contextFromEnvironment();

/**
 * The state machine's last step: the parts → the batch's partial, rejects and status (whose
 * partials/ object event starts scoring, as for a small file); or, on its failure path, the batch
 * marked failed as retryable.
 */
export async function handler(event: unknown): Promise<Pick<BatchRecord, "batchId" | "status"> | undefined> {
  const failed = failedStepInputSchema.safeParse(event);
  const batch = failed.success
    ? await recordFailedIngestStep(context, failed.data)
    : await mergePartsStep(context, mergeStepInputSchema.parse(event));
  logger.info("parts merged", { batchId: batch?.batchId, status: batch?.status, error: batch?.error });
  return batch && { batchId: batch.batchId, status: batch.status };
}
