import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "#domain/policy.ts";
import { type ScoredSegment, type ScoringResult, scoreCube } from "#domain/scoring.ts";
import { DynamoDbScoreRepository } from "#store/dynamodb-score-repository.ts";
import type { BatchRecord } from "#store/records.ts";
import { InvalidCursorError } from "#store/score-repository.ts";
import { channelFixtureSales } from "../../support/channel-fixture.ts";
import { salesCube } from "../../support/segment-sales.ts";
import { FakeTable, type Item } from "./fake-table.ts";

const TABLE_NAME = "segfocus-test";
const dynamo = mockClient(DynamoDBDocumentClient);
let table: FakeTable;
let delays: number[];
let repository: DynamoDbScoreRepository;

beforeEach(() => {
  dynamo.reset();
  table = new FakeTable().attach(dynamo);
  delays = [];
  repository = new DynamoDbScoreRepository(
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" })),
    TABLE_NAME,
    async (ms) => {
      delays.push(ms);
    },
  );
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
  return dynamo
    .commandCalls(BatchWriteCommand)
    .flatMap((call) => (call.args[0].input as BatchWriteCommandInput).RequestItems?.[TABLE_NAME] ?? []);
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

const BATCH: BatchRecord = {
  batchId: "b-0615",
  fileName: "orders.csv",
  status: "awaiting_upload",
  createdAt: "2024-06-15T02:00:00.000Z",
  updatedAt: "2024-06-15T02:00:00.000Z",
};

describe("createBatch", () => {
  it("creates the batch on condition that no item has its key, listed under BATCHES by creation time", async () => {
    const outcome = await repository.createBatch(BATCH);

    expect(outcome).toEqual({ created: true, batch: BATCH });
    const put = dynamo.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.ConditionExpression).toBe("attribute_not_exists(#pk)");
    expect(put?.ExpressionAttributeNames).toEqual({ "#pk": "pk" });
    expect(table.item("BATCH#b-0615", "BATCH")).toEqual({
      pk: "BATCH#b-0615",
      sk: "BATCH",
      gsi1pk: "BATCHES",
      gsi1sk: "2024-06-15T02:00:00.000Z#b-0615",
      ...BATCH,
    });
  });

  it("returns the stored batch, untouched, when one with the same id already exists", async () => {
    const stored: BatchRecord = { ...BATCH, status: "aggregated", contentHash: "etag-1", accepted: 10 };
    await repository.createBatch(stored);

    const outcome = await repository.createBatch({ ...BATCH, fileName: "other.csv" });

    expect(outcome).toEqual({ created: false, batch: stored });
    expect(table.item("BATCH#b-0615", "BATCH")).toMatchObject({
      fileName: "orders.csv",
      status: "aggregated",
    });
  });

  it("passes on a failure that is not the condition", async () => {
    dynamo.on(PutCommand).rejects(new Error("Throughput exceeds the current capacity of your table"));

    await expect(repository.createBatch(BATCH)).rejects.toThrow("Throughput exceeds");
  });
});

describe("updateBatch", () => {
  const failed: BatchRecord = {
    ...BATCH,
    status: "failed",
    error: { code: "SERVICE_ERROR", message: "S3 was slow", retryable: true },
  };

  it("sets the given fields and removes those given as undefined, in one update of an existing batch", async () => {
    table.seed({ pk: "BATCH#b-0615", sk: "BATCH", ...failed });

    const updated = await repository.updateBatch("b-0615", {
      status: "ingesting",
      size: 4096,
      error: undefined,
      updatedAt: "2024-06-15T02:05:00.000Z",
    });

    const input = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toBe("SET #f0 = :v0, #f1 = :v1, #f3 = :v3 REMOVE #f2");
    expect(input?.ExpressionAttributeNames).toEqual({
      "#pk": "pk",
      "#f0": "status",
      "#f1": "size",
      "#f2": "error",
      "#f3": "updatedAt",
    });
    expect(input?.ExpressionAttributeValues).toEqual({
      ":v0": "ingesting",
      ":v1": 4096,
      ":v3": "2024-06-15T02:05:00.000Z",
    });
    expect(input?.ConditionExpression).toBe("attribute_exists(#pk)");
    expect(input?.ReturnValues).toBe("ALL_NEW");
    expect(updated).toEqual({
      ...BATCH,
      status: "ingesting",
      size: 4096,
      updatedAt: "2024-06-15T02:05:00.000Z",
    });
  });

  it("applies a change only while the batch's status is one of those allowed", async () => {
    table.seed({ pk: "BATCH#b-0615", sk: "BATCH", ...BATCH, status: "aggregated" });

    const scored = await repository.updateBatch(
      "b-0615",
      { status: "scored", runId: "run-1" },
      { onlyIfStatusIn: ["aggregated", "scored"] },
    );

    const input = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe("attribute_exists(#pk) AND #status IN (:s0, :s1)");
    expect(input?.ExpressionAttributeNames).toMatchObject({ "#status": "status" });
    expect(input?.ExpressionAttributeValues).toMatchObject({ ":s0": "aggregated", ":s1": "scored" });
    expect(scored).toMatchObject({ status: "scored", runId: "run-1" });
  });

  it("returns undefined and changes nothing when the status condition fails", async () => {
    table.seed({ pk: "BATCH#b-0615", sk: "BATCH", ...failed });

    const outcome = await repository.updateBatch(
      "b-0615",
      { status: "scored", runId: "run-1" },
      { onlyIfStatusIn: ["aggregated", "scored"] },
    );

    expect(outcome).toBeUndefined();
    expect(table.item("BATCH#b-0615", "BATCH")).toMatchObject({ status: "failed", error: failed.error });
  });

  it("returns undefined for a batch that does not exist, without creating it", async () => {
    expect(await repository.updateBatch("b-none", { status: "ingesting" })).toBeUndefined();
    expect(table.item("BATCH#b-none", "BATCH")).toBeUndefined();
  });

  it("passes on a failure that is not the condition", async () => {
    dynamo.on(UpdateCommand).rejects(new Error("Internal server error"));

    await expect(repository.updateBatch("b-0615", { status: "ingesting" })).rejects.toThrow(
      "Internal server error",
    );
  });
});

describe("listBatches", () => {
  it("lists the most recently created batch first, page by page", async () => {
    for (const [batchId, createdAt] of [
      ["b-1", "2024-06-13T02:00:00.000Z"],
      ["b-3", "2024-06-15T02:00:00.000Z"],
      ["b-2", "2024-06-14T02:00:00.000Z"],
    ] as const) {
      await repository.createBatch({ ...BATCH, batchId, createdAt, updatedAt: createdAt });
    }

    const first = await repository.listBatches({ limit: 2 });
    const second = await repository.listBatches({ limit: 2, cursor: first.cursor });

    expect(first.items.map((batch) => batch.batchId)).toEqual(["b-3", "b-2"]);
    expect(second.items.map((batch) => batch.batchId)).toEqual(["b-1"]);
    expect(second.cursor).toBeUndefined();
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: "gsi1",
      ExpressionAttributeValues: { ":pk": "BATCHES" },
      ScanIndexForward: false,
      Limit: 2,
    });
  });
});

