import { Cube } from "#domain/cube.ts";
import { decodeCube } from "#domain/cube-codec.ts";
import type { ForceOfChange } from "#domain/forces.ts";
import { DEFAULT_POLICY } from "#domain/policy.ts";
import { scoreCube } from "#domain/scoring.ts";
import type { PipelineContext } from "#pipeline/pipeline-context.ts";
import { BlobKeys } from "#store/blob-store.ts";
import type { RunRecord } from "#store/records.ts";

/**
 * One scoring run: merge every batch's partial cube, score with the policy in force, write only the
 * segments that changed, record the run, and mark the batches scored. Scoring reads all partials each
 * time, so runs are idempotent and the last one always reflects every aggregated batch.
 */
export async function runScoring(
  context: PipelineContext,
  forces: readonly ForceOfChange[] = [],
): Promise<RunRecord> {
  const { blobs, repository } = context;
  const runId = context.newId();
  const startedAt = context.now().toISOString();
  let mark = performance.now();
  const lap = () => {
    const elapsed = Math.round(performance.now() - mark);
    mark = performance.now();
    return elapsed;
  };

  const policy = (await repository.getPolicy()) ?? DEFAULT_POLICY;
  const cube = Cube.empty({ breadthDimension: policy.breadthDimension });
  const batchIds: string[] = [];
  for (const partial of await blobs.list(BlobKeys.partialsPrefix)) {
    const bytes = await blobs.getBytes(partial.key);
    if (!bytes) continue;
    cube.mergeFrom(decodeCube(bytes));
    batchIds.push(partial.key.slice(BlobKeys.partialsPrefix.length).replace(/\.cube$/, ""));
  }
  const merge = lap();
  const result = scoreCube(cube, policy, forces);
  const score = lap();
  const written = await repository.writeScores(result, runId);
  const write = lap();

  const run: RunRecord = {
    runId,
    startedAt,
    finishedAt: context.now().toISOString(),
    policyVersion: policy.version,
    batchIds,
    segmentsWritten: written.written,
    segmentsUnchanged: written.unchanged,
    segmentsRemoved: written.removed,
    timingsMs: { merge, score, write },
  };
  await repository.putRun(run);
  for (const batchId of batchIds) {
    await repository.updateBatch(
      batchId,
      { status: "scored", runId, updatedAt: context.now().toISOString() },
      { onlyIfStatusIn: ["aggregated", "scored"] },
    );
  }
  return run;
}
