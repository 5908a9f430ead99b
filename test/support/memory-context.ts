import type { ServiceContext } from "#store/service-context.ts";
import { MemoryBatchRepository } from "./memory-batches.ts";
import { MemoryBlobStore } from "./memory-blobs.ts";
import { MemoryConfigRepository, MemoryDecisionRepository } from "./memory-config.ts";
import { MemoryScoreRepository } from "./memory-scores.ts";

/** A ServiceContext whose stores are fresh in-memory fakes, typed as such so tests can look inside. */
export interface MemoryContext extends ServiceContext {
  readonly blobs: MemoryBlobStore;
  readonly batches: MemoryBatchRepository;
  readonly scores: MemoryScoreRepository;
  readonly decisions: MemoryDecisionRepository;
  readonly config: MemoryConfigRepository;
}

/** Empty in-memory stores, with the test's own clock and id source. */
export function memoryContext(clock: Pick<ServiceContext, "now" | "newId">): MemoryContext {
  return {
    blobs: new MemoryBlobStore(),
    batches: new MemoryBatchRepository(),
    scores: new MemoryScoreRepository(),
    decisions: new MemoryDecisionRepository(),
    config: new MemoryConfigRepository(),
    ...clock,
  };
}
