import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { BatchChanges, BatchRepository } from "#store/batch-repository.ts";
import { listIndexPage } from "#store/query-page.ts";
import { type BatchRecord, type BatchStatus, batchRecordSchema, type Page } from "#store/records.ts";
import type { PageRequest } from "#store/score-repository.ts";
import { itemKey, parseStored } from "#store/stored-item.ts";
import { TABLE } from "#store/table-design.ts";

type Item = Record<string, unknown>;

/**
 * The BatchRepository on the one table (see table-design.ts): BATCH#{batchId} / BATCH, the batch's
 * fields as attributes, listed newest first on gsi1 under BATCHES. Writes are conditional on the
 * batch existing (or not), as the local emulator has no transactions.
 */
export class DynamoDbBatchRepository implements BatchRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createBatch(batch: BatchRecord): Promise<{ created: boolean; batch: BatchRecord }> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...batchKey(batch.batchId), ...batchListKey(batch), ...batch },
          ConditionExpression: "attribute_not_exists(#pk)",
          ExpressionAttributeNames: { "#pk": TABLE.partitionKey },
        }),
      );
      return { created: true, batch };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.getBatch(batch.batchId);
      if (!existing) throw error;
      return { created: false, batch: existing };
    }
  }

  async getBatch(batchId: string): Promise<BatchRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: batchKey(batchId) }),
    );
    return Item ? toBatch(Item) : undefined;
  }

  async updateBatch(
    batchId: string,
    changes: BatchChanges,
    options: { onlyIfStatusIn?: readonly BatchStatus[] } = {},
  ): Promise<BatchRecord | undefined> {
    const names: Record<string, string> = { "#pk": TABLE.partitionKey };
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    Object.entries(changes).forEach(([field, value], i) => {
      names[`#f${i}`] = field;
      if (value === undefined) removes.push(`#f${i}`);
      else {
        values[`:v${i}`] = value;
        sets.push(`#f${i} = :v${i}`);
      }
    });
    let condition = "attribute_exists(#pk)";
    if (options.onlyIfStatusIn) {
      names["#status"] = "status";
      const allowed = options.onlyIfStatusIn.map((status, i) => {
        values[`:s${i}`] = status;
        return `:s${i}`;
      });
      condition += ` AND #status IN (${allowed.join(", ")})`;
    }
    if (sets.length === 0 && removes.length === 0) return this.getBatch(batchId);
    const update = [
      sets.length > 0 ? `SET ${sets.join(", ")}` : "",
      removes.length > 0 ? `REMOVE ${removes.join(", ")}` : "",
    ]
      .filter(Boolean)
      .join(" ");
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: batchKey(batchId),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: Object.keys(values).length > 0 ? values : undefined,
          ReturnValues: "ALL_NEW",
        }),
      );
      return Attributes ? toBatch(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  listBatches(page: PageRequest): Promise<Page<BatchRecord>> {
    return listIndexPage(this.db, this.tableName, "BATCHES", page, toBatch);
  }
}

function batchKey(batchId: string): Item {
  return { [TABLE.partitionKey]: `BATCH#${batchId}`, [TABLE.sortKey]: "BATCH" };
}

function batchListKey(batch: BatchRecord): Item {
  return {
    [TABLE.listIndex.partitionKey]: "BATCHES",
    [TABLE.listIndex.sortKey]: `${batch.createdAt}#${batch.batchId}`,
  };
}

const KEY_ATTRIBUTES = new Set([
  TABLE.partitionKey,
  TABLE.sortKey,
  TABLE.listIndex.partitionKey,
  TABLE.listIndex.sortKey,
]);

function toBatch(item: Item): BatchRecord {
  const attributes = Object.fromEntries(
    Object.entries(item).filter(([name]) => !KEY_ATTRIBUTES.has(name as never)),
  );
  return parseStored(batchRecordSchema, attributes, itemKey(item));
}
