import { describe, expect, it } from "vitest";
import {
  boardStanding,
  decisionEntry,
  type LeaderAct,
  overridesWithRecommendation,
  type Recommended,
} from "#domain/leader-decision.ts";

const SEGMENT = { schemeId: "channel", segmentId: "online" };
const RECOMMENDED: Recommended = {
  decision: "fix",
  scores: { profitability: 41, growth: 63.5, defensibility: 52, focus: 50.3 },
  runId: "run-7",
};
const AT = new Date("2025-03-01T08:00:00.000Z");

describe("overridesWithRecommendation", () => {
  it("catches an override that decides the recommendation itself", () => {
    const act: LeaderAct = { action: "override", decision: "fix", rationale: "we agree with this" };
    expect(overridesWithRecommendation(act, "fix")).toBe(true);
  });

  it("lets an override to another decision, and any approval, through", () => {
    const act: LeaderAct = { action: "override", decision: "decline", rationale: "a market we leave" };
    expect(overridesWithRecommendation(act, "fix")).toBe(false);
    expect(overridesWithRecommendation({ action: "approve" }, "fix")).toBe(false);
  });
});

describe("decisionEntry", () => {
  it("records an approval as the recommendation taken, with who, when, the scores and the run", () => {
    const entry = decisionEntry(SEGMENT, RECOMMENDED, { act: { action: "approve" }, by: "lee", at: AT });
    expect(entry).toEqual({
      schemeId: "channel",
      segmentId: "online",
      at: "2025-03-01T08:00:00.000Z",
      by: "lee",
      action: "approve",
      from: "fix",
      to: "fix",
      scores: { profitability: 41, growth: 63.5, defensibility: 52, focus: 50.3 },
      runId: "run-7",
    });
    expect(entry).not.toHaveProperty("rationale");
  });

  it("records an override from the recommendation to the leader's decision, with the rationale", () => {
    const act: LeaderAct = { action: "override", decision: "decline", rationale: "a market we leave" };
    const entry = decisionEntry(SEGMENT, RECOMMENDED, { act, by: "lee", at: AT });
    expect(entry).toMatchObject({
      action: "override",
      from: "fix",
      to: "decline",
      rationale: "a market we leave",
    });
  });

  it("keeps only the four headline scores, not their components", () => {
    const scored = { ...RECOMMENDED, scores: { ...RECOMMENDED.scores, components: { margin: 1 } } };
    const entry = decisionEntry(SEGMENT, scored, { act: { action: "approve" }, by: "lee", at: AT });
    expect(Object.keys(entry.scores).sort()).toEqual(["defensibility", "focus", "growth", "profitability"]);
  });
});

describe("boardStanding", () => {
  it("shows the recommendation while no leader has decided", () => {
    expect(boardStanding("fix", undefined)).toEqual({
      status: "recommended",
      decision: "fix",
      needsReview: false,
    });
  });

  it("shows a leader's override in force, with who, when and why, over the recommendation", () => {
    const standing = {
      status: "overridden",
      decision: "decline",
      needsReview: true,
      by: "lee",
      at: AT.toISOString(),
      rationale: "a market we leave",
    } as const;
    expect(boardStanding("fix", standing)).toEqual(standing);
  });

  it("leaves the rationale out of an approval given without one", () => {
    const standing = {
      status: "approved",
      decision: "fix",
      needsReview: false,
      by: "lee",
      at: AT.toISOString(),
    } as const;
    expect(boardStanding("fix", standing)).not.toHaveProperty("rationale");
  });
});
