import { createHash } from "node:crypto";
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from "@aws-sdk/lib-dynamodb";
import { type DecisionList, decisionList } from "#domain/decision-list.ts";
import { DECISIONS, type Decision } from "#domain/decisions.ts";
import type { ScoredScheme, ScoredSegment, ScoringResult } from "#domain/scoring.ts";
import { bodiesUnder } from "#store/query-all.ts";
import { listIndexPage, queryPage } from "#store/query-page.ts";
import {
  type Page,
  type RunRecord,
  type SchemeRecord,
  type SegmentRecord,
  schemeBodySchema,
  segmentBodySchema,
  segmentHistorySchema,
  segmentItemSchema,
} from "#store/records.ts";
import type {
  PageRequest,
  ScoreRepository,
  SegmentWithHistory,
  WriteSummary,
} from "#store/score-repository.ts";
import { itemKey, parseStored, parseStoredJson } from "#store/stored-item.ts";
import { TABLE } from "#store/table-design.ts";

type Item = Record<string, unknown>;

const BATCH_WRITE_SIZE = 25;
const MAX_WRITE_ATTEMPTS = 8;
const WRITES_IN_FLIGHT = 4;

/**
 * The ScoreRepository on one DynamoDB table (see table-design.ts). No transactions — the local
 * emulator has none: bulk writes go through BatchWriteItem with its unprocessed items retried, and
 * each segment's content hash decides whether it is written at all.
 */
