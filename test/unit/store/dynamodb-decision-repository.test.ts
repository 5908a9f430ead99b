import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { beforeEach, describe, expect, it } from "vitest";
import type { DecisionEntry } from "#domain/leader-decision.ts";
import type { DecisionState } from "#store/decision-repository.ts";
import { DynamoDbDecisionRepository } from "#store/dynamodb-decision-repository.ts";
import { InvalidCursorError } from "#store/score-repository.ts";
import { fakeTableEachTest, TEST_TABLE } from "./table-fixture.ts";

const db = fakeTableEachTest();
let repository: DynamoDbDecisionRepository;

beforeEach(() => {
  repository = new DynamoDbDecisionRepository(db.client, TEST_TABLE);
});

const SCORES = { profitability: 56, growth: 23, defensibility: 44.5, focus: 42.65 };

/** A leader's decision on the wholesale channel, at a given time. */
function entry(at: string, changes: Partial<DecisionEntry> = {}): DecisionEntry {
  return {
    schemeId: "channel",
    segmentId: "wholesale",
    at,
    by: "leader-1",
    action: "approve",
    from: "fix",
    to: "fix",
    scores: SCORES,
    runId: "run-1",
    ...changes,
  };
}

const REVIEW = { since: "2025-04-01T03:00:00.000Z", newRecommendation: "decline", runId: "run-2" } as const;

