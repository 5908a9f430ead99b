import { Cube } from "#domain/cube.ts";
import { decodeCube } from "#domain/cube-codec.ts";
import { assertFileAccepted } from "#ingest/file-verdict.ts";
import { FIRST_REJECTS_KEPT, type IngestOptions, type IngestReport } from "#ingest/ingest.ts";
import type { Reject } from "#ingest/reject.ts";
import type { PartOutcome } from "#pipeline/distributed/part.ts";
import { partFailure } from "#pipeline/distributed/part-failure.ts";
import { storedParts } from "#pipeline/distributed/part-storage.ts";
import type { MergeResult, MergeStepInput } from "#pipeline/distributed/steps.ts";
import { batchIdOf } from "#pipeline/distributed/upload.ts";
import { completeIngest, isCounted } from "#pipeline/ingest-batch.ts";
import { ObjectSuperseded } from "#store/blob-store.ts";
import type { ServiceContext } from "#store/service-context.ts";

/**
 * Merges the parts of one upload, in file order, into the report of reading it whole: the same
 * cube, counts and line numbers. Each reject goes to `onReject` renumbered to its line in the file;
 * the first part that could not be read fails the file, naming the part and, where it has one, the
 * line in the file; past the reject ratio of the whole file, the file fails with its first problems.
 * A part that found a newer upload in this one's place throws ObjectSuperseded.
 *
 * Parts are taken one at a time and each cube is decoded, merged and dropped before the next is
 * read: memory holds the merged cube and one part's, however many parts there are.
 */
export async function mergeParts(
  parts: AsyncIterable<PartOutcome> | Iterable<PartOutcome>,
  options: Pick<IngestOptions, "file" | "rejectRatio" | "breadthDimension" | "onReject">,
  partCount?: number,
): Promise<IngestReport> {
  const cube = Cube.empty({ breadthDimension: options.breadthDimension });
  const firstRejects: Reject[] = [];
  let first: Extract<PartOutcome, { ok: true }> | undefined;
  let rows = 0;
  let rejected = 0;
  let linesBefore = 0;
  for await (const part of parts) {
    if (!part.ok)
      throw "superseded" in part
        ? new ObjectSuperseded(part.message)
        : partFailure(part, linesBefore, partCount);
    first ??= part;
    rows += part.rows;
    rejected += part.rejected;
    for (const reject of part.rejects) {
      // A range's line 1 is its (borrowed) header, line 2 its first own line.
      const renumbered = { ...reject, line: reject.line + linesBefore };
      if (firstRejects.length < FIRST_REJECTS_KEPT) firstRejects.push(renumbered);
      options.onReject?.(renumbered);
    }
    linesBefore += part.lines - 1;
    cube.mergeFrom(decodeCube(part.cube));
  }
  const headers = first?.headers ?? [];
  assertFileAccepted({
    file: options.file,
    headers,
    rows,
    rejected,
    firstRejects,
    rejectRatio: options.rejectRatio,
  });
  return {
    file: options.file,
    format: first?.format ?? "csv",
    headers,
    schemes: first?.schemes ?? [],
    rows,
    accepted: rows - rejected,
    rejected,
    firstRejects,
    lines: linesBefore + 1,
    cube,
  };
}

/**
 * Step 3. Merges the stored parts into the batch's partial, rejects file and status, as ingestBatch
 * does for a file read whole; a bad part fails the batch and leaves the previous partial. Content
 * already counted is left as it is, so a re-run changes nothing; so is everything when a part found
 * a newer upload in this one's place: that upload's own ingest settles the batch.
 */
export async function mergePartsStep(
  context: ServiceContext,
  { object, settings, startedAt, parts }: MergeStepInput,
): Promise<MergeResult> {
  const known = await context.batches.getBatch(batchIdOf(object));
  if (known && isCounted(known, object.etag)) return { outcome: "counted", batch: known };
  let superseded = false;
  const batch = await completeIngest(
    context,
    object,
    async (onReject) => {
      try {
        return await mergeParts(
          storedParts(context.blobs, object, parts),
          { ...settings, onReject },
          parts.length,
        );
      } catch (error) {
        superseded = error instanceof ObjectSuperseded;
        throw error;
      }
    },
    { elapsedMs: () => context.now().getTime() - Date.parse(startedAt) },
  );
  return { outcome: superseded ? "superseded" : "merged", batch };
}
