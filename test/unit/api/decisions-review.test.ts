import { describe, expect, it } from "vitest";
import { encodeCube } from "#domain/cube-codec.ts";
import { DEFAULT_POLICY, parsePolicy } from "#domain/policy.ts";
import type { ScoringResult } from "#domain/scoring.ts";
import { runScoring } from "#pipeline/score-run.ts";
import type { ServiceContext } from "#store/service-context.ts";
import { channelFixtureSales } from "#test-support/channel-fixture.ts";
import { MemoryBatchRepository } from "#test-support/memory-batches.ts";
import { MemoryBlobStore } from "#test-support/memory-blobs.ts";
import { MemoryConfigRepository, MemoryDecisionRepository } from "#test-support/memory-config.ts";
import { MemoryScoreRepository } from "#test-support/memory-scores.ts";
import { salesCube } from "#test-support/segment-sales.ts";
import { type ApiCall, authorised, type callApi, memoryApi, presigningBlobs, TOKENS } from "./api-harness.ts";

/**
 * "Needs review" when the numbers move: a leader's standing decision is put in question by a scoring
 * run that recommends something else, and stays in question until a leader decides again.
 */

/**
 * The scoring pipeline and the API sharing one decision store: `score()` runs a scoring run over the
 * fixture's sales, after which the API serves what that run wrote.
 */
async function system() {
  const decisions = new MemoryDecisionRepository();
  const blobs = new MemoryBlobStore();
  await blobs.put("partials/b-1.cube", encodeCube(salesCube(channelFixtureSales())));
  const scores = new MemoryScoreRepository();
  const config = new MemoryConfigRepository();
  let minute = 0;
  const runIds = ["run-1", "run-2", "run-3"];
  const pipeline: ServiceContext = {
    blobs,
    batches: new MemoryBatchRepository(),
    scores: scores,
    decisions,
    config,
    now: () => new Date(Date.UTC(2025, 2, 1, 8, minute++)),
    newId: () => runIds.shift() ?? "run-n",
  };
  let api: ((request: ApiCall) => ReturnType<typeof callApi>) | undefined;
  let latest: ScoringResult | undefined;

  return {
    config,
    async score() {
      const run = await runScoring(pipeline);
      const written = scores.writes.at(-1);
      if (!written) throw new Error("the run wrote no scores");
      latest = written.result;
      api = memoryApi({
        ...pipeline,
        scores: MemoryScoreRepository.withScores(latest, run.runId),
        blobs: presigningBlobs(),
      }).call;
    },
    call(request: ApiCall) {
      if (!api) throw new Error("score first");
      return api(request);
    },
    /** The latest run's segment of the channel scheme. */
    segment(segmentId: string) {
      const found = latest?.schemes.find((s) => s.id === "channel")?.segments.find((s) => s.id === segmentId);
      if (!found) throw new Error(`no channel segment ${segmentId}`);
      return found;
    },
  };
}

/** Leadership approves direct (choose) and online (develop); then a policy asking more growth of a niche is scored. */
async function approvedThenRescored() {
  const stores = await system();
  await stores.score();
  for (const segmentId of ["direct", "online"]) {
    await stores.call(
      authorised.post("leader", `/schemes/channel/segments/${segmentId}/decision`, { action: "approve" }),
    );
  }
  stores.config.current = parsePolicy({
    version: 2,
    thresholds: { ...DEFAULT_POLICY.thresholds, developGrowth: 90 },
  });
  await stores.score();
  return stores;
}

const reviews = authorised.get("planner", "/reviews");

describe("GET /reviews", () => {
  it("lists an approved segment whose recommendation a later run changed, with the run's recommendation and reasons", async () => {
    const stores = await approvedThenRescored();
    const online = stores.segment("online");
    expect(online.decision).toBe("fix");

    const answer = await stores.call(reviews);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      items: [
        {
          schemeId: "channel",
          segmentId: "online",
          status: "approved",
          decision: "develop",
          recommendation: "develop",
          by: "leader-1",
          at: expect.any(String),
          needsReview: true,
          review: { since: expect.any(String), newRecommendation: "fix", runId: "run-2" },
          current: {
            decision: "fix",
            reasons: JSON.parse(JSON.stringify(online.reasons)),
            profitClass: "niche",
            scores: online.scores,
            runId: "run-2",
          },
        },
      ],
    });
  });

  it("shows the review on the board, and deciding again clears it from both", async () => {
    const stores = await approvedThenRescored();
    const board = () => stores.call(authorised.get("leader", "/schemes/channel/decisions?list=fix"));
    expect((await board()).body.items).toContainEqual(
      expect.objectContaining({
        id: "online",
        decision: "fix",
        state: expect.objectContaining({ status: "approved", decision: "develop", needsReview: true }),
      }),
    );

    const again = await stores.call(
      authorised.post("leader", "/schemes/channel/segments/online/decision", {
        action: "override",
        decision: "develop",
        rationale: "Keep investing: the growth bar moved, not online.",
      }),
    );

    expect(again.status).toBe(201);
    expect((await stores.call(reviews)).body).toEqual({ items: [] });
    expect((await board()).body.items).toContainEqual(
      expect.objectContaining({
        id: "online",
        state: expect.objectContaining({ status: "overridden", decision: "develop", needsReview: false }),
      }),
    );
    const trail = await stores.call(
      authorised.get("planner", "/schemes/channel/segments/online/decision-history"),
    );
    expect(trail.body.items).toEqual([
      expect.objectContaining({ action: "override", from: "fix", to: "develop", runId: "run-2" }),
      expect.objectContaining({ action: "approve", from: "develop", to: "develop", runId: "run-1" }),
    ]);
  });

  it("is empty while every run agrees with what leadership decided", async () => {
    const stores = await system();
    await stores.score();
    await stores.call(
      authorised.post("leader", "/schemes/channel/segments/direct/decision", { action: "approve" }),
    );

    await stores.score();

    expect((await stores.call(reviews)).body).toEqual({ items: [] });
  });

  it("clears the review when a later run recommends again what leadership decided on", async () => {
    const stores = await approvedThenRescored();
    expect((await stores.call(reviews)).body).toMatchObject({ items: [{ segmentId: "online" }] });

    stores.config.current = parsePolicy({ version: 3 });
    await stores.score();

    expect(stores.segment("online").decision).toBe("develop");
    expect((await stores.call(reviews)).body).toEqual({ items: [] });
  });

  it("is read by planners and leaders; the ERP's ingest client gets 403", async () => {
    const stores = await system();
    await stores.score();

    expect((await stores.call({ ...reviews, claims: TOKENS.leader })).status).toBe(200);
    expect((await stores.call({ ...reviews, claims: TOKENS.ingest })).status).toBe(403);
  });
});