function cursorOf(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

describe("record", () => {
  it("appends an audit-trail entry and makes it the standing decision, overrides as overridden", async () => {
    const override = entry("2025-03-01T08:00:00.000Z", {
      action: "override",
      to: "decline",
      rationale: "We exit wholesale this year.",
    });

    const state = await repository.record(override);

    const expected: DecisionState = {
      schemeId: "channel",
      segmentId: "wholesale",
      status: "overridden",
      decision: "decline",
      recommendation: "fix",
      by: "leader-1",
      at: "2025-03-01T08:00:00.000Z",
      rationale: "We exit wholesale this year.",
      needsReview: false,
    };
    expect(state).toEqual(expected);
    expect(await repository.getState("channel", "wholesale")).toEqual(expected);
    const keys = db.table.sortKeys("SCHEME#channel");
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe("APPROVAL#wholesale");
    expect(keys[1]).toMatch(/^DECISION#wholesale#2025-03-01T08:00:00\.000Z#[0-9a-f-]{36}$/);
    expect(JSON.parse(db.table.item("SCHEME#channel", keys[1] as string)?.body as string)).toEqual(override);
  });

  it("marks an approval approved, with the recommendation as its decision", async () => {
    const state = await repository.record(entry("2025-03-01T08:00:00.000Z"));

    expect(state).toMatchObject({ status: "approved", decision: "fix", recommendation: "fix" });
    expect(state).not.toHaveProperty("rationale");
  });

  it("keys segment ids so that none is the prefix of another and any character survives", async () => {
    await repository.record(entry("2025-03-01T08:00:00.000Z", { segmentId: "a#b|west" }));
    await repository.record(entry("2025-03-01T09:00:00.000Z", { segmentId: "a" }));

    expect(db.table.sortKeys("SCHEME#channel").filter((key) => key.startsWith("APPROVAL#"))).toEqual([
      "APPROVAL#a",
      "APPROVAL#a%23b%7Cwest",
    ]);
    const history = await repository.history("channel", "a", { limit: 10 });
    expect(history.items.map((item) => item.segmentId)).toEqual(["a"]);
    expect(await repository.getState("channel", "a#b|west")).toMatchObject({ segmentId: "a#b|west" });
  });
});

describe("getState and listStates", () => {
  it("has no standing decision for a segment nobody decided on", async () => {
    expect(await repository.getState("channel", "direct")).toBeUndefined();
  });

  it("lists every standing decision of one scheme, not its audit trail nor another scheme's", async () => {
    await repository.record(entry("2025-03-01T08:00:00.000Z"));
    await repository.record(entry("2025-03-01T09:00:00.000Z", { to: "decline", action: "override" }));
    await repository.record(
      entry("2025-03-01T10:00:00.000Z", { segmentId: "direct", from: "choose", to: "choose" }),
    );
    await repository.record(entry("2025-03-01T11:00:00.000Z", { schemeId: "customer", segmentId: "W1" }));

    const states = await repository.listStates("channel");

    expect(states.map((state) => [state.segmentId, state.decision]).sort()).toEqual([
      ["direct", "choose"],
      ["wholesale", "decline"],
    ]);
  });
});

describe("history", () => {
  it("reads a segment's audit trail newest first, a page at a time", async () => {
    for (const hour of ["08", "09", "10"]) {
      await repository.record(entry(`2025-03-01T${hour}:00:00.000Z`, { rationale: `decided at ${hour}h` }));
    }

    const first = await repository.history("channel", "wholesale", { limit: 2 });
    expect(first.items.map((item) => item.at)).toEqual([
      "2025-03-01T10:00:00.000Z",
      "2025-03-01T09:00:00.000Z",
    ]);
    expect(first.cursor).toEqual(expect.any(String));

    const second = await repository.history("channel", "wholesale", { limit: 2, cursor: first.cursor });
    expect(second.items.map((item) => item.rationale)).toEqual(["decided at 08h"]);
    expect(second.cursor).toBeUndefined();
  });

  it("refuses a cursor of another segment's trail, and one that is not a key at all", async () => {
    await repository.record(entry("2025-03-01T08:00:00.000Z", { segmentId: "direct" }));
    await repository.record(entry("2025-03-01T09:00:00.000Z", { segmentId: "direct" }));
    const { cursor } = await repository.history("channel", "direct", { limit: 1 });
    db.dynamo.resetHistory();

    await expect(repository.history("channel", "wholesale", { limit: 1, cursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await expect(repository.history("customer", "direct", { limit: 1, cursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await expect(
      repository.history("channel", "direct", {
        limit: 1,
        cursor: cursorOf({ pk: "SCHEME#channel", sk: 7 }),
      }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    expect(db.dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });
});

describe("reviews", () => {
  it("puts a flagged decision on the reviews index and takes it off when a leader decides again", async () => {
    const state = await repository.record(entry("2025-03-01T08:00:00.000Z"));

    await repository.flagForReview(state, REVIEW);

    expect(db.table.item("SCHEME#channel", "APPROVAL#wholesale")).toMatchObject({
      gsi1pk: "REVIEWS",
      gsi1sk: "2025-04-01T03:00:00.000Z#channel#wholesale",
    });
    expect(await repository.getState("channel", "wholesale")).toEqual({
      ...state,
      needsReview: true,
      review: REVIEW,
    });
    expect((await repository.listReviews({ limit: 10 })).items).toEqual([
      { ...state, needsReview: true, review: REVIEW },
    ]);

    await repository.record(entry("2025-04-02T08:00:00.000Z", { from: "decline", to: "decline" }));

    const item = db.table.item("SCHEME#channel", "APPROVAL#wholesale");
    expect(item).not.toHaveProperty("gsi1pk");
    expect(item).not.toHaveProperty("gsi1sk");
    expect(await repository.listReviews({ limit: 10 })).toEqual({ items: [] });
    expect(await repository.getState("channel", "wholesale")).toMatchObject({ needsReview: false });
  });

  it("leaves alone a decision a leader took after the scoring run read the one it flags", async () => {
    const read = await repository.record(entry("2025-03-01T08:00:00.000Z"));
    const decidedSince = await repository.record(
      entry("2025-04-01T03:00:00.500Z", {
        action: "override",
        to: "choose",
        rationale: "Strategic account.",
      }),
    );

    await repository.flagForReview(read, REVIEW);

    expect(db.dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
    expect(await repository.getState("channel", "wholesale")).toEqual(decidedSince);
    expect(db.table.item("SCHEME#channel", "APPROVAL#wholesale")).not.toHaveProperty("gsi1pk");
  });

  it("does not create a standing decision for a segment that has none", async () => {
    const never: DecisionState = {
      schemeId: "channel",
      segmentId: "direct",
      status: "approved",
      decision: "choose",
      recommendation: "choose",
      by: "leader-1",
      at: "2025-03-01T08:00:00.000Z",
      needsReview: false,
    };

    await repository.flagForReview(never, REVIEW);

    expect(db.table.item("SCHEME#channel", "APPROVAL#direct")).toBeUndefined();
  });

  it("lists the decisions in question most recently flagged first, across schemes, a page at a time", async () => {
    const times = ["2025-04-01T03:00:00.000Z", "2025-04-03T03:00:00.000Z", "2025-04-02T03:00:00.000Z"];
    const segments = [
      ["channel", "wholesale"],
      ["customer", "W1"],
      ["channel", "outlet"],
    ] as const;
    for (const [index, [schemeId, segmentId]] of segments.entries()) {
      const state = await repository.record(entry("2025-03-01T08:00:00.000Z", { schemeId, segmentId }));
      await repository.flagForReview(state, { ...REVIEW, since: times[index] as string });
    }

    const first = await repository.listReviews({ limit: 2 });
    expect(first.items.map((state) => state.segmentId)).toEqual(["W1", "outlet"]);
    const second = await repository.listReviews({ limit: 2, cursor: first.cursor });
    expect(second.items.map((state) => state.segmentId)).toEqual(["wholesale"]);
    expect(second.cursor).toBeUndefined();
  });

  it("refuses a cursor that continues another list, before any query is sent", async () => {
    await repository.record(entry("2025-03-01T08:00:00.000Z"));
    await repository.record(entry("2025-03-01T09:00:00.000Z"));
    const { cursor: historyCursor } = await repository.history("channel", "wholesale", { limit: 1 });
    db.dynamo.resetHistory();

    await expect(repository.listReviews({ limit: 1, cursor: historyCursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    const batchesCursor = cursorOf({ pk: "BATCH#b-1", sk: "BATCH", gsi1pk: "BATCHES", gsi1sk: "2025#b-1" });
    await expect(repository.listReviews({ limit: 1, cursor: batchesCursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    expect(db.dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });
});

describe("reading stored decisions", () => {
  it("refuses a standing decision whose decision is not one of the service's, naming its key", async () => {
    await repository.record(entry("2025-03-01T08:00:00.000Z"));
    const stored = db.table.item("SCHEME#channel", "APPROVAL#wholesale") as Record<string, unknown>;
    db.table.seed({
      ...stored,
      body: JSON.stringify({ ...JSON.parse(stored.body as string), decision: "maybe" }),
    });

    await expect(repository.getState("channel", "wholesale")).rejects.toThrow(
      /^stored item SCHEME#channel \/ APPROVAL#wholesale: body\.decision: /,
    );
    await expect(repository.listStates("channel")).rejects.toThrow("APPROVAL#wholesale: body.decision");
  });

  it("refuses an audit-trail entry without its scores, naming its key", async () => {
    await repository.record(entry("2025-03-01T08:00:00.000Z"));
    const key = db.table.sortKeys("SCHEME#channel").find((sortKey) => sortKey.startsWith("DECISION#")) ?? "";
    const stored = db.table.item("SCHEME#channel", key) as Record<string, unknown>;
    const { scores: _, ...body } = JSON.parse(stored.body as string);
    db.table.seed({ ...stored, body: JSON.stringify(body) });

    await expect(repository.history("channel", "wholesale", { limit: 10 })).rejects.toThrow(
      `stored item SCHEME#channel / ${key}: body.scores: `,
    );
  });
});
