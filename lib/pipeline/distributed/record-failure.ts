import type { FailedStepInput } from "#pipeline/distributed/steps.ts";
import { batchIdOf } from "#pipeline/distributed/upload.ts";
import type { BatchRecord } from "#store/records.ts";
import type { ServiceContext } from "#store/service-context.ts";

/**
 * When a step failed past its retries (storage or service faults): marks the batch failed as
 * retryable, leaving the previous partial. Sending the file again is a new upload, and so starts a
 * new execution (see executionName), whatever became of this one.
 */
export async function recordFailedIngestStep(
  context: ServiceContext,
  { object, failure }: FailedStepInput,
): Promise<BatchRecord | undefined> {
  return context.batches.updateBatch(batchIdOf(object), {
    status: "failed",
    error: {
      code: "SERVICE_ERROR",
      message: `the file could not be ingested: a step failed after its retries (${failure.Error ?? "error"}: ${failure.Cause ?? "no cause given"}); send the file again to retry`,
      retryable: true,
    },
    updatedAt: context.now().toISOString(),
  });
}
