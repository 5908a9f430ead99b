import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import type { AwsClientStub } from "aws-sdk-client-mock";
import { TABLE } from "#store/table-design.ts";

export type Item = Record<string, unknown>;
type Operation = "Get" | "Put" | "Update" | "Query" | "BatchWrite";

interface Fault {
  readonly operation: Operation;
  readonly error: () => Error;
  readonly when: ((input: Item) => boolean) | undefined;
  remaining: number;
  failed: number;
}
type DocumentClientMock = AwsClientStub<DynamoDBDocumentClient>;

/**
 * The single table in memory, answering exactly the requests the repository sends (conditional put,
 * SET/REMOVE updates with `attribute_exists` and `IN`, key-equality queries with `begins_with`, on the
 * table or the list index, with pages) — so tests can assert on stored items rather than on calls.
 */
export class FakeTable {
  private readonly items = new Map<string, Item>();
  /** Decides which requests of a BatchWriteItem call DynamoDB leaves unprocessed (none by default). */
  unprocessed: (requests: readonly Item[], call: number) => Item[] = () => [];
  private batchWriteCalls = 0;

  private readonly faults: Fault[] = [];

  /** Routes the document client's commands to this table. */
  attach(mock: DocumentClientMock): this {
    mock
      .on(GetCommand)
      .callsFake((input: GetCommandInput) => this.faultOr("Get", input, () => this.get(input)));
    mock
      .on(PutCommand)
      .callsFake((input: PutCommandInput) => this.faultOr("Put", input, () => this.put(input)));
    mock
      .on(UpdateCommand)
      .callsFake((input: UpdateCommandInput) => this.faultOr("Update", input, () => this.update(input)));
    mock
      .on(QueryCommand)
      .callsFake((input: QueryCommandInput) => this.faultOr("Query", input, () => this.query(input)));
    mock
      .on(BatchWriteCommand)
      .callsFake((input: BatchWriteCommandInput) =>
        this.faultOr("BatchWrite", input, () => this.batchWrite(input)),
      );
    return this;
  }

  /**
   * Makes requests of one kind fail with a fresh error each: every one, or the next `times` of them,
   * or only those whose input `when` picks. Returns how to count the requests that failed.
   */
  failing(
    operation: Operation,
    error: () => Error,
    options: { times?: number; when?: (input: Item) => boolean } = {},
  ): { readonly failed: () => number } {
    const fault: Fault = {
      operation,
      error,
      remaining: options.times ?? Infinity,
      when: options.when,
      failed: 0,
    };
    this.faults.push(fault);
    return { failed: () => fault.failed };
  }

  private faultOr<T>(operation: Operation, input: object, answer: () => T): T {
    const fault = this.faults.find(
      (candidate) =>
        candidate.operation === operation &&
        candidate.remaining > 0 &&
        (candidate.when?.(input as Item) ?? true),
    );
    if (!fault) return answer();
    fault.remaining--;
    fault.failed++;
    throw fault.error();
  }

  item(pk: string, sk: string): Item | undefined {
    const found = this.items.get(keyOf({ [TABLE.partitionKey]: pk, [TABLE.sortKey]: sk }));
    return found && copy(found);
  }

  /** The sort keys stored under a partition, in order. */
  sortKeys(pk: string): string[] {
    return [...this.items.values()]
      .filter((item) => item[TABLE.partitionKey] === pk)
      .map((item) => item[TABLE.sortKey] as string)
      .sort();
  }

  /** The distinct partition keys that begin with a prefix, in order. */
  partitions(prefix: string): string[] {
    const keys = [...this.items.values()].map((item) => item[TABLE.partitionKey] as string);
    return [...new Set(keys.filter((key) => key.startsWith(prefix)))].sort();
  }

  seed(item: Item): void {
    this.items.set(keyOf(item), copy(item));
  }

  get(input: GetCommandInput): { Item?: Item } {
    const found = this.items.get(keyOf(input.Key as Item));
    return found ? { Item: copy(found) } : {};
  }

  put(input: PutCommandInput): object {
    const item = input.Item as Item;
    if (input.ConditionExpression !== undefined) {
      if (input.ConditionExpression !== "attribute_not_exists(#pk)")
        throw new Error(`the fake table does not evaluate ${input.ConditionExpression}`);
      if (this.items.has(keyOf(item))) throw conditionFailed();
    }
    this.items.set(keyOf(item), copy(item));
    return {};
  }

