import { countLines, lambdaHandler, observabilityFor } from "#functions/observability.ts";
import { contextFromEnvironment } from "#pipeline/context-from-environment.ts";
import { mergePartsStep } from "#pipeline/distributed/merge.ts";
import { mergeStepInputSchema } from "#pipeline/distributed/steps.ts";
import type { BatchRecord } from "#store/records.ts";

const observability = observabilityFor("segment-focus-merge-ranges");
const { logger } = observability;
const context = contextFromEnvironment();

/**
 * The state machine's last step: the parts → the batch's partial, rejects and status (whose
 * partials/ object event starts scoring, as for a small file).
 */
export const handler = lambdaHandler(
  observability,
  async (event: unknown): Promise<Pick<BatchRecord, "batchId" | "status"> | undefined> => {
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
    countLines(observability.metrics, outcome === "merged" ? batch : undefined);
    return batch && { batchId: batch.batchId, status: batch.status };
  },
);
