import { Logger } from "@aws-lambda-powertools/logger";
import { contextFromEnvironment } from "#pipeline/context-from-environment.ts";
import { mergePartsStep } from "#pipeline/distributed/merge.ts";
import { recordFailedIngestStep } from "#pipeline/distributed/record-failure.ts";
import { failedStepInputSchema, mergeStepInputSchema } from "#pipeline/distributed/steps.ts";
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
  if (failed.success) {
    const batch = await recordFailedIngestStep(context, failed.data);
    logger.error("a step failed after its retries: batch marked failed", {
      key: failed.data.object.key,
      failure: failed.data.failure,
      batchId: batch?.batchId,
      status: batch?.status,
    });
    return batch && { batchId: batch.batchId, status: batch.status };
  }
  const input = mergeStepInputSchema.parse(event);
  const { outcome, batch } = await mergePartsStep(context, input);
  const fields = {
    key: input.object.key,
    parts: input.parts.length,
    batchId: batch?.batchId,
    status: batch?.status,
  };
  if (outcome === "superseded")
    logger.warn("a newer upload replaced this one while its parts were read: nothing merged", fields);
  else if (outcome === "counted") logger.info("this content is counted already: nothing merged", fields);
  else if (batch?.status === "aggregated")
    logger.info("parts merged", { ...fields, accepted: batch.accepted, rejected: batch.rejected });
  else logger.warn("parts merged: the file failed", { ...fields, error: batch?.error });
  return batch && { batchId: batch.batchId, status: batch.status };
}
