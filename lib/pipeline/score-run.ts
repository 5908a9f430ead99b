import { Cube } from "#domain/cube.ts";
import { CubeFormatError, decodeCube } from "#domain/cube-codec.ts";
import { policyInForce } from "#domain/policy-change.ts";
import { type ScoringResult, scoreCube } from "#domain/scoring.ts";
import { BlobKeys } from "#store/blob-store.ts";
import type { RunRecord } from "#store/records.ts";
import { deleteOtherSegmentSnapshots, writeSegmentSnapshots } from "#store/segment-snapshots.ts";
import type { ServiceContext } from "#store/service-context.ts";

/** A stored partial cube, or an error naming the batch whose partial cannot be read. */
function decodePartial(bytes: Uint8Array, batchId: string): Cube {
  try {
    return decodeCube(bytes);
  } catch (error) {
    if (error instanceof CubeFormatError) {
      throw new CubeFormatError(`the partial cube of batch ${batchId}: ${error.message}`);
    }
    throw error;
  }
}

/**
 * One scoring run: merge every batch's partial cube, score with the policy in force, write each
 * scheme's segment snapshot (the planners' lists) and then only the segments that changed, record the
 * run, mark the batches scored, and delete the snapshots of earlier runs. Scoring reads all partials
 * each time, so runs are idempotent and the last one always reflects every aggregated batch. Runs are
 * expected one at a time: two at once could each delete the other's snapshots.
 */
export async function runScoring(context: ServiceContext): Promise<RunRecord> {
  const { blobs, scores } = context;
  const forces = (await context.config.listScenarios()).filter((force) => force.active);
  const runId = context.newId();
  const startedAt = context.now().toISOString();
  let mark = performance.now();
  const lap = () => {
    const elapsed = Math.round(performance.now() - mark);
    mark = performance.now();
    return elapsed;
  };

  const policy = policyInForce(await context.config.getPolicy());
  const cube = Cube.empty({ breadthDimension: policy.breadthDimension });
  const batchIds: string[] = [];
  for (const partial of await blobs.list(BlobKeys.partialsPrefix)) {
    const bytes = await blobs.getBytes(partial.key);
    if (!bytes) continue;
    const batchId = partial.key.slice(BlobKeys.partialsPrefix.length).replace(/\.cube$/, "");
    cube.mergeFrom(decodePartial(bytes, batchId));
    batchIds.push(batchId);
  }
  const merge = lap();
  const result = scoreCube(cube, policy, forces);
  const score = lap();
  // Before the scores: a scheme record names its run only once that run's snapshot is there to read.
  await writeSegmentSnapshots(blobs, result, runId);
  const written = await scores.writeScores(result, runId);
  await flagChangedRecommendations(context, result, runId);
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
  await scores.putRun(run);
  for (const batchId of batchIds) {
    await context.batches.updateBatch(
      batchId,
      { status: "scored", runId, updatedAt: context.now().toISOString() },
      { onlyIfStatusIn: ["aggregated", "scored"] },
    );
  }
  await deleteOtherSegmentSnapshots(blobs, runId);
  return run;
}

/**
 * A leader's standing decision is put in question when a run recommends something other than the
 * recommendation the leader decided on: it is flagged "needs review" until the leader decides again,
 * or until a later run recommends again what the leader decided on.
 */
async function flagChangedRecommendations(
  context: ServiceContext,
  result: ScoringResult,
  runId: string,
): Promise<void> {
  const since = context.now().toISOString();
  for (const scheme of result.schemes) {
    const states = await context.decisions.listStates(scheme.id);
    if (states.length === 0) continue;
    const recommended = new Map(scheme.segments.map((segment) => [segment.id, segment.decision]));
    for (const state of states) {
      const now = recommended.get(state.segmentId);
      if (now === undefined) continue;
      if (now === state.recommendation) {
        if (state.needsReview) await context.decisions.clearReview(state);
        continue;
      }
      if (state.needsReview && state.review?.newRecommendation === now) continue;
      await context.decisions.flagForReview(state, { since, newRecommendation: now, runId });
    }
  }
}