export class DynamoDbScoreRepository implements ScoreRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async writeScores(result: ScoringResult, runId: string): Promise<WriteSummary> {
    let written = 0;
    let unchanged = 0;
    let removed = 0;
    const current = new Set(result.schemes.map((scheme) => scheme.id));
    for (const stale of (await this.listSchemes()).filter((scheme) => !current.has(scheme.id))) {
      removed += await this.removeSegments(stale.id, new Set());
      await this.batchWrite([
        {
          DeleteRequest: { Key: { [TABLE.partitionKey]: "SCHEMES", [TABLE.sortKey]: `SCHEME#${stale.id}` } },
        },
      ]);
    }
    for (const scheme of result.schemes) {
      const stored = await this.segmentHashes(scheme.id);
      const writes: Item[] = [];
      for (const segment of scheme.segments) {
        const { history, ...rest } = segment;
        const body = JSON.stringify(rest);
        const historyJson = JSON.stringify(history);
        const hash = createHash("sha1").update(body).update(historyJson).digest("base64url");
        if (stored.get(segment.id) === hash) {
          unchanged++;
          continue;
        }
        written++;
        writes.push({
          PutRequest: { Item: segmentItem(scheme.id, segment, { body, history: historyJson, hash, runId }) },
        });
      }
      await this.batchWrite(writes);
      removed += await this.removeSegments(
        scheme.id,
        new Set(scheme.segments.map((segment) => segment.id)),
        stored,
      );
      await this.batchWrite([{ PutRequest: { Item: schemeItem(scheme, result, runId) } }]);
    }
    return { written, unchanged, removed };
  }

  listSchemes(): Promise<SchemeRecord[]> {
    return bodiesUnder(this.db, this.tableName, "SCHEMES", "SCHEME#", toScheme);
  }

  async getScheme(schemeId: string): Promise<SchemeRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [TABLE.partitionKey]: "SCHEMES", [TABLE.sortKey]: `SCHEME#${schemeId}` },
      }),
    );
    return Item ? toScheme(Item.body, itemKey(Item)) : undefined;
  }

  listSegments(schemeId: string, page: PageRequest): Promise<Page<SegmentRecord>> {
    return queryPage(
      this.db,
      this.tableName,
      {
        KeyConditionExpression: "#pk = :pk AND begins_with(#sk, :seg)",
        ExpressionAttributeNames: { "#pk": TABLE.partitionKey, "#sk": TABLE.sortKey },
        ExpressionAttributeValues: { ":pk": `SCHEME#${schemeId}`, ":seg": "SEG#" },
      },
      page,
      (item) => toSegment(item, itemKey(item)),
    );
  }

  async getSegment(schemeId: string, segmentId: string): Promise<SegmentRecord | undefined> {
    const Item = await this.readSegmentItem(schemeId, segmentId, ["body", "schemeId", "runId"]);
    return Item ? toSegment(Item, segmentKey(schemeId, segmentId)) : undefined;
  }

  async getSegmentWithHistory(schemeId: string, segmentId: string): Promise<SegmentWithHistory | undefined> {
    const Item = await this.readSegmentItem(schemeId, segmentId, ["body", "schemeId", "runId", "history"]);
    if (!Item || Item.history === undefined) return undefined;
    const key = segmentKey(schemeId, segmentId);
    return {
      segment: toSegment(Item, key),
      history: parseStoredJson(segmentHistorySchema, Item.history, key, "history"),
    };
  }

  private async readSegmentItem(
    schemeId: string,
    segmentId: string,
    attributes: readonly string[],
  ): Promise<Item | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [TABLE.partitionKey]: `SCHEME#${schemeId}`, [TABLE.sortKey]: `SEG#${segmentId}` },
        // Strongly consistent: the API keeps what it reads for the run its scheme record names, and a
        // lagging replica must not hand it the previous run's segment to keep for a whole run.
        ConsistentRead: true,
        ProjectionExpression: attributes.map((_, at) => `#a${at}`).join(", "),
        ExpressionAttributeNames: Object.fromEntries(attributes.map((name, at) => [`#a${at}`, name])),
      }),
    );
    return Item;
  }

  listDecisions(schemeId: string, list: DecisionList, page: PageRequest): Promise<Page<SegmentRecord>> {
    return listIndexPage(this.db, this.tableName, listPartition(schemeId, list), page, (item) =>
      toSegment(item, itemKey(item)),
    );
  }

  async putRun(run: RunRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { [TABLE.partitionKey]: `RUN#${run.runId}`, [TABLE.sortKey]: "RUN", ...run },
      }),
    );
  }

  /** The stored content hash of every segment of a scheme. */
  private async segmentHashes(schemeId: string): Promise<Map<string, string>> {
    const hashes = new Map<string, string>();
    let start: Item | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "#pk = :pk AND begins_with(#sk, :seg)",
          ProjectionExpression: "#sk, bodyHash",
          ExpressionAttributeNames: { "#pk": TABLE.partitionKey, "#sk": TABLE.sortKey },
          ExpressionAttributeValues: { ":pk": `SCHEME#${schemeId}`, ":seg": "SEG#" },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? [])
        hashes.set((item[TABLE.sortKey] as string).slice(4), item.bodyHash as string);
      start = page.LastEvaluatedKey;
    } while (start);
    return hashes;
  }

  /** Deletes the stored segments of a scheme that are not in `keep`; returns how many. */
  private async removeSegments(
    schemeId: string,
    keep: ReadonlySet<string>,
    stored?: Map<string, string>,
  ): Promise<number> {
    const existing = stored ?? (await this.segmentHashes(schemeId));
    const deletes: Item[] = [];
    for (const segmentId of existing.keys()) {
      if (keep.has(segmentId)) continue;
      deletes.push({
        DeleteRequest: {
          Key: { [TABLE.partitionKey]: `SCHEME#${schemeId}`, [TABLE.sortKey]: `SEG#${segmentId}` },
        },
      });
    }
    await this.batchWrite(deletes);
    return deletes.length;
  }

  /** BatchWriteItem in chunks of 25, retrying unprocessed items with exponential backoff. */
  private async batchWrite(requests: Item[]): Promise<void> {
    const chunks: Item[][] = [];
    for (let at = 0; at < requests.length; at += BATCH_WRITE_SIZE)
      chunks.push(requests.slice(at, at + BATCH_WRITE_SIZE));
    // A few requests in flight at once: one at a time leaves the table (and the network) idle between them.
    let next = 0;
    const writer = async () => {
      while (next < chunks.length) await this.writeChunk(chunks[next++] as Item[]);
    };
    await Promise.all(Array.from({ length: Math.min(WRITES_IN_FLIGHT, chunks.length) }, writer));
  }

  /** One BatchWriteItem of up to 25 requests, retrying unprocessed items with exponential backoff. */
  private async writeChunk(chunk: Item[]): Promise<void> {
    let pending = chunk;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_WRITE_ATTEMPTS) {
        throw new Error(
          `DynamoDB left ${pending.length} writes unprocessed after ${MAX_WRITE_ATTEMPTS} attempts`,
        );
      }
      if (attempt > 1) await this.sleep(Math.min(2000, 25 * 2 ** attempt));
      const response = await this.db.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
      );
      pending = (response.UnprocessedItems?.[this.tableName] ?? []) as Item[];
    }
  }
}

