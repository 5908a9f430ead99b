import { gzipSync } from "node:zlib";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { encodeCube } from "#domain/cube-codec.ts";
import { DEFAULT_POLICY } from "#domain/policy.ts";
import { type ScoringResult, scoreCube } from "#domain/scoring.ts";
import { runScoring } from "#pipeline/score-run.ts";
import {
  decodeSegmentSnapshot,
  encodeSegmentSnapshot,
  SegmentSnapshotError,
  SegmentSnapshotReader,
  segmentSnapshotKey,
  segmentSnapshotOf,
} from "#store/segment-snapshots.ts";
import type { ServiceContext } from "#store/service-context.ts";
import { channelFixtureSales } from "#test-support/channel-fixture.ts";
import { MemoryBatchRepository } from "#test-support/memory-batches.ts";
import { MemoryBlobStore } from "#test-support/memory-blobs.ts";
import { MemoryConfigRepository, MemoryDecisionRepository } from "#test-support/memory-config.ts";
import { MemoryScoreRepository } from "#test-support/memory-scores.ts";
import { salesCube } from "#test-support/segment-sales.ts";
import { TOKENS } from "../api/api-harness.ts";
import { segmentsApi } from "../api/segments-api.ts";

const SCHEMES = ["channel", "customer", "channel+category"];
const WHOLE: ScoringResult = scoreCube(salesCube(channelFixtureSales()), DEFAULT_POLICY);

let blobs: MemoryBlobStore;
let batches: MemoryBatchRepository;
let repository: MemoryScoreRepository;
let context: ServiceContext;

beforeEach(async () => {
  blobs = new MemoryBlobStore();
  batches = new MemoryBatchRepository();
  repository = new MemoryScoreRepository();
  const ids = ["run-1", "run-2", "run-3"];
  context = {
    blobs,
    batches,
    scores: repository,
    now: () => new Date("2025-01-10T03:00:00.000Z"),
    newId: () => ids.shift() ?? "run-n",
    decisions: new MemoryDecisionRepository(),
    config: new MemoryConfigRepository(),
  };
  await blobs.put("partials/b-1.cube", encodeCube(salesCube(channelFixtureSales())));
});

const snapshotKeys = async () => (await blobs.list("snapshots/")).map((blob) => blob.key);

async function storedSnapshot(runId: string, schemeId: string) {
  const bytes = await blobs.getBytes(segmentSnapshotKey(runId, schemeId));
  if (!bytes) throw new Error(`no snapshot of ${schemeId} from ${runId}`);
  return decodeSegmentSnapshot(bytes);
}

describe("a scoring run's segment snapshots", () => {
  it("holds every segment of every scheme with its list fields, gzipped under snapshots/{runId}/", async () => {
    await runScoring(context);

    expect(await snapshotKeys()).toEqual(
      SCHEMES.map((schemeId) => segmentSnapshotKey("run-1", schemeId)).sort(),
    );
    expect(blobs.objects.get("snapshots/run-1/channel+category.json.gz")?.contentType).toBe(
      "application/gzip",
    );
    for (const scheme of WHOLE.schemes) {
      expect(await storedSnapshot("run-1", scheme.id)).toEqual(segmentSnapshotOf(scheme, "run-1"));
    }
  });

  it("takes each segment's list fields from its scores, metrics and first reason", async () => {
    await runScoring(context);

    const snapshot = await storedSnapshot("run-1", "channel");
    const wholesale = WHOLE.schemes[0]?.segments.find((segment) => segment.id === "wholesale");
    expect(snapshot).toMatchObject({
      format: 1,
      schemeId: "channel",
      runId: "run-1",
      dimensions: ["channel"],
    });
    expect(snapshot.segments.find((segment) => segment.id === "wholesale")).toEqual({
      id: "wholesale",
      values: { channel: "wholesale" },
      decision: "fix",
      profitClass: "drain",
      scores: wholesale?.scores,
      revenue: 9600,
      profit: 1200,
      margin: wholesale?.metrics.margin,
      customers: 3,
      costToServeIntensity: 0.175,
      opportunity: wholesale?.metrics.opportunity,
      reason: wholesale?.reasons[0]?.message,
    });
    expect(snapshot.segments.find((segment) => segment.id === "warranty")?.costToServeIntensity).toBeNull();
  });

  it("is in the bucket before the scores that name its run are written", async () => {
    const writeScores = repository.writeScores.bind(repository);
    let presentWhenScoresWritten: string[] = [];
    repository.writeScores = async (result, runId) => {
      presentWhenScoresWritten = await snapshotKeys();
      return writeScores(result, runId);
    };

    await runScoring(context);

    expect(presentWhenScoresWritten).toHaveLength(SCHEMES.length);
  });

  it("replaces the previous run's snapshots once the new run is complete", async () => {
    await runScoring(context);
    await runScoring(context);

    expect(await snapshotKeys()).toEqual(
      SCHEMES.map((schemeId) => segmentSnapshotKey("run-2", schemeId)).sort(),
    );
  });

  it("keeps the previous run's snapshots when the scores cannot be written, so lists still answer", async () => {
    await runScoring(context);
    repository.writeFault = new Error("DynamoDB left 3 writes unprocessed after 8 attempts");

    await expect(runScoring(context)).rejects.toThrow("unprocessed");

    const keys = await snapshotKeys();
    for (const schemeId of SCHEMES) expect(keys).toContain(segmentSnapshotKey("run-1", schemeId));
  });

  it("is what the API lists after the run", async () => {
    const run = await runScoring(context);
    const written = repository.writes[0]?.result as ScoringResult;
    const api = await segmentsApi(written, run.runId, blobs);
    const getBytes = vi.spyOn(blobs, "getBytes");

    const answer = await api.call({
      method: "GET",
      path: "/schemes/customer/segments?sort=revenue&limit=3",
      claims: TOKENS.planner,
    });

    expect(answer.body.items.map((segment: { id: string }) => segment.id)).toEqual(["W1", "D1", "D2"]);
    expect(answer.body.total).toBe(16);
    expect(getBytes).toHaveBeenCalledWith(segmentSnapshotKey("run-1", "customer"));
  });
});

