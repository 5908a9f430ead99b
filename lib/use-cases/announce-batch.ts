import { isDeepStrictEqual } from "node:util";
import type { ColumnMapping } from "#ingest/mapping.ts";
import type { BatchRepository } from "#store/batch-repository.ts";
import type { BatchRecord } from "#store/records.ts";

/** A file of transactions as the ERP announces it: its batch id, its name, and how to read its columns. */
export interface BatchAnnouncement {
  readonly batchId: string;
  readonly fileName: string;
  readonly mapping?: ColumnMapping;
}

/**
 * A batch as it starts, waiting for its file: what an announcement, a small file sent in a request,
 * an upload nobody announced and the local stack's sample all store first.
 */
export function newBatch({ batchId, fileName, mapping }: BatchAnnouncement, at: Date): BatchRecord {
  const stamp = at.toISOString();
  return {
    batchId,
    fileName,
    ...(mapping && { mapping }),
    status: "awaiting_upload",
    createdAt: stamp,
    updatedAt: stamp,
  };
}

/** A re-send must mean the same batch: ingest reads a batch by its stored mapping, and would silently ignore another. */
export function keepsItsMapping(stored: BatchRecord, mapping: ColumnMapping | undefined): boolean {
  return isDeepStrictEqual(stored.mapping, mapping);
}

export type BatchAnnouncementOutcome =
  | { readonly outcome: "created" | "sent_again"; readonly batch: BatchRecord }
  | { readonly outcome: "mapping_conflict"; readonly batch: BatchRecord };

/**
 * Creates the announced batch, or finds the one announced before under its id; a re-send with
 * another column mapping is a conflict rather than a batch read the old way.
 */
export async function announceBatch(
  batches: Pick<BatchRepository, "createBatch">,
  announcement: BatchAnnouncement,
  at: Date,
): Promise<BatchAnnouncementOutcome> {
  const { created, batch } = await batches.createBatch(newBatch(announcement, at));
  if (created) return { outcome: "created", batch };
  if (!keepsItsMapping(batch, announcement.mapping)) return { outcome: "mapping_conflict", batch };
  return { outcome: "sent_again", batch };
}