describe("writeScores", () => {
  it("writes every segment with its history, and each scheme's summary, on the first run", async () => {
    const summary = await repository.writeScores(RESULT, "run-1");

    expect(summary).toEqual({ written: SEGMENT_COUNT, unchanged: 0, removed: 0 });
    for (const { id, segments } of RESULT.schemes) {
      expect(segmentKeysOf(table.sortKeys(`SCHEME#${id}`))).toEqual(
        segments.map((segment) => `SEG#${segment.id}`).sort(),
      );
    }
    expect(table.sortKeys("SCHEMES")).toEqual(RESULT.schemes.map((s) => `SCHEME#${s.id}`).sort());
    for (const call of dynamo.commandCalls(BatchWriteCommand)) {
      expect(call.args[0].input.RequestItems?.[TABLE_NAME]?.length).toBeLessThanOrEqual(25);
    }
  });

  it("stores a segment as scored, with its scheme and run, and its history in the same item", async () => {
    await repository.writeScores(RESULT, "run-1");
    const { history, ...segment } = scheme(RESULT, "channel").segments[0] as ScoredSegment;
    const stored = { ...segment, schemeId: "channel", runId: "run-1" };
    dynamo.resetHistory();

    expect(await repository.getSegment("channel", segment.id)).toEqual(stored);
    expect(await repository.getSegmentWithHistory("channel", segment.id)).toEqual({
      segment: stored,
      history,
    });
    expect(await repository.getSegmentWithHistory("channel", "no-such-segment")).toBeUndefined();
    // A segment's detail is one read; a plain read leaves the history out.
    const reads = dynamo
      .commandCalls(GetCommand)
      .map((call) => Object.values(call.args[0].input.ExpressionAttributeNames ?? {}));
    expect(reads).toHaveLength(3);
    expect(reads[0]).not.toContain("history");
    expect(reads[1]).toContain("history");
    expect(dynamo.commandCalls(GetCommand).map((call) => call.args[0].input.ConsistentRead)).toEqual([
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
    dynamo.resetHistory();

    const summary = await repository.writeScores(RESULT, "run-2");

    expect(summary).toEqual({ written: 0, unchanged: SEGMENT_COUNT, removed: 0 });
    expect(segmentKeysOf(putSortKeys())).toEqual([]);
    expect(batchWriteRequests().filter((request) => "DeleteRequest" in request)).toEqual([]);
    expect(await repository.getScheme("channel")).toMatchObject({ runId: "run-2" });
  });

  it("rewrites only the segment whose content changed", async () => {
    await repository.writeScores(RESULT, "run-1");
    dynamo.resetHistory();
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

  it("reads the history of a segment stored before it moved into the segment item, until a run rewrites it", async () => {
    await repository.writeScores(RESULT, "run-1");
    const { history, ...segment } = scheme(RESULT, "channel").segments[0] as ScoredSegment;
    const stored = table.item("SCHEME#channel", `SEG#${segment.id}`) as Record<string, unknown>;
    const { history: inItem, ...earlier } = stored;
    table.seed({ ...earlier, bodyHash: "written-by-an-earlier-version" });
    table.seed({ pk: "SCHEME#channel", sk: `HIST#${segment.id}`, history: inItem });

    expect((await repository.getSegmentWithHistory("channel", segment.id))?.history).toEqual(history);
    expect((await repository.writeScores(RESULT, "run-2")).written).toBe(1);
    expect(table.item("SCHEME#channel", `SEG#${segment.id}`)?.history).toBe(inItem);
  });

  it("rewrites a segment whose monthly history alone changed", async () => {
    await repository.writeScores(RESULT, "run-1");
    dynamo.resetHistory();
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
    expect(table.item("SCHEME#channel", `SEG#${gone.id}`)).toBeUndefined();
    expect(segmentKeysOf(table.sortKeys("SCHEME#channel"))).toHaveLength(kept.length);
  });

  it("removes a scheme that is no longer scored, with all its segments", async () => {
    await repository.writeScores(RESULT, "run-1");
    const customers = scheme(RESULT, "customer").segments.length;

    const summary = await repository.writeScores(
      { ...RESULT, schemes: RESULT.schemes.filter((s) => s.id !== "customer") },
      "run-2",
    );

    expect(summary).toEqual({ written: 0, unchanged: SEGMENT_COUNT - customers, removed: customers });
    expect(table.sortKeys("SCHEME#customer")).toEqual([]);
    expect(table.item("SCHEMES", "SCHEME#customer")).toBeUndefined();
    expect(await repository.listSchemes()).toHaveLength(RESULT.schemes.length - 1);
  });

  it("sends unprocessed items again, after growing pauses, until DynamoDB takes them", async () => {
    const resent: Item[][] = [];
    table.unprocessed = (requests, call) => {
      if (call > 1) resent.push([...requests]);
      return call <= 2 ? requests.slice(0, 3) : [];
    };

    const summary = await repository.writeScores(RESULT, "run-1");

    expect(delays).toEqual([100, 200]);
    expect(resent[0]).toHaveLength(3);
    expect(resent[1]).toEqual(resent[0]);
    expect(summary.written).toBe(SEGMENT_COUNT);
    for (const { id, segments } of RESULT.schemes) {
      expect(segmentKeysOf(table.sortKeys(`SCHEME#${id}`))).toHaveLength(segments.length);
    }
  });

  it("fails, saying how many writes were left, once DynamoDB has refused them 8 times", async () => {
    table.unprocessed = (requests) => requests.slice(0, 2);

    await expect(repository.writeScores(RESULT, "run-1")).rejects.toThrow(
      "DynamoDB left 2 writes unprocessed after 8 attempts",
    );
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(8);
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
    await expect(repository.listBatches({ limit: 10, cursor })).rejects.toThrow(
      "the cursor is not one this service issued",
    );
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
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
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
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
    dynamo.resetHistory();

    const page = await repository.listDecisions("channel", "yes", { limit: 50 });

    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      TableName: TABLE_NAME,
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