describe("reading snapshots", () => {
  const channel = () => segmentSnapshotOf(WHOLE.schemes[0] as ScoringResult["schemes"][number], "run-1");

  async function store(runId: string, schemeIndex: number) {
    const scheme = WHOLE.schemes[schemeIndex] as ScoringResult["schemes"][number];
    await blobs.put(
      segmentSnapshotKey(runId, scheme.id),
      await encodeSegmentSnapshot(segmentSnapshotOf(scheme, runId)),
    );
    return scheme.id;
  }

  it("reads a snapshot from the bucket once, and shares one load between concurrent reads", async () => {
    await store("run-1", 0);
    const reader = new SegmentSnapshotReader(blobs);
    const getBytes = vi.spyOn(blobs, "getBytes");

    const [first, second] = await Promise.all([
      reader.read("channel", "run-1"),
      reader.read("channel", "run-1"),
    ]);
    const third = await reader.read("channel", "run-1");

    expect(first).toEqual(channel());
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(getBytes).toHaveBeenCalledTimes(1);
  });

  it("does not remember a snapshot that is missing, so it is read once it is there", async () => {
    const reader = new SegmentSnapshotReader(blobs);
    expect(await reader.read("channel", "run-1")).toBeUndefined();

    await store("run-1", 0);

    expect(await reader.read("channel", "run-1")).toEqual(channel());
  });

  it("forgets a scheme's older run when it reads a newer one", async () => {
    await store("run-1", 0);
    await store("run-2", 0);
    const reader = new SegmentSnapshotReader(blobs);
    const getBytes = vi.spyOn(blobs, "getBytes");

    await reader.read("channel", "run-1");
    await reader.read("channel", "run-2");
    await reader.read("channel", "run-2");
    await reader.read("channel", "run-1");

    expect(getBytes.mock.calls.map(([key]) => key)).toEqual([
      "snapshots/run-1/channel.json.gz",
      "snapshots/run-2/channel.json.gz",
      "snapshots/run-1/channel.json.gz",
    ]);
  });

  it("keeps no more segments than its budget, forgetting the least recently read first", async () => {
    for (const index of [0, 1, 2]) await store("run-1", index);
    // channel has 6 segments, customer 16, channel+category 7: two of them fit in 23.
    const reader = new SegmentSnapshotReader(blobs, 23);
    const getBytes = vi.spyOn(blobs, "getBytes");

    await reader.read("channel", "run-1");
    await reader.read("customer", "run-1");
    await reader.read("channel", "run-1");
    await reader.read("channel+category", "run-1");
    await reader.read("channel", "run-1");
    await reader.read("customer", "run-1");

    expect(getBytes.mock.calls.map(([key]) => key)).toEqual([
      "snapshots/run-1/channel.json.gz",
      "snapshots/run-1/customer.json.gz",
      "snapshots/run-1/channel+category.json.gz",
      "snapshots/run-1/customer.json.gz",
    ]);
  });

  it("refuses an object that is not a gzipped snapshot of this format, and tries again on the next read", async () => {
    const key = segmentSnapshotKey("run-1", "channel");
    const reader = new SegmentSnapshotReader(blobs);

    await blobs.put(key, "plain text");
    await expect(reader.read("channel", "run-1")).rejects.toThrow(SegmentSnapshotError);

    await blobs.put(key, gzipSync(JSON.stringify({ ...channel(), format: 2 })));
    await expect(reader.read("channel", "run-1")).rejects.toThrow("format: Invalid input: expected 1");

    await blobs.put(key, await encodeSegmentSnapshot(channel()));
    expect(await reader.read("channel", "run-1")).toEqual(channel());
  });

  it("refuses a snapshot stored under another scheme's or run's key", async () => {
    await blobs.put(segmentSnapshotKey("run-2", "channel"), await encodeSegmentSnapshot(channel()));
    const reader = new SegmentSnapshotReader(blobs);

    await expect(reader.read("channel", "run-2")).rejects.toThrow(
      'snapshots/run-2/channel.json.gz holds scheme "channel" of run "run-1", not "channel" of "run-2"',
    );
  });
});
