import { ingestBatch, type UploadedObject } from "#pipeline/ingest-batch.ts";
import type { DistributedIngest, ExecutionStart } from "#store/distributed-ingest-execution.ts";
import type { BatchRecord } from "#store/records.ts";
import type { ServiceContext } from "#store/service-context.ts";

/** Which path an upload took: handed to the Distributed Map (its execution), or ingested whole (its batch). */
export type UploadIngest =
  | { readonly path: "distributed"; readonly execution: ExecutionStart }
  | { readonly path: "whole"; readonly batch: BatchRecord | undefined };

/**
 * Ingests one announced upload on the path its size calls for: one past the threshold goes to the
 * Distributed Map state machine, where there is one; any other is ingested whole, by the caller.
 */
export async function ingestUpload(
  context: ServiceContext,
  distributed: DistributedIngest | undefined,
  object: UploadedObject,
): Promise<UploadIngest> {
  if (distributed?.takes(object)) return { path: "distributed", execution: await distributed.start(object) };
  return { path: "whole", batch: await ingestBatch(context, object) };
}
