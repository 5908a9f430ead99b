import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  GetCommand,
  QueryCommand,
} from "@aws-sdk/lib-dynamodb";
import { beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "#domain/policy.ts";
import { type ScoredSegment, type ScoringResult, scoreCube } from "#domain/scoring.ts";
import { DynamoDbBatchRepository } from "#store/dynamodb-batch-repository.ts";
import { DynamoDbScoreRepository } from "#store/dynamodb-score-repository.ts";
import { InvalidCursorError } from "#store/score-repository.ts";
import { channelFixtureSales } from "#test-support/channel-fixture.ts";
import { salesCube } from "#test-support/segment-sales.ts";
import type { Item } from "./fake-table.ts";
import { fakeTableEachTest, TEST_TABLE } from "./table-fixture.ts";

const db = fakeTableEachTest();
let delays: number[];
let repository: DynamoDbScoreRepository;
let batches: DynamoDbBatchRepository;

beforeEach(() => {
  delays = [];
  batches = new DynamoDbBatchRepository(db.client, TEST_TABLE);
  repository = new DynamoDbScoreRepository(db.client, TEST_TABLE, async (ms) => {
    delays.push(ms);
  });
});

const RESULT: ScoringResult = scoreCube(salesCube(channelFixtureSales()), DEFAULT_POLICY);
const SEGMENT_COUNT = RESULT.schemes.reduce((sum, scheme) => sum + scheme.segments.length, 0);

function scheme(result: ScoringResult, schemeId: string) {
  const found = result.schemes.find((candidate) => candidate.id === schemeId);
  if (!found) throw new Error(`no scheme ${schemeId}`);
  return found;
}

/** The result with one scheme's segments replaced. */
function withSegments(
  result: ScoringResult,
  schemeId: string,
  change: (segments: readonly ScoredSegment[]) => ScoredSegment[],
): ScoringResult {
  return {
    ...result,
    schemes: result.schemes.map((s) => (s.id === schemeId ? { ...s, segments: change(s.segments) } : s)),
  };
}

function batchWriteRequests(): Item[] {
  return db.dynamo
    .commandCalls(BatchWriteCommand)
    .flatMap((call) => (call.args[0].input as BatchWriteCommandInput).RequestItems?.[TEST_TABLE] ?? []);
}

/** The sort keys of the items put by BatchWriteItem calls, e.g. SEG#direct. */
function putSortKeys(): string[] {
  return batchWriteRequests().flatMap((request) => {
    const put = (request as { PutRequest?: { Item: Item } }).PutRequest;
    return put ? [put.Item.sk as string] : [];
  });
}

function segmentKeysOf(sortKeys: readonly string[]): string[] {
  return sortKeys.filter((key) => key.startsWith("SEG#"));
}

function cursorOf(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

describe("writeScores", () => {
  it("writes every segment with its history, and each scheme's summary, on the first run", async () => {
    const summary = await repository.writeScores(RESULT, "run-1");

    expect(summary).toEqual({ written: SEGMENT_COUNT, unchanged: 0, removed: 0 });
    for (const { id, segments } of RESULT.schemes) {
      expect(segmentKeysOf(db.table.sortKeys(`SCHEME#${id}`))).toEqual(
        segments.map((segment) => `SEG#${segment.id}`).sort(),
      );
    }
    expect(db.table.sortKeys("SCHEMES")).toEqual(RESULT.schemes.map((s) => `SCHEME#${s.id}`).sort());
    for (const call of db.dynamo.commandCalls(BatchWriteCommand)) {
      expect(call.args[0].input.RequestItems?.[TEST_TABLE]?.length).toBeLessThanOrEqual(25);
    }
  });

  it("stores a segment as scored, with its scheme and run, and its history in the same item", async () => {
    await repository.writeScores(RESULT, "run-1");
    const { history, ...segment } = scheme(RESULT, "channel").segments[0] as ScoredSegment;
    const stored = { ...segment, schemeId: "channel", runId: "run-1" };
    db.dynamo.resetHistory();

    expect(await repository.getSegment("channel", segment.id)).toEqual(stored);
    expect(await repository.getSegmentWithHistory("channel", segment.id)).toEqual({
      segment: stored,
      history,
    });
    expect(await repository.getSegmentWithHistory("channel", "no-such-segment")).toBeUndefined();
    // A segment's detail is one read; a plain read leaves the history out.
    const reads = db.dynamo
      .commandCalls(GetCommand)
      .map((call) => Object.values(call.args[0].input.ExpressionAttributeNames ?? {}));
    expect(reads).toHaveLength(3);
    expect(reads[0]).not.toContain("history");
    expect(reads[1]).toContain("history");
    expect(db.dynamo.commandCalls(GetCommand).map((call) => call.args[0].input.ConsistentRead)).toEqual([
      true,
      true,
      true,
    ]);
    expect(await repository.getScheme("channel")).toMatchObject({
      id: "channel",
      segmentCount: scheme(RESULT, "channel").segments.length,
      latestMonth: RESULT.latestMonth,
      runId: "run-1",
    });
  });

  it("writes no segment again when a run produces the same scores", async () => {
    await repository.writeScores(RESULT, "run-1");
    db.dynamo.resetHistory();

    const summary = await repository.writeScores(RESULT, "run-2");

    expect(summary).toEqual({ written: 0, unchanged: SEGMENT_COUNT, removed: 0 });
    expect(segmentKeysOf(putSortKeys())).toEqual([]);
    expect(batchWriteRequests().filter((request) => "DeleteRequest" in request)).toEqual([]);
    expect(await repository.getScheme("channel")).toMatchObject({ runId: "run-2" });
  });

  it("rewrites only the segment whose content changed", async () => {
    await repository.writeScores(RESULT, "run-1");
    db.dynamo.resetHistory();
    const changed = withSegments(RESULT, "channel", (segments) =>
      segments.map((segment, i) =>
        i === 0 ? { ...segment, guidance: "reprice the outlet range" } : segment,
      ),
    );
    const target = scheme(RESULT, "channel").segments[0] as ScoredSegment;

    const summary = await repository.writeScores(changed, "run-2");

    expect(summary).toEqual({ written: 1, unchanged: SEGMENT_COUNT - 1, removed: 0 });
    expect(segmentKeysOf(putSortKeys())).toEqual([`SEG#${target.id}`]);
    expect(await repository.getSegment("channel", target.id)).toMatchObject({
      guidance: "reprice the outlet range",
      runId: "run-2",
    });
  });

  it("rewrites a segment whose monthly history alone changed", async () => {
    await repository.writeScores(RESULT, "run-1");
    db.dynamo.resetHistory();
    const target = scheme(RESULT, "channel").segments[0] as ScoredSegment;
    const revised = { ...target.history, revenue: target.history.revenue.map((revenue) => revenue + 1) };
    const changed = withSegments(RESULT, "channel", (segments) =>
      segments.map((segment) => (segment.id === target.id ? { ...segment, history: revised } : segment)),
    );

    const summary = await repository.writeScores(changed, "run-2");

    expect(summary).toEqual({ written: 1, unchanged: SEGMENT_COUNT - 1, removed: 0 });
    expect((await repository.getSegmentWithHistory("channel", target.id))?.history).toEqual(revised);
  });

  it("removes the segments, and their history, that a run no longer scores", async () => {
    await repository.writeScores(RESULT, "run-1");
    const [gone, ...kept] = scheme(RESULT, "channel").segments as [ScoredSegment, ...ScoredSegment[]];

    const summary = await repository.writeScores(
      withSegments(RESULT, "channel", () => kept),
      "run-2",
    );

    expect(summary).toEqual({ written: 0, unchanged: SEGMENT_COUNT - 1, removed: 1 });
    expect(db.table.item("SCHEME#channel", `SEG#${gone.id}`)).toBeUndefined();
    expect(segmentKeysOf(db.table.sortKeys("SCHEME#channel"))).toHaveLength(kept.length);
  });

  it("removes a scheme that is no longer scored, with all its segments", async () => {
    await repository.writeScores(RESULT, "run-1");
    const customers = scheme(RESULT, "customer").segments.length;

    const summary = await repository.writeScores(
      { ...RESULT, schemes: RESULT.schemes.filter((s) => s.id !== "customer") },
      "run-2",
    );

    expect(summary).toEqual({ written: 0, unchanged: SEGMENT_COUNT - customers, removed: customers });
    expect(db.table.sortKeys("SCHEME#customer")).toEqual([]);
    expect(db.table.item("SCHEMES", "SCHEME#customer")).toBeUndefined();
    expect(await repository.listSchemes()).toHaveLength(RESULT.schemes.length - 1);
  });

  it("sends unprocessed items again, after growing pauses, until DynamoDB takes them", async () => {
    const resent: Item[][] = [];
    db.table.unprocessed = (requests, call) => {
      if (call > 1) resent.push([...requests]);
      return call <= 2 ? requests.slice(0, 3) : [];
    };

    const summary = await repository.writeScores(RESULT, "run-1");

    expect(delays).toEqual([100, 200]);
    expect(resent[0]).toHaveLength(3);
    expect(resent[1]).toEqual(resent[0]);
    expect(summary.written).toBe(SEGMENT_COUNT);
    for (const { id, segments } of RESULT.schemes) {
      expect(segmentKeysOf(db.table.sortKeys(`SCHEME#${id}`))).toHaveLength(segments.length);
    }
  });

  it("fails, saying how many writes were left, once DynamoDB has refused them 8 times", async () => {
    db.table.unprocessed = (requests) => requests.slice(0, 2);

    await expect(repository.writeScores(RESULT, "run-1")).rejects.toThrow(
      "DynamoDB left 2 writes unprocessed after 8 attempts",
    );
    expect(db.dynamo.commandCalls(BatchWriteCommand)).toHaveLength(8);
    expect(delays).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
  });
});

describe("cursors", () => {
  it("continue a listing where the previous page ended", async () => {
    await repository.writeScores(RESULT, "run-1");
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await repository.listSegments("customer", { limit: 5, cursor });
      ids.push(...page.items.map((segment) => segment.id));
      cursor = page.cursor;
      pages++;
    } while (cursor);

    const expected = scheme(RESULT, "customer").segments.map((segment) => segment.id);
    expect(pages).toBe(Math.ceil(expected.length / 5));
    expect([...ids].sort()).toEqual([...expected].sort());
  });

  it.each([
    ["text that is not base64 JSON", "%%not a cursor%%"],
    ["JSON that is not an object", cursorOf(["pk", "sk"])],
    ["null", cursorOf(null)],
    ["an attribute that is not a key", cursorOf({ pk: "SCHEME#channel", sk: "SEG#direct", role: "leader" })],
    ["a key value that is not a string", cursorOf({ pk: "SCHEME#channel", sk: { S: "SEG#direct" } })],
    ["a key value that is a number", cursorOf({ pk: "SCHEME#channel", sk: 7 })],
    ["an oversized key value", cursorOf({ pk: "SCHEME#channel", sk: `SEG#${"x".repeat(2000)}` })],
    ["no key attributes at all", cursorOf({})],
    ["the index keys without the table keys", cursorOf({ gsi1pk: "BATCHES", gsi1sk: "2024#b-1" })],
  ])("refuses a cursor made of %s, before any query is sent", async (_, cursor) => {
    await expect(repository.listSegments("channel", { limit: 10, cursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await expect(batches.listBatches({ limit: 10, cursor })).rejects.toThrow(
      "the cursor is not one this service issued",
    );
    expect(db.dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it.each([
    ["another scheme's segments", "segments", cursorOf({ pk: "SCHEME#region", sk: "SEG#west" })],
    [
      "a key of the scheme's partition outside its segments",
      "segments",
      cursorOf({ pk: "SCHEME#channel", sk: "HIST#direct" }),
    ],
    [
      "a decision list's (index keys too)",
      "segments",
      cursorOf({
        pk: "SCHEME#channel",
        sk: "SEG#direct",
        gsi1pk: "SCHEME#channel#LIST#yes",
        gsi1sk: "0050.0000#direct",
      }),
    ],
    [
      "a segment list's, on a decision list",
      "decisions",
      cursorOf({ pk: "SCHEME#channel", sk: "SEG#direct" }),
    ],
    [
      "another list's, on a decision list",
      "decisions",
      cursorOf({
        pk: "SCHEME#channel",
        sk: "SEG#direct",
        gsi1pk: "SCHEME#channel#LIST#no",
        gsi1sk: "0050.0000#direct",
      }),
    ],
  ])("refuses a cursor issued for %s (%s), before any query is sent", async (_, list, cursor) => {
    const request =
      list === "segments"
        ? repository.listSegments("channel", { limit: 10, cursor })
        : repository.listDecisions("channel", "yes", { limit: 10, cursor });
    await expect(request).rejects.toBeInstanceOf(InvalidCursorError);
    expect(db.dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });
});

describe("listDecisions", () => {
  const FOCUS = [12.5, 80, 45.25, 100, 5, 60];

  it("lists one board list from the list index, best focus score first", async () => {
    const yes = withSegments(RESULT, "channel", (segments) =>
      segments.map((segment, i) => ({
        ...segment,
        decision: i === 0 ? "decline" : "choose",
        scores: { ...segment.scores, focus: FOCUS[i % FOCUS.length] as number },
      })),
    );
    await repository.writeScores(yes, "run-1");
    db.dynamo.resetHistory();

    const page = await repository.listDecisions("channel", "yes", { limit: 50 });

    expect(db.dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      TableName: TEST_TABLE,
      IndexName: "gsi1",
      KeyConditionExpression: "#pk = :pk",
      ExpressionAttributeNames: { "#pk": "gsi1pk" },
      ExpressionAttributeValues: { ":pk": "SCHEME#channel#LIST#yes" },
      ScanIndexForward: false,
      Limit: 50,
    });
    const chosen = scheme(yes, "channel").segments.filter((segment) => segment.decision === "choose");
    expect(page.items.map((segment) => segment.scores.focus)).toEqual(
      chosen.map((segment) => segment.scores.focus).sort((a, b) => b - a),
    );
    expect(page.items.every((segment) => segment.decision === "choose")).toBe(true);
    expect(page.items.length).toBeGreaterThan(1);
  });
});

describe("reading stored scores", () => {
  it("refuses a segment whose body is not what a run writes, naming its key and the field", async () => {
    await repository.writeScores(RESULT, "run-1");
    const stored = db.table.item("SCHEME#channel", "SEG#direct") as Record<string, unknown>;
    const body = JSON.parse(stored.body as string);
    db.table.seed({
      ...stored,
      body: JSON.stringify({ ...body, scores: { ...body.scores, focus: "high" } }),
    });

    await expect(repository.getSegment("channel", "direct")).rejects.toThrow(
      /^stored item SCHEME#channel \/ SEG#direct: body\.scores\.focus: /,
    );
    await expect(repository.listSegments("channel", { limit: 100 })).rejects.toThrow(
      "stored item SCHEME#channel / SEG#direct: body.scores.focus",
    );
  });

  it("reads a segment stored before decisions carried a confidence as of high confidence", async () => {
    await repository.writeScores(RESULT, "run-1");
    const stored = db.table.item("SCHEME#channel", "SEG#direct") as Record<string, unknown>;
    const { confidence: _, ...body } = JSON.parse(stored.body as string);
    db.table.seed({ ...stored, body: JSON.stringify(body) });

    expect((await repository.getSegment("channel", "direct"))?.confidence).toBe("high");
  });

  it("refuses a segment history that is not JSON, naming its key", async () => {
    await repository.writeScores(RESULT, "run-1");
    const stored = db.table.item("SCHEME#channel", "SEG#direct") as Record<string, unknown>;
    db.table.seed({ ...stored, history: "{cut" });

    await expect(repository.getSegmentWithHistory("channel", "direct")).rejects.toThrow(
      "stored item SCHEME#channel / SEG#direct: history: not JSON",
    );
  });

  it("keeps each scheme's backtest, and reads a scheme stored before runs kept one as having none", async () => {
    await repository.writeScores(RESULT, "run-1");
    const accuracy = scheme(RESULT, "channel").forecastAccuracy;
    expect(accuracy).not.toBeNull();
    expect((await repository.getScheme("channel"))?.forecastAccuracy).toEqual(accuracy);

    const stored = db.table.item("SCHEMES", "SCHEME#channel") as Record<string, unknown>;
    const { forecastAccuracy: _, ...older } = JSON.parse(stored.body as string);
    db.table.seed({ ...stored, body: JSON.stringify(older) });

    expect(await repository.getScheme("channel")).toMatchObject({ id: "channel", forecastAccuracy: null });
    const listed = (await repository.listSchemes()).find((record) => record.id === "channel");
    expect(listed?.forecastAccuracy).toBeNull();
  });

  it("refuses a scheme summary without its decision counts, naming its key", async () => {
    await repository.writeScores(RESULT, "run-1");
    const stored = db.table.item("SCHEMES", "SCHEME#channel") as Record<string, unknown>;
    const { decisions: _, ...body } = JSON.parse(stored.body as string);
    db.table.seed({ ...stored, body: JSON.stringify(body) });

    await expect(repository.getScheme("channel")).rejects.toThrow(
      /^stored item SCHEMES \/ SCHEME#channel: body\.decisions: /,
    );
    await expect(repository.listSchemes()).rejects.toThrow(
      "stored item SCHEMES / SCHEME#channel: body.decisions",
    );
  });
});