function listPartition(schemeId: string, list: DecisionList): string {
  return `SCHEME#${schemeId}#LIST#${list}`;
}

function segmentKey(schemeId: string, segmentId: string): string {
  return `SCHEME#${schemeId} / SEG#${segmentId}`;
}

/** A segment item as the record it stores; the body is checked as far as segmentBodySchema goes (see records.ts). */
function toSegment(item: Item, key: string): SegmentRecord {
  const { schemeId, runId, body } = parseStored(segmentItemSchema, item, key);
  const segment = parseStoredJson(segmentBodySchema, body, key, "body");
  return { ...(segment as unknown as Omit<SegmentRecord, "schemeId" | "runId">), schemeId, runId };
}

/** A scheme item's body as its record, checked as far as schemeBodySchema goes (see records.ts). */
function toScheme(body: unknown, key: string): SchemeRecord {
  return parseStoredJson(schemeBodySchema, body, key, "body") as unknown as SchemeRecord;
}

/**
 * A segment item: the whole scored segment as JSON in `body` (DynamoDB numbers cannot hold what
 * JSON can, and the API returns it as is), its monthly history as JSON in `history` (so that a
 * segment's detail is one read), plus the figures that lists filter and sort on.
 */
function segmentItem(
  schemeId: string,
  segment: ScoredSegment,
  stored: { readonly body: string; readonly history: string; readonly hash: string; readonly runId: string },
): Item {
  const { body, history, hash, runId } = stored;
  return {
    [TABLE.partitionKey]: `SCHEME#${schemeId}`,
    [TABLE.sortKey]: `SEG#${segment.id}`,
    [TABLE.listIndex.partitionKey]: listPartition(schemeId, decisionList(segment.decision)),
    [TABLE.listIndex.sortKey]: `${segment.scores.focus.toFixed(4).padStart(9, "0")}#${segment.id}`,
    schemeId,
    segmentId: segment.id,
    runId,
    decision: segment.decision,
    profitClass: segment.profitClass,
    focus: segment.scores.focus,
    revenue: segment.metrics.revenue,
    profit: segment.metrics.profit,
    body,
    history,
    bodyHash: hash,
  };
}

function schemeItem(scheme: ScoredScheme, result: ScoringResult, runId: string): Item {
  const decisions = Object.fromEntries(DECISIONS.map((decision) => [decision, 0])) as Record<
    Decision,
    number
  >;
  for (const segment of scheme.segments) decisions[segment.decision]++;
  const { segments, ...summary } = scheme;
  const record: SchemeRecord = {
    ...summary,
    segmentCount: segments.length,
    decisions,
    latestMonth: result.latestMonth,
    runId,
  };
  return {
    [TABLE.partitionKey]: "SCHEMES",
    [TABLE.sortKey]: `SCHEME#${scheme.id}`,
    schemeId: scheme.id,
    body: JSON.stringify(record),
  };
}
