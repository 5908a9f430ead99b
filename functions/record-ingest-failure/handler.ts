import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { lambdaHandler, observabilityFor } from "#functions/observability.ts";
import { contextFromEnvironment } from "#pipeline/context-from-environment.ts";
import { recordFailedIngestStep } from "#pipeline/distributed/record-failure.ts";
import { failedStepInputSchema } from "#pipeline/distributed/steps.ts";
import type { BatchRecord } from "#store/records.ts";

const observability = observabilityFor("segment-focus-record-ingest-failure");
const context = contextFromEnvironment();

/**
 * The state machine's failure path, when a step failed past its retries: { object, failure } → the
 * batch marked failed as retryable, its previous partial left as it was.
 */
export const handler = lambdaHandler(
  observability,
  async (event: unknown): Promise<Pick<BatchRecord, "batchId" | "status"> | undefined> => {
    const input = failedStepInputSchema.parse(event);
    const batch = await recordFailedIngestStep(context, input);
    observability.logger.error("a step failed after its retries: batch marked failed", {
      key: input.object.key,
      failure: input.failure,
      batchId: batch?.batchId,
      status: batch?.status,
    });
    observability.metrics.addMetric("IngestsFailed", MetricUnit.Count, 1);
    return batch && { batchId: batch.batchId, status: batch.status };
  },
);
