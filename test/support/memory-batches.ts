import type { BatchChanges, BatchRepository } from "#store/batch-repository.ts";
import type { BatchRecord, BatchStatus, Page } from "#store/records.ts";
import type { PageRequest } from "#store/score-repository.ts";
import { pageOf } from "./memory-pages.ts";

/**
 * The batch repository in memory, with the adapter's semantics: conditional create and update, a
 * field given as undefined is removed, and lists newest first.
 */
export class MemoryBatchRepository implements BatchRepository {
  /** The stored batches by id. */
  readonly stored = new Map<string, BatchRecord>();
  /** Every batch update that was applied, in order. */
  readonly updates: Array<{ batchId: string; changes: BatchChanges }> = [];

  async createBatch(batch: BatchRecord): Promise<{ created: boolean; batch: BatchRecord }> {
    const existing = this.stored.get(batch.batchId);
    if (existing) return { created: false, batch: existing };
    this.stored.set(batch.batchId, withoutUndefined(batch));
    return { created: true, batch };
  }

  async getBatch(batchId: string): Promise<BatchRecord | undefined> {
    return this.stored.get(batchId);
  }

  async updateBatch(
    batchId: string,
    changes: BatchChanges,
    options: { onlyIfStatusIn?: readonly BatchStatus[] } = {},
  ): Promise<BatchRecord | undefined> {
    const existing = this.stored.get(batchId);
    if (!existing) return undefined;
    if (options.onlyIfStatusIn && !options.onlyIfStatusIn.includes(existing.status)) return undefined;
    const updated = withoutUndefined({ ...existing, ...changes });
    this.stored.set(batchId, updated);
    this.updates.push({ batchId, changes });
    return updated;
  }

  /** Newest first, as the adapter's list index sorts them: by creation time, then id. */
  async listBatches(page: PageRequest): Promise<Page<BatchRecord>> {
    const listKey = (batch: BatchRecord) => `${batch.createdAt}#${batch.batchId}`;
    const newestFirst = [...this.stored.values()].sort((a, b) => (listKey(a) < listKey(b) ? 1 : -1));
    return pageOf(newestFirst, page);
  }
}

function withoutUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
