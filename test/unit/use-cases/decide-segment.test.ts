import { describe, expect, it } from "vitest";
import type { LeaderAct } from "#domain/leader-decision.ts";
import { DEFAULT_POLICY } from "#domain/policy.ts";
import { scoreCube } from "#domain/scoring.ts";
import { channelFixtureSales } from "#test-support/channel-fixture.ts";
import { MemoryDecisionRepository } from "#test-support/memory-config.ts";
import { MemoryScoreRepository } from "#test-support/memory-scores.ts";
import { salesCube } from "#test-support/segment-sales.ts";
import { decideSegment } from "#use-cases/decide-segment.ts";

const AT = new Date("2025-03-01T08:00:00.000Z");

/** The fixture's scores as run-1 stored them; wholesale is a drain, recommended "fix". */
function stores() {
  const decisions = new MemoryDecisionRepository();
  const scores = MemoryScoreRepository.withScores(
    scoreCube(salesCube(channelFixtureSales()), DEFAULT_POLICY),
    "run-1",
  );
  return { scores, decisions, now: () => AT };
}

/** Lee's act on a segment of the channel scheme. */
function decide(ports: ReturnType<typeof stores>, segmentId: string, act: LeaderAct) {
  return decideSegment(ports, { schemeId: "channel", segmentId, act, by: "lee" });
}

describe("decideSegment", () => {
  it("records an override in the audit trail and makes it the standing decision", async () => {
    const ports = stores();
    const act = { action: "override", decision: "decline", rationale: "we leave wholesale" } as const;
    const decided = await decide(ports, "wholesale", act);
    expect(decided).toMatchObject({
      outcome: "decided",
      state: { status: "overridden", decision: "decline", recommendation: "fix", by: "lee" },
    });
    expect(ports.decisions.entries).toEqual([
      expect.objectContaining({ from: "fix", to: "decline", at: AT.toISOString(), runId: "run-1" }),
    ]);
  });

  it("refuses an override to the recommendation itself, recording nothing", async () => {
    const ports = stores();
    const act = { action: "override", decision: "fix", rationale: "fix it as recommended" } as const;
    const decided = await decide(ports, "wholesale", act);
    expect(decided).toEqual({ outcome: "override_matches_recommendation", recommendation: "fix" });
    expect(ports.decisions.entries).toEqual([]);
  });

  it("says so when the scheme has no such segment, recording nothing", async () => {
    const ports = stores();
    const act = { action: "approve" } as const;
    const decided = await decide(ports, "telex", act);
    expect(decided).toEqual({ outcome: "segment_not_found" });
    expect(ports.decisions.entries).toEqual([]);
  });
});
