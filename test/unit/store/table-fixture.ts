import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach } from "vitest";
import { FakeTable } from "./fake-table.ts";

/** The table name the adapters under test are given. */
export const TEST_TABLE = "segfocus-test";

/**
 * A fake table behind the DynamoDB document client, mocked for the whole test file: before each test
 * the mock is reset, an empty table attached, and a new client made for the adapter under test.
 * Call at a test file's top level; a subclass of FakeTable comes from `newTable`.
 */
export function fakeTableEachTest<T extends FakeTable = FakeTable>(
  newTable: () => T = () => new FakeTable() as T,
) {
  const fixture = {
    dynamo: mockClient(DynamoDBDocumentClient),
    table: newTable(),
    client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" })),
  };
  beforeEach(() => {
    fixture.dynamo.reset();
    fixture.table = newTable().attach(fixture.dynamo);
    fixture.client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
  });
  return fixture;
}
