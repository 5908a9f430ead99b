import type { BatchRecord, BatchStatus, Page } from "#store/records.ts";
import type { PageRequest } from "#store/score-repository.ts";

/** What may change on a stored batch: anything but its id and creation time; undefined removes a field. */
export type BatchChanges = Partial<Omit<BatchRecord, "batchId" | "createdAt">>;

/** The batches the service has been sent, from the upload URL to the scores. DynamoDB in AWS and locally. */
export interface BatchRepository {
  /** Creates the batch unless one with its id exists; either way returns the stored one. */
  createBatch(batch: BatchRecord): Promise<{ readonly created: boolean; readonly batch: BatchRecord }>;
  getBatch(batchId: string): Promise<BatchRecord | undefined>;
  /**
   * Applies the changes to an existing batch; with `onlyIfStatusIn`, only while its status is one of
   * those. Returns the batch as changed, or undefined when it does not exist or the condition failed.
   */
  updateBatch(
    batchId: string,
    changes: BatchChanges,
    options?: { readonly onlyIfStatusIn?: readonly BatchStatus[] },
  ): Promise<BatchRecord | undefined>;
  /** Most recent first. */
  listBatches(page: PageRequest): Promise<Page<BatchRecord>>;
}
