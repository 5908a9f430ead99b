import { BlobKeys } from "#store/blob-store.ts";
import type { ServiceContext } from "#store/service-context.ts";

/**
 * Asks for a scoring run without waiting for it, the way a new batch does: the trigger object's
 * event starts the score function in AWS and the local pipeline on one machine.
 */
export async function requestRescoring(context: ServiceContext, reason: string): Promise<void> {
  await context.blobs.put(
    BlobKeys.rescoreTrigger,
    JSON.stringify({ reason, requestedAt: context.now().toISOString() }),
    "application/json",
  );
}
