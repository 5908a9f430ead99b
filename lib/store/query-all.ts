import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { itemKey } from "#store/stored-item.ts";
import { TABLE } from "#store/table-design.ts";

/**
 * Every item's JSON `body` under a partition and sort-key prefix, following the pages to the end;
 * `read` turns an item's body (and its key, for errors) into the value.
 */
export async function bodiesUnder<T>(
  db: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  sortPrefix: string,
  read: (body: unknown, key: string) => T,
): Promise<T[]> {
  const bodies: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: "#pk = :pk AND begins_with(#sk, :prefix)",
        ExpressionAttributeNames: { "#pk": TABLE.partitionKey, "#sk": TABLE.sortKey },
        ExpressionAttributeValues: { ":pk": partition, ":prefix": sortPrefix },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) bodies.push(read(item.body, itemKey(item)));
    start = page.LastEvaluatedKey;
  } while (start);
  return bodies;
}
