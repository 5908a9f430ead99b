import type { ScoringResult } from "#domain/scoring.ts";
import { createApiHandler } from "#functions/api/handler.ts";
import { writeSegmentSnapshots } from "#store/segment-snapshots.ts";
import { MemoryBatchRepository } from "../../support/memory-batches.ts";
import { MemoryBlobStore } from "../../support/memory-blobs.ts";
import { MemoryConfigRepository, MemoryDecisionRepository } from "../../support/memory-config.ts";
import { MemoryScoreRepository } from "../../support/memory-scores.ts";
import { type ApiCall, callApi, quietObservability } from "./api-harness.ts";

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
  const batches = new MemoryBatchRepository();
  const repository = MemoryScoreRepository.withScores(result, runId);
  const handler = createApiHandler(
    {
      batches,
      scores: repository,
      blobs,
      now: () => new Date("2025-03-01T08:00:00.000Z"),
      newId: () => "generated-id-1",
      decisions: new MemoryDecisionRepository(),
      config: new MemoryConfigRepository(),
    },
    quietObservability(),
  );
  return { blobs, repository, call: (request: ApiCall) => callApi(handler, request) };
}

/** What a value looks like after a trip through JSON, as the client receives it. */
export function asJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
