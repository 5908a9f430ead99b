import { InvalidCursorError } from "#store/score-repository.ts";
import { TABLE } from "#store/table-design.ts";

type Key = Record<string, unknown>;

/** Where a page continues: the query's partition, its sort-key prefix if any, and which index. */
export interface CursorExpectation {
  readonly partition: string;
  readonly sortPrefix?: string;
  readonly onListIndex?: boolean;
}

/** A page's cursor: its last evaluated key as base64url JSON; undefined on the last page. */
export function pageCursor(lastKey: Key | undefined): string | undefined {
  return lastKey ? Buffer.from(JSON.stringify(lastKey)).toString("base64url") : undefined;
}

/**
 * The start key a cursor stands for, refused unless it is a key of the very query it continues: the
 * index's key names exactly, the same partition, and the query's sort-key prefix. A crafted cursor
 * never reaches a key expression.
 */
export function startKeyOf(cursor: string | undefined, expected: CursorExpectation): Key | undefined {
  if (cursor === undefined) return undefined;
  const refuse = () => new InvalidCursorError("the cursor is not one this service issued for this list");
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw refuse();
  }
  if (typeof key !== "object" || key === null || Array.isArray(key)) throw refuse();
  const names: string[] = expected.onListIndex
    ? [TABLE.partitionKey, TABLE.sortKey, TABLE.listIndex.partitionKey, TABLE.listIndex.sortKey]
    : [TABLE.partitionKey, TABLE.sortKey];
  const entries = Object.entries(key);
  const sortKey = (key as Key)[TABLE.sortKey];
  if (
    entries.length !== names.length ||
    !entries.every(
      ([name, value]) => names.includes(name) && typeof value === "string" && value.length < 1024,
    ) ||
    (key as Key)[expected.onListIndex ? TABLE.listIndex.partitionKey : TABLE.partitionKey] !==
      expected.partition ||
    (expected.sortPrefix !== undefined &&
      !(typeof sortKey === "string" && sortKey.startsWith(expected.sortPrefix)))
  ) {
    throw refuse();
  }
  return key as Key;
}