  update(input: UpdateCommandInput): { Attributes?: Item } {
    const key = keyOf(input.Key as Item);
    const names = input.ExpressionAttributeNames ?? {};
    const values = (input.ExpressionAttributeValues ?? {}) as Item;
    const existing = this.items.get(key);
    if (!this.holds(input.ConditionExpression, existing, names, values)) throw conditionFailed();
    const item: Item = { ...(existing ?? (input.Key as Item)) };
    const [, sets = "", removes = ""] =
      /^(?:SET (.*?))?\s*(?:REMOVE (.*))?$/.exec(input.UpdateExpression ?? "") ?? [];
    for (const assignment of sets.split(",").filter((part) => part.trim() !== "")) {
      const [name = "", value = ""] = assignment.split("=").map((side) => side.trim());
      item[names[name] ?? name] = copy(values[value]);
    }
    for (const name of removes.split(",").map((part) => part.trim())) {
      if (name !== "") delete item[names[name] ?? name];
    }
    this.items.set(key, item);
    return input.ReturnValues === "ALL_NEW" ? { Attributes: copy(item) } : {};
  }

  query(input: QueryCommandInput): { Items: Item[]; LastEvaluatedKey?: Item } {
    const names = input.ExpressionAttributeNames ?? {};
    const values = (input.ExpressionAttributeValues ?? {}) as Item;
    const onIndex = input.IndexName === TABLE.listIndex.name;
    const pkName = onIndex ? TABLE.listIndex.partitionKey : TABLE.partitionKey;
    const skName = onIndex ? TABLE.listIndex.sortKey : TABLE.sortKey;
    const prefix = /begins_with\(#sk, (:\w+)\)/.exec(input.KeyConditionExpression ?? "")?.[1];
    if (names["#pk"] !== pkName) throw new Error("the fake table queries on its partition key only");
    let matches = [...this.items.values()]
      .filter((item) => item[pkName] === values[":pk"] && item[skName] !== undefined)
      .filter((item) => prefix === undefined || (item[skName] as string).startsWith(values[prefix] as string))
      .sort((a, b) =>
        compare(`${a[skName]}\u0000${a[TABLE.sortKey]}`, `${b[skName]}\u0000${b[TABLE.sortKey]}`),
      );
    if (input.ScanIndexForward === false) matches.reverse();
    const start = input.ExclusiveStartKey;
    if (start) matches = matches.slice(matches.findIndex((item) => keyOf(item) === keyOf(start)) + 1);
    if (input.Limit === undefined || matches.length <= input.Limit) return { Items: matches.map(copy) };
    const page = matches.slice(0, input.Limit);
    const last = page[page.length - 1] as Item;
    const lastKey: Item = {
      [TABLE.partitionKey]: last[TABLE.partitionKey],
      [TABLE.sortKey]: last[TABLE.sortKey],
    };
    if (onIndex) Object.assign(lastKey, { [pkName]: last[pkName], [skName]: last[skName] });
    return { Items: page.map(copy), LastEvaluatedKey: lastKey };
  }

  batchWrite(input: BatchWriteCommandInput): Partial<BatchWriteCommandOutput> {
    const [[tableName, requests] = ["", []]] = Object.entries(input.RequestItems ?? {});
    if (requests.length > 25)
      throw new Error(`BatchWriteItem takes at most 25 requests, got ${requests.length}`);
    const left = new Set(this.unprocessed(requests as Item[], ++this.batchWriteCalls));
    for (const request of requests) {
      if (left.has(request as Item)) continue;
      if (request.PutRequest)
        this.items.set(keyOf(request.PutRequest.Item as Item), copy(request.PutRequest.Item as Item));
      if (request.DeleteRequest) this.items.delete(keyOf(request.DeleteRequest.Key as Item));
    }
    return left.size > 0 ? { UnprocessedItems: { [tableName]: [...left] } } : { UnprocessedItems: {} };
  }

  private holds(
    condition: string | undefined,
    item: Item | undefined,
    names: Record<string, string>,
    values: Item,
  ) {
    if (condition === undefined) return true;
    return condition.split(" AND ").every((clause) => {
      if (clause === "attribute_exists(#pk)") return item !== undefined;
      const within = /^(#\w+) IN \((.*)\)$/.exec(clause);
      if (!within) throw new Error(`the fake table does not evaluate ${clause}`);
      const [, name = "", allowed = ""] = within;
      return allowed.split(", ").some((value) => item?.[names[name] ?? name] === values[value]);
    });
  }
}

function keyOf(item: Item): string {
  return `${item[TABLE.partitionKey]}\u0000${item[TABLE.sortKey]}`;
}

/** What the document client's marshalling keeps: a deep copy without undefined values. */
function copy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} });
}
