import type { ScoringResult } from "#domain/scoring.ts";
import { writeSegmentSnapshots } from "#store/segment-snapshots.ts";
import { MemoryBlobStore } from "#test-support/memory-blobs.ts";
import { MemoryScoreRepository } from "#test-support/memory-scores.ts";
import { memoryApi } from "./api-harness.ts";

/**
 * The API over one scoring run as the pipeline leaves it: the scores in the repository, and each
 * scheme's segment snapshot in the bucket. Pass the bucket of an earlier setup to see a later run.
 */
export async function segmentsApi(
  result: ScoringResult,
  runId = "run-1",
  blobs: MemoryBlobStore = new MemoryBlobStore(),
) {
  await writeSegmentSnapshots(blobs, result, runId);
  const repository = MemoryScoreRepository.withScores(result, runId);
  const { call } = memoryApi({ scores: repository, blobs });
  return { blobs, repository, call };
}

/** What a value looks like after a trip through JSON, as the client receives it. */
export function asJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
