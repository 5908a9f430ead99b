import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it, onTestFinished } from "vitest";
import { DEFAULT_POLICY } from "#domain/policy.ts";
import { type ScoringResult, scoreCube } from "#domain/scoring.ts";
import type { DecisionRepository } from "#store/decision-repository.ts";
import { DynamoDbDecisionRepository } from "#store/dynamodb-decision-repository.ts";
import { channelFixtureSales } from "#test-support/channel-fixture.ts";
import { MemoryDecisionRepository } from "#test-support/memory-config.ts";
import { MemoryScoreRepository } from "#test-support/memory-scores.ts";
import { salesCube } from "#test-support/segment-sales.ts";
import { FakeTable } from "../store/fake-table.ts";
import { authorised, type Claims, expectInvalidRequest, memoryApi, TOKENS } from "./api-harness.ts";

/**
 * Leadership decides on the recommendations: approve or override with a rationale, each decision kept
 * in the segment's audit trail, the board showing where each segment stands.
 */

const RESULT: ScoringResult = scoreCube(salesCube(channelFixtureSales()), DEFAULT_POLICY);

/** The wholesale channel is a drain, recommended "fix", with these scores in the fixture. */
const WHOLESALE_SCORES = { profitability: 56, growth: 23, defensibility: 44.5, focus: 42.65 };

/** An API over the fixture's scores, scored by run-1, whose clock moves a minute at each reading from 08:00. */
function setup(decisions: DecisionRepository = new MemoryDecisionRepository()) {
  let minute = 0;
  const { call } = memoryApi({
    scores: MemoryScoreRepository.withScores(RESULT, "run-1"),
    now: () => new Date(Date.UTC(2025, 2, 1, 8, ++minute)),
    decisions,
  });
  return {
    call,
    decide: (segmentId: string, body: unknown, claims: Claims = TOKENS.leader, schemeId = "channel") =>
      call({
        method: "POST",
        path: `/schemes/${schemeId}/segments/${encodeURIComponent(segmentId)}/decision`,
        claims,
        body,
      }),
    history: (segmentId: string, query = "", claims: Claims = TOKENS.planner) =>
      call({
        method: "GET",
        path: `/schemes/channel/segments/${encodeURIComponent(segmentId)}/decision-history${query}`,
        claims,
      }),
  };
}

const OVERRIDE_RATIONALE = "We leave wholesale when the freight contract ends in June.";

describe("POST /schemes/{schemeId}/segments/{segmentId}/decision", () => {
  it("approves the recommendation: 201 with the standing decision, and the trail says who, when, from, to, why and the scores", async () => {
    const { decide, history } = setup();

    const answer = await decide("wholesale", { action: "approve", rationale: "Reprice before the renewal." });

    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      schemeId: "channel",
      segmentId: "wholesale",
      status: "approved",
      decision: "fix",
      recommendation: "fix",
      by: "leader-1",
      at: "2025-03-01T08:01:00.000Z",
      rationale: "Reprice before the renewal.",
      needsReview: false,
    });
    expect((await history("wholesale")).body).toEqual({
      items: [
        {
          schemeId: "channel",
          segmentId: "wholesale",
          at: "2025-03-01T08:01:00.000Z",
          by: "leader-1",
          action: "approve",
          from: "fix",
          to: "fix",
          rationale: "Reprice before the renewal.",
          scores: WHOLESALE_SCORES,
          runId: "run-1",
        },
      ],
    });
  });

  it("overrides with the rationale trimmed; the trail shows the override above the approval before it", async () => {
    const { decide, history } = setup();
    await decide("wholesale", { action: "approve" });

    const answer = await decide("wholesale", {
      action: "override",
      decision: "decline",
      rationale: `  ${OVERRIDE_RATIONALE}\n`,
    });

    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      status: "overridden",
      decision: "decline",
      recommendation: "fix",
      at: "2025-03-01T08:02:00.000Z",
      rationale: OVERRIDE_RATIONALE,
    });
    const trail = (await history("wholesale")).body.items;
    expect(trail).toEqual([
      expect.objectContaining({
        at: "2025-03-01T08:02:00.000Z",
        by: "leader-1",
        action: "override",
        from: "fix",
        to: "decline",
        rationale: OVERRIDE_RATIONALE,
        scores: WHOLESALE_SCORES,
      }),
      expect.objectContaining({ at: "2025-03-01T08:01:00.000Z", action: "approve", from: "fix", to: "fix" }),
    ]);
    expect(trail[1]).not.toHaveProperty("rationale");
  });

  it("decides a segment whose id is percent-encoded in the path", async () => {
    const { decide } = setup();

    const answer = await decide("direct|paint", { action: "approve" }, TOKENS.leader, "channel+category");

    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      schemeId: "channel+category",
      segmentId: "direct|paint",
      decision: "choose",
    });
  });

  it("refuses an override without a rationale with 400 naming body.rationale, and records nothing", async () => {
    const { decide, history } = setup();

    const answer = await decide("wholesale", { action: "override", decision: "decline" });

    expectInvalidRequest(answer, [
      {
        path: "body.rationale",
        message: "an override needs a rationale: why the recommendation is not followed",
      },
    ]);
    expect((await history("wholesale")).body.items).toEqual([]);
  });

  it.each([
    [
      "a rationale of fewer than 10 characters once trimmed",
      { action: "override", decision: "decline", rationale: "   too short   " },
      "body.rationale",
      "a rationale has at least 10 characters, not counting surrounding spaces",
    ],
    [
      "a rationale of more than 2000 characters",
      { action: "approve", rationale: "x".repeat(2001) },
      "body.rationale",
      "a rationale has at most 2000 characters",
    ],
    [
      "an override to insufficient_data",
      { action: "override", decision: "insufficient_data", rationale: OVERRIDE_RATIONALE },
      "body.decision",
      "an override decides one of choose, develop, fix, decline",
    ],
    ["an unknown action", { action: "reject" }, "body.action", "action is approve or override"],
    [
      "an approval naming a decision",
      { action: "approve", decision: "decline" },
      "body",
      'Unrecognized key: "decision"',
    ],
    ["no body", undefined, "body", 'the body is a JSON object such as { "action": "approve" }'],
  ])("refuses %s with 400, naming the field", async (_, body, path, message) => {
    const { decide } = setup();

    const answer = await decide("wholesale", body);

    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([{ path, message }]);
  });

  it("refuses an override to the decision already recommended, with 400 saying to approve it instead", async () => {
    const { decide, history } = setup();

    const answer = await decide("wholesale", {
      action: "override",
      decision: "fix",
      rationale: OVERRIDE_RATIONALE,
    });

    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({
      code: "OVERRIDE_MATCHES_RECOMMENDATION",
      message: '"fix" is already the recommendation: send { "action": "approve" } to approve it',
      details: { recommendation: "fix" },
    });
    expect((await history("wholesale")).body.items).toEqual([]);
  });

  it("answers 404 SEGMENT_NOT_FOUND for a segment the scheme does not have", async () => {
    const decisions = new MemoryDecisionRepository();
    const { decide } = setup(decisions);

    const answer = await decide("retail", { action: "approve" });

    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatchObject({
      code: "SEGMENT_NOT_FOUND",
      message: 'scheme "channel" has no segment "retail"',
    });
    expect(decisions.entries).toEqual([]);
  });

  it("lets only leaders decide: a planner gets 403 and nothing is recorded", async () => {
    const decisions = new MemoryDecisionRepository();
    const { decide } = setup(decisions);

    const answer = await decide("wholesale", { action: "approve" }, TOKENS.planner);

    expect(answer.status).toBe(403);
    expect(answer.body.error).toMatchObject({ code: "FORBIDDEN", details: { requiredRoles: ["leader"] } });
    expect(decisions.entries).toEqual([]);
  });
});

