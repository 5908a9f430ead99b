import type { PartOutcome } from "#pipeline/distributed/part.ts";
import type { IngestPart } from "#pipeline/distributed/steps.ts";
import { batchIdOf, uploadId } from "#pipeline/distributed/upload.ts";
import type { UploadedObject } from "#pipeline/ingest-batch.ts";
import type { BlobStore } from "#store/blob-store.ts";

/**
 * Where the parts of an upload keep their results until the merge: a prefix with a short lifecycle,
 * a folder per batch and upload (see uploadId), so that two uploads never share a result.
 */
export const RangeKeys = {
  prefix: "ranges/",
  outcome: (batchId: string, upload: string, index: number) =>
    `ranges/${batchId}/${upload}/${partName(index)}.json`,
  cube: (batchId: string, upload: string, index: number) =>
    `ranges/${batchId}/${upload}/${partName(index)}.cube`,
} as const;

function partName(index: number): string {
  return String(index).padStart(5, "0");
}

/**
 * Stores a part's outcome under keys named by the batch, the upload and the part's index, so that a
 * re-run overwrites its own result and another upload never does: the cube as an object of its own,
 * the rest as JSON.
 */
export async function storePartOutcome(
  blobs: BlobStore,
  object: UploadedObject,
  outcome: PartOutcome,
): Promise<void> {
  const batchId = batchIdOf(object);
  const upload = uploadId(object);
  const { index } = outcome.part;
  if (!outcome.ok) {
    await blobs.put(RangeKeys.outcome(batchId, upload, index), JSON.stringify(outcome), "application/json");
    return;
  }
  const { cube, ...counts } = outcome;
  await blobs.put(RangeKeys.cube(batchId, upload, index), cube);
  // The outcome is written last: it is the mark that the part is complete.
  await blobs.put(RangeKeys.outcome(batchId, upload, index), JSON.stringify(counts), "application/json");
}

/** The stored outcomes of an upload's parts, in the order given, each cube read only when its part is reached. */
export async function* storedParts(
  blobs: BlobStore,
  object: UploadedObject,
  parts: readonly IngestPart[],
): AsyncGenerator<PartOutcome> {
  const batchId = batchIdOf(object);
  const upload = uploadId(object);
  for (const part of parts) {
    const key = RangeKeys.outcome(batchId, upload, part.index);
    const stored = await blobs.getBytes(key);
    if (!stored) throw new Error(`part ${part.index} of ${object.key} has no result at ${key}`);
    const outcome = JSON.parse(new TextDecoder().decode(stored)) as Omit<PartOutcome, "cube">;
    if (!outcome.ok) {
      yield outcome as PartOutcome;
      continue;
    }
    const cubeKey = RangeKeys.cube(batchId, upload, part.index);
    const cube = await blobs.getBytes(cubeKey);
    if (!cube) throw new Error(`part ${part.index} of ${object.key} has no cube at ${cubeKey}`);
    yield { ...outcome, cube } as PartOutcome;
  }
}
