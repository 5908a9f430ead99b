/**
 * The single DynamoDB table, shared by the CDK stack and the embedded local stack so both build the
 * same keys. Items (pk / sk):
 *
 *   BATCH#{batchId} / BATCH                    a batch's status and counts      gsi1: BATCHES / {createdAt}#{batchId}
 *   SCHEMES / SCHEME#{schemeId}                a scheme's summary of the last scoring run
 *   SCHEME#{schemeId} / SEG#{segmentId}        a segment's latest scores, decision and monthly history
 *                                              gsi1: SCHEME#{schemeId}#LIST#{yes|fix|no|insufficient} / {focus}#{segmentId}
 *   RUN#{runId} / RUN                          a scoring run: inputs, policy version, timings
 *   CONFIG / POLICY                            the policy in force
 */
export const TABLE = {
  partitionKey: "pk",
  sortKey: "sk",
  listIndex: { name: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk" },
} as const;

/** The table definition for CreateTable (the local stack) — the CDK stack declares the same. */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST" as const,
    AttributeDefinitions: [
      { AttributeName: TABLE.partitionKey, AttributeType: "S" as const },
      { AttributeName: TABLE.sortKey, AttributeType: "S" as const },
      { AttributeName: TABLE.listIndex.partitionKey, AttributeType: "S" as const },
      { AttributeName: TABLE.listIndex.sortKey, AttributeType: "S" as const },
    ],
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: "HASH" as const },
      { AttributeName: TABLE.sortKey, KeyType: "RANGE" as const },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: TABLE.listIndex.name,
        KeySchema: [
          { AttributeName: TABLE.listIndex.partitionKey, KeyType: "HASH" as const },
          { AttributeName: TABLE.listIndex.sortKey, KeyType: "RANGE" as const },
        ],
        Projection: { ProjectionType: "ALL" as const },
      },
    ],
  };
}