describe("GET /schemes/{schemeId}/segments/{segmentId}/decision-history", () => {
  it("answers an empty trail for a segment nobody has decided on, and 404 for a segment the scheme does not have", async () => {
    const { history } = setup();

    expect(await history("direct")).toMatchObject({ status: 200, body: { items: [] } });
    const unknown = await history("retail");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("SEGMENT_NOT_FOUND");
  });

  it("pages the trail newest first with limit and cursor, and refuses a cursor it did not issue", async () => {
    const dynamo = mockClient(DynamoDBDocumentClient);
    onTestFinished(() => dynamo.restore());
    new FakeTable().attach(dynamo);
    const decisions = new DynamoDbDecisionRepository(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" })),
      "segfocus-test",
    );
    const { decide, history } = setup(decisions);
    await decide("wholesale", { action: "approve" });
    await decide("wholesale", { action: "override", decision: "decline", rationale: OVERRIDE_RATIONALE });
    await decide("wholesale", { action: "approve" });

    const first = await history("wholesale", "?limit=2");
    expect(first.body.items.map((entry: { at: string }) => entry.at)).toEqual([
      "2025-03-01T08:03:00.000Z",
      "2025-03-01T08:02:00.000Z",
    ]);
    const second = await history("wholesale", `?limit=2&cursor=${first.body.cursor}`);
    expect(second.body).toEqual({ items: [expect.objectContaining({ at: "2025-03-01T08:01:00.000Z" })] });
    const forged = await history("wholesale", "?cursor=bm90LWEtY3Vyc29y");
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe("INVALID_CURSOR");
  });

  it("is read by planners and leaders; the ERP's ingest client gets 403", async () => {
    const { history } = setup();

    expect((await history("wholesale", "", TOKENS.leader)).status).toBe(200);
    expect((await history("wholesale", "", TOKENS.ingest)).status).toBe(403);
  });
});

describe("GET /schemes/{schemeId}/decisions with standing decisions", () => {
  it("shows each segment where it stands: approved, overridden, or as recommended", async () => {
    const { call, decide } = setup();
    await decide("direct", { action: "approve" });
    await decide("online", {
      action: "override",
      decision: "choose",
      rationale: "Online is where we grow next.",
    });

    const yes = await call(authorised.get("planner", "/schemes/channel/decisions?list=yes"));
    const fix = await call(authorised.get("planner", "/schemes/channel/decisions?list=fix"));

    expect(
      yes.body.items.map(({ id, decision, state }: Record<string, unknown>) => ({ id, decision, state })),
    ).toEqual([
      {
        id: "direct",
        decision: "choose",
        state: {
          status: "approved",
          decision: "choose",
          needsReview: false,
          by: "leader-1",
          at: "2025-03-01T08:01:00.000Z",
        },
      },
      {
        id: "online",
        decision: "develop",
        state: {
          status: "overridden",
          decision: "choose",
          needsReview: false,
          by: "leader-1",
          at: "2025-03-01T08:02:00.000Z",
          rationale: "Online is where we grow next.",
        },
      },
    ]);
    expect(fix.body.items).toEqual([
      expect.objectContaining({
        id: "wholesale",
        state: { status: "recommended", decision: "fix", needsReview: false },
      }),
      expect.objectContaining({
        id: "outlet",
        state: { status: "recommended", decision: "fix", needsReview: false },
      }),
    ]);
  });

  it("is not for the ERP's ingest client (403)", async () => {
    const { call } = setup();

    const answer = await call(authorised.get("ingest", "/schemes/channel/decisions"));

    expect(answer.status).toBe(403);
  });
});
