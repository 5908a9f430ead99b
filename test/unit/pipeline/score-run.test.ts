import { beforeEach, describe, expect, it } from "vitest";
import type { Cube } from "#domain/cube.ts";
import { encodeCube } from "#domain/cube-codec.ts";
import { DEFAULT_POLICY, parsePolicy } from "#domain/policy.ts";
import { type ScoringResult, scoreCube } from "#domain/scoring.ts";
import { runScoring } from "#pipeline/score-run.ts";
import type { BatchRecord, BatchStatus } from "#store/records.ts";
import { channelFixtureSales } from "#test-support/channel-fixture.ts";
import type { MemoryBatchRepository } from "#test-support/memory-batches.ts";
import type { MemoryBlobStore } from "#test-support/memory-blobs.ts";
import type { MemoryConfigRepository } from "#test-support/memory-config.ts";
import { type MemoryContext, memoryContext } from "#test-support/memory-context.ts";
import type { MemoryScoreRepository } from "#test-support/memory-scores.ts";
import { salesCube } from "#test-support/segment-sales.ts";

const SALES = channelFixtureSales();
/** The fixture's sales split three ways by channel, as three ERP batches would send them. */
const PARTS: Record<string, readonly string[]> = {
  "b-1": ["direct", "online"],
  "b-2": ["wholesale", "outlet"],
  "b-3": ["warranty", "pilot"],
};

let blobs: MemoryBlobStore;
let batches: MemoryBatchRepository;
let repository: MemoryScoreRepository;
let config: MemoryConfigRepository;
let context: MemoryContext;
let clock: number;

beforeEach(() => {
  clock = Date.parse("2025-01-10T03:00:00.000Z");
  const ids = ["run-1", "run-2", "run-3"];
  context = memoryContext({
    now: () => {
      clock += 1_000;
      return new Date(clock);
    },
    newId: () => ids.shift() ?? "run-n",
  });
  ({ blobs, batches, scores: repository, config } = context);
});

function partCube(batchId: string): Cube {
  const channels = PARTS[batchId] ?? [];
  return salesCube(SALES.filter((sale) => channels.includes(sale.channel)));
}

/** A batch whose partial is in the bucket, with the given status. */
async function batchWithPartial(batchId: string, status: BatchStatus): Promise<void> {
  const batch: BatchRecord = {
    batchId,
    fileName: `${batchId}.csv`,
    status,
    createdAt: "2025-01-10T01:00:00.000Z",
    updatedAt: "2025-01-10T01:00:00.000Z",
  };
  await batches.createBatch(batch);
  await blobs.put(`partials/${batchId}.cube`, encodeCube(partCube(batchId)));
}

/** A scoring result in an order-free form: segments by scheme and id. */
function bySegment(result: ScoringResult) {
  return Object.fromEntries(
    result.schemes.map((scheme) => [
      scheme.id,
      Object.fromEntries(scheme.segments.map((segment) => [segment.id, segment])),
    ]),
  );
}

