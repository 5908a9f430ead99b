import type { PipelineContext } from "#pipeline/pipeline-context.ts";
import { BlobKeys } from "#store/blob-store.ts";

/**
 * Asks for a scoring run without waiting for it, the way a new batch does: the trigger object's
 * event starts the score function in AWS and the local pipeline on one machine.
 */
export async function requestRescoring(context: PipelineContext, reason: string): Promise<void> {
  await context.blobs.put(
    BlobKeys.rescoreTrigger,
    JSON.stringify({ reason, requestedAt: context.now().toISOString() }),
    "application/json",
  );
}
