import type { BlobStore } from "#store/blob-store.ts";
import type { ScoreRepository } from "#store/score-repository.ts";

/** What the pipeline steps need from the outside world: the two stores, a clock, ids. */
export interface PipelineContext {
  readonly blobs: BlobStore;
  readonly repository: ScoreRepository;
  readonly now: () => Date;
  readonly newId: () => string;
}