describe("runScoring", () => {
  it("scores the merge of every batch's partial, as if all the sales had come in one file", async () => {
    await batchWithPartial("b-1", "aggregated");
    await batchWithPartial("b-2", "aggregated");
    await batchWithPartial("b-3", "aggregated");

    await runScoring(context);

    const written = repository.writes[0];
    expect(written?.runId).toBe("run-1");
    const whole = scoreCube(salesCube(SALES), DEFAULT_POLICY);
    expect(bySegment(written?.result as ScoringResult)).toEqual(bySegment(whole));
  });

  it("records the run: its id, policy version, batches, what was written, and when", async () => {
    await batchWithPartial("b-1", "aggregated");
    await batchWithPartial("b-2", "scored");
    config.current = parsePolicy({ version: 4 });

    const run = await runScoring(context);

    const merged = partCube("b-1").mergeFrom(partCube("b-2"));
    const segments = scoreCube(merged, DEFAULT_POLICY).schemes.reduce(
      (n, scheme) => n + scheme.segments.length,
      0,
    );
    expect(run).toMatchObject({
      runId: "run-1",
      startedAt: "2025-01-10T03:00:01.000Z",
      policyVersion: 4,
      batchIds: ["b-1", "b-2"],
      segmentsWritten: segments,
      segmentsUnchanged: 0,
      segmentsRemoved: 0,
    });
    expect(run.finishedAt > run.startedAt).toBe(true);
    expect(Object.keys(run.timingsMs).sort()).toEqual(["merge", "score", "write"]);
    expect(repository.runs).toEqual([run]);
  });

  it("marks aggregated and scored batches scored by this run, and leaves the others as they are", async () => {
    await batchWithPartial("b-1", "aggregated");
    await batchWithPartial("b-2", "scored");
    await batchWithPartial("b-3", "failed");
    await batches.createBatch({
      batchId: "b-4",
      fileName: "b-4.csv",
      status: "ingesting",
      createdAt: "2025-01-10T02:00:00.000Z",
      updatedAt: "2025-01-10T02:00:00.000Z",
    });

    const run = await runScoring(context);

    expect(run.batchIds).toEqual(["b-1", "b-2", "b-3"]);
    const status = (batchId: string) => batches.stored.get(batchId);
    expect(status("b-1")).toMatchObject({ status: "scored", runId: "run-1" });
    expect(status("b-2")).toMatchObject({ status: "scored", runId: "run-1" });
    expect(status("b-3")).toMatchObject({ status: "failed" });
    expect(status("b-3")?.runId).toBeUndefined();
    expect(status("b-4")).toMatchObject({ status: "ingesting" });
  });

  it("writes only what changed on a second run over the same partials", async () => {
    await batchWithPartial("b-1", "aggregated");
    const first = await runScoring(context);

    const second = await runScoring(context);

    expect(second).toMatchObject({
      runId: "run-2",
      segmentsWritten: 0,
      segmentsUnchanged: first.segmentsWritten,
      segmentsRemoved: 0,
    });
    expect(batches.stored.get("b-1")).toMatchObject({ status: "scored", runId: "run-2" });
  });

  it("scores with the policy in force", async () => {
    await batchWithPartial("b-1", "aggregated");
    const policy = parsePolicy({ version: 2, focus: { profitability: 1, growth: 0, defensibility: 0 } });
    config.current = policy;

    await runScoring(context);

    const written = repository.writes[0]?.result as ScoringResult;
    expect(written.policyVersion).toBe(2);
    expect(bySegment(written)).toEqual(bySegment(scoreCube(partCube("b-1"), policy)));
  });

  it("skips a partial that vanishes between the listing and the read", async () => {
    await batchWithPartial("b-1", "aggregated");
    await batchWithPartial("b-2", "aggregated");
    const list = blobs.list.bind(blobs);
    blobs.list = async (prefix) => {
      const listed = await list(prefix);
      await blobs.delete("partials/b-2.cube");
      return listed;
    };

    const run = await runScoring(context);

    expect(run.batchIds).toEqual(["b-1"]);
    expect(batches.stored.get("b-2")).toMatchObject({ status: "aggregated" });
  });

  it("refuses a partial of cube format 1, naming its batch, and records no run", async () => {
    await batchWithPartial("b-1", "aggregated");
    const old = encodeCube(partCube("b-2"));
    old[6] = 1;
    await blobs.put("partials/b-2.cube", old);

    await expect(runScoring(context)).rejects.toThrow(
      /partial cube of batch b-2: cube format version 1 is not supported.*send its batch again/,
    );
    expect(repository.runs).toEqual([]);
  });

  it("records no run and marks no batch when the scores cannot be written", async () => {
    await batchWithPartial("b-1", "aggregated");
    repository.writeFault = new Error("DynamoDB left 3 writes unprocessed after 8 attempts");

    await expect(runScoring(context)).rejects.toThrow("unprocessed after 8 attempts");

    expect(repository.runs).toEqual([]);
    expect(batches.stored.get("b-1")).toMatchObject({ status: "aggregated" });
  });
});
