import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { pageCursor, startKeyOf } from "#store/cursors.ts";
import type { Page } from "#store/records.ts";
import type { PageRequest } from "#store/score-repository.ts";
import { TABLE } from "#store/table-design.ts";

type Item = Record<string, unknown>;

/**
 * One page of a query whose partition is `:pk` (and sort-key prefix, if any, `:seg`), continuing
 * from the page's cursor only when the cursor is a key of this very query.
 */
export async function queryPage<T>(
  db: DynamoDBDocumentClient,
  tableName: string,
  query: Omit<QueryCommandInput, "TableName" | "Limit" | "ExclusiveStartKey">,
  page: PageRequest,
  map: (item: Item) => T,
): Promise<Page<T>> {
  const response = await db.send(
    new QueryCommand({
      ...query,
      TableName: tableName,
      Limit: page.limit,
      ExclusiveStartKey: startKeyOf(page.cursor, {
        partition: query.ExpressionAttributeValues?.[":pk"] as string,
        sortPrefix: query.ExpressionAttributeValues?.[":seg"] as string | undefined,
        onListIndex: query.IndexName === TABLE.listIndex.name,
      }),
    }),
  );
  return { items: (response.Items ?? []).map(map), cursor: pageCursor(response.LastEvaluatedKey) };
}

/** One page of a list-index partition (a board list, the batches, the reviews), highest sort key first. */
export function listIndexPage<T>(
  db: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  page: PageRequest,
  map: (item: Item) => T,
): Promise<Page<T>> {
  return queryPage(
    db,
    tableName,
    {
      IndexName: TABLE.listIndex.name,
      KeyConditionExpression: "#pk = :pk",
      ExpressionAttributeNames: { "#pk": TABLE.listIndex.partitionKey },
      ExpressionAttributeValues: { ":pk": partition },
      ScanIndexForward: false,
    },
    page,
    map,
  );
}
