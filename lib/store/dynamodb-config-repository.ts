import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type * as z from "zod";
import { type ForceOfChange, forceOfChangeSchema } from "#domain/forces.ts";
import { type Policy, policySchema } from "#domain/policy.ts";
import { type ColumnMapping, columnMappingSchema } from "#ingest/mapping.ts";
import type { ConfigRepository } from "#store/config-repository.ts";
import { bodiesUnder } from "#store/query-all.ts";
import { itemKey, parseStoredJson } from "#store/stored-item.ts";
import { TABLE } from "#store/table-design.ts";

type Item = Record<string, unknown>;

/**
 * Planners' configuration on the one table, all under pk CONFIG:
 *
 *   CONFIG / SCENARIO#{id}      a force of change
 *   CONFIG / POLICY             the policy in force (what scoring reads)
 *   CONFIG / POLICY#v{n}        every version ever in force, for the audit of a run's inputs
 *   CONFIG / MAPPING#{name}     a named column mapping
 */
export class DynamoDbConfigRepository implements ConfigRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  listScenarios(): Promise<ForceOfChange[]> {
    return bodiesUnder(this.db, this.tableName, "CONFIG", "SCENARIO#", (body, key) =>
      parseStoredJson(forceOfChangeSchema, body, key, "body"),
    );
  }

  async getScenario(id: string): Promise<ForceOfChange | undefined> {
    return this.getBody(forceOfChangeSchema, `SCENARIO#${id}`);
  }

  async putScenario(scenario: ForceOfChange): Promise<{ created: boolean }> {
    return { created: await this.putBody(`SCENARIO#${scenario.id}`, scenario) };
  }

  async deleteScenario(id: string): Promise<boolean> {
    const { Attributes } = await this.db.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: configKey(`SCENARIO#${id}`),
        ReturnValues: "ALL_OLD",
      }),
    );
    return Attributes !== undefined;
  }

  getPolicy(): Promise<Policy | undefined> {
    return this.getBody(policySchema, "POLICY");
  }

  async putPolicy(policy: Policy, expectedVersion: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...configKey("POLICY"), version: policy.version, body: JSON.stringify(policy) },
          // The defaults (version 1) are never stored: replacing them expects no stored policy at all.
          ConditionExpression:
            expectedVersion === 1
              ? "attribute_not_exists(#pk) OR #version = :expected"
              : "#version = :expected",
          ExpressionAttributeNames:
            expectedVersion === 1
              ? { "#pk": TABLE.partitionKey, "#version": "version" }
              : { "#version": "version" },
          ExpressionAttributeValues: { ":expected": expectedVersion },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...configKey(`POLICY#v${policy.version}`), body: JSON.stringify(policy) },
      }),
    );
    return true;
  }

  getPolicyVersion(version: number): Promise<Policy | undefined> {
    return this.getBody(policySchema, `POLICY#v${version}`);
  }

  getMapping(name: string): Promise<ColumnMapping | undefined> {
    return this.getBody(columnMappingSchema, `MAPPING#${name}`);
  }

  async putMapping(name: string, mapping: ColumnMapping): Promise<{ created: boolean }> {
    return { created: await this.putBody(`MAPPING#${name}`, mapping) };
  }

  /** The item's body, read with the schema its writer validated it with. */
  private async getBody<T>(schema: z.ZodType<T>, sortKey: string): Promise<T | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: configKey(sortKey) }),
    );
    return Item ? parseStoredJson(schema, Item.body, itemKey(Item), "body") : undefined;
  }

  /** Writes the item; true when it did not exist before. */
  private async putBody(sortKey: string, body: unknown): Promise<boolean> {
    const { Attributes } = await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...configKey(sortKey), body: JSON.stringify(body) },
        ReturnValues: "ALL_OLD",
      }),
    );
    return Attributes === undefined;
  }
}

function configKey(sortKey: string): Item {
  return { [TABLE.partitionKey]: "CONFIG", [TABLE.sortKey]: sortKey };
}
