import type { BatchRepository } from "#store/batch-repository.ts";
import type { BlobStore } from "#store/blob-store.ts";
import type { ConfigRepository } from "#store/config-repository.ts";
import type { DecisionRepository } from "#store/decision-repository.ts";
import type { ScoreRepository } from "#store/score-repository.ts";

/** What the pipeline steps and the API need from the outside world: the stores, a clock, ids. */
export interface ServiceContext {
  readonly blobs: BlobStore;
  readonly batches: BatchRepository;
  readonly scores: ScoreRepository;
  readonly decisions: DecisionRepository;
  readonly config: ConfigRepository;
  readonly now: () => Date;
  readonly newId: () => string;
}
