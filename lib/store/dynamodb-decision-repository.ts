import { randomUUID } from "node:crypto";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { DecisionEntry } from "#domain/leader-decision.ts";
import { decisionEntrySchema, decisionStateSchema } from "#store/decision-records.ts";
import {
  type DecisionRepository,
  type DecisionState,
  standingDecisionOf,
} from "#store/decision-repository.ts";
import { bodiesUnder } from "#store/query-all.ts";
import { listIndexPage, queryPage } from "#store/query-page.ts";
import type { Page } from "#store/records.ts";
import type { PageRequest } from "#store/score-repository.ts";
import { itemKey, parseStoredJson } from "#store/stored-item.ts";
import { TABLE } from "#store/table-design.ts";

type Item = Record<string, unknown>;

/**
 * Leaders' decisions on the one table. Items (pk / sk), segment ids URI-encoded so that no id is the
 * prefix of another:
 *
 *   SCHEME#{schemeId} / DECISION#{segmentId}#{at}#{nonce}   an audit-trail entry (never changed)
 *   SCHEME#{schemeId} / APPROVAL#{segmentId}                 the standing decision, and `decidedAt`
 *                       gsi1: REVIEWS / {since}#{schemeId}#{segmentId}, only while it needs review
 */
export class DynamoDbDecisionRepository implements DecisionRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(entry: DecisionEntry): Promise<DecisionState> {
    const segment = encodeURIComponent(entry.segmentId);
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          [TABLE.partitionKey]: `SCHEME#${entry.schemeId}`,
          [TABLE.sortKey]: `DECISION#${segment}#${entry.at}#${randomUUID()}`,
          body: JSON.stringify(entry),
        },
      }),
    );
    const state = standingDecisionOf(entry);
    await this.putState(state);
    return state;
  }

  async getState(schemeId: string, segmentId: string): Promise<DecisionState | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: stateKey(schemeId, segmentId) }),
    );
    return Item ? readState(Item.body, itemKey(Item)) : undefined;
  }

  listStates(schemeId: string): Promise<DecisionState[]> {
    return bodiesUnder(this.db, this.tableName, `SCHEME#${schemeId}`, "APPROVAL#", readState);
  }

  history(schemeId: string, segmentId: string, page: PageRequest): Promise<Page<DecisionEntry>> {
    return queryPage(
      this.db,
      this.tableName,
      {
        KeyConditionExpression: "#pk = :pk AND begins_with(#sk, :seg)",
        ExpressionAttributeNames: { "#pk": TABLE.partitionKey, "#sk": TABLE.sortKey },
        ExpressionAttributeValues: {
          ":pk": `SCHEME#${schemeId}`,
          ":seg": `DECISION#${encodeURIComponent(segmentId)}#`,
        },
        ScanIndexForward: false,
      },
      page,
      (item) => readEntry(item.body, itemKey(item)),
    );
  }

  async flagForReview(state: DecisionState, review: NonNullable<DecisionState["review"]>): Promise<void> {
    const flagged: DecisionState = { ...state, needsReview: true, review };
    await this.updateUnlessDecidedSince(
      state,
      "SET #body = :body, #reviewPk = :reviewPk, #reviewSk = :reviewSk",
      {
        ":body": JSON.stringify(flagged),
        ":reviewPk": REVIEWS_PARTITION,
        ":reviewSk": reviewSortKey(flagged.schemeId, flagged.segmentId, review.since),
      },
    );
  }

  async clearReview(state: DecisionState): Promise<void> {
    const { review: _review, ...rest } = state;
    const cleared: DecisionState = { ...rest, needsReview: false };
    await this.updateUnlessDecidedSince(state, "SET #body = :body REMOVE #reviewPk, #reviewSk", {
      ":body": JSON.stringify(cleared),
    });
  }

  /**
   * Updates the standing decision a scoring run read, unless a leader has decided since: the run must
   * not overwrite that decision with its stale copy. (`IN` with one value is equality.)
   */
  private async updateUnlessDecidedSince(
    state: DecisionState,
    update: string,
    values: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: stateKey(state.schemeId, state.segmentId),
          UpdateExpression: update,
          ConditionExpression: "attribute_exists(#pk) AND #decidedAt IN (:decidedAt)",
          ExpressionAttributeNames: {
            "#pk": TABLE.partitionKey,
            "#body": "body",
            "#reviewPk": TABLE.listIndex.partitionKey,
            "#reviewSk": TABLE.listIndex.sortKey,
            "#decidedAt": "decidedAt",
          },
          ExpressionAttributeValues: { ...values, ":decidedAt": state.at },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  listReviews(page: PageRequest): Promise<Page<DecisionState>> {
    return listIndexPage(this.db, this.tableName, REVIEWS_PARTITION, page, (item) =>
      readState(item.body, itemKey(item)),
    );
  }

  /** Writes a new standing decision, in place of any before it and of its review flag. */
  private async putState(state: DecisionState): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...stateKey(state.schemeId, state.segmentId),
          decidedAt: state.at,
          body: JSON.stringify(state),
        },
      }),
    );
  }
}

/** The list index partition of the decisions in question; an item leaves it when decided again. */
const REVIEWS_PARTITION = "REVIEWS";

function reviewSortKey(schemeId: string, segmentId: string, since: string): string {
  return `${since}#${schemeId}#${encodeURIComponent(segmentId)}`;
}

function stateKey(schemeId: string, segmentId: string): Item {
  return {
    [TABLE.partitionKey]: `SCHEME#${schemeId}`,
    [TABLE.sortKey]: `APPROVAL#${encodeURIComponent(segmentId)}`,
  };
}

function readState(body: unknown, key: string): DecisionState {
  return parseStoredJson(decisionStateSchema, body, key, "body");
}

function readEntry(body: unknown, key: string): DecisionEntry {
  return parseStoredJson(decisionEntrySchema, body, key, "body");
}
