import {
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  type PutCommandInput,
} from "@aws-sdk/lib-dynamodb";
import type { AwsClientStub } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { type ForceOfChange, forceOfChangeSchema } from "#domain/forces.ts";
import { type Policy, policySchema } from "#domain/policy.ts";
import { columnMappingSchema } from "#ingest/mapping.ts";
import { DynamoDbConfigRepository } from "#store/dynamodb-config-repository.ts";
import { ERP_COLUMNS } from "#test-support/erp-mapping.ts";
import { conditionFailed, FakeTable, type Item } from "./fake-table.ts";
import { fakeTableEachTest, TEST_TABLE } from "./table-fixture.ts";

/**
 * The fake table, plus what the configuration asks of DynamoDB beyond what the score repository
 * does: deletes, a put's previous item (ReturnValues ALL_OLD), and the policy's version conditions.
 */
class ConfigTable extends FakeTable {
  override attach(mock: AwsClientStub<DynamoDBDocumentClient>): this {
    super.attach(mock);
    mock.on(DeleteCommand).callsFake((input: DeleteCommandInput) => this.delete(input));
    return this;
  }

  override put(input: PutCommandInput): { Attributes?: Item } {
    const item = input.Item as Item;
    const before = this.get({ TableName: input.TableName, Key: { pk: item.pk, sk: item.sk } }).Item;
    const condition = input.ConditionExpression;
    if (condition === undefined || condition === "attribute_not_exists(#pk)") super.put(input);
    else {
      const names = input.ExpressionAttributeNames ?? {};
      const values = (input.ExpressionAttributeValues ?? {}) as Item;
      const holds = condition.split(" OR ").some((clause) => {
        if (clause === "attribute_not_exists(#pk)") return before === undefined;
        const equal = /^(#\w+) = (:\w+)$/.exec(clause);
        if (!equal) throw new Error(`the fake table does not evaluate ${clause}`);
        const [, name = "", value = ""] = equal;
        return before !== undefined && before[names[name] ?? name] === values[value];
      });
      if (!holds) throw conditionFailed();
      super.put({ ...input, ConditionExpression: undefined });
    }
    return input.ReturnValues === "ALL_OLD" && before ? { Attributes: before } : {};
  }

  delete(input: DeleteCommandInput): { Attributes?: Item } {
    const before = this.get({ TableName: input.TableName, Key: input.Key }).Item;
    this.batchWrite({
      RequestItems: { [input.TableName as string]: [{ DeleteRequest: { Key: input.Key } }] },
    });
    return input.ReturnValues === "ALL_OLD" && before ? { Attributes: before } : {};
  }
}

const db = fakeTableEachTest(() => new ConfigTable());
let config: DynamoDbConfigRepository;

beforeEach(() => {
  config = new DynamoDbConfigRepository(db.client, TEST_TABLE);
});

const force = (id: string, volumeGrowth = -0.15): ForceOfChange =>
  forceOfChangeSchema.parse({ id, name: `Force ${id}`, match: { channel: "online" }, volumeGrowth });

const policy = (version: number, chooseFocus: number): Policy =>
  policySchema.parse({ version, thresholds: { chooseFocus } });

describe("DynamoDbConfigRepository", () => {
  describe("scenarios", () => {
    it("stores a force under CONFIG / SCENARIO#{id}, telling a creation from a replacement", async () => {
      expect(await config.putScenario(force("digital-giant"))).toEqual({ created: true });
      expect(await config.putScenario(force("digital-giant", -0.3))).toEqual({ created: false });
      expect(db.table.sortKeys("CONFIG")).toEqual(["SCENARIO#digital-giant"]);
      expect(await config.getScenario("digital-giant")).toEqual(force("digital-giant", -0.3));
      expect(await config.getScenario("new-entrant")).toBeUndefined();
    });

    it("lists every force, in id order", async () => {
      for (const id of ["product-innovation", "digital-giant", "new-entrant"])
        await config.putScenario(force(id));
      await config.putMapping("erp", columnMappingSchema.parse({ columns: ERP_COLUMNS }));
      expect((await config.listScenarios()).map((scenario) => scenario.id)).toEqual([
        "digital-giant",
        "new-entrant",
        "product-innovation",
      ]);
    });

    it("deletes a force, telling whether there was one", async () => {
      await config.putScenario(force("digital-giant"));
      expect(await config.deleteScenario("digital-giant")).toBe(true);
      expect(await config.deleteScenario("digital-giant")).toBe(false);
      expect(await config.listScenarios()).toEqual([]);
    });
  });

  describe("the policy", () => {
    it("writes the one item it reads back, CONFIG / POLICY with its version and JSON body", async () => {
      expect(await config.getPolicy()).toBeUndefined();
      expect(await config.putPolicy(policy(2, 75), 1)).toBe(true);
      expect(db.table.item("CONFIG", "POLICY")).toEqual({
        pk: "CONFIG",
        sk: "POLICY",
        version: 2,
        body: JSON.stringify(policy(2, 75)),
      });
      expect(await config.getPolicy()).toEqual(policy(2, 75));
    });

    it("keeps every version under CONFIG / POLICY#v{n}", async () => {
      await config.putPolicy(policy(2, 75), 1);
      await config.putPolicy(policy(3, 80), 2);
      expect(await config.getPolicyVersion(2)).toEqual(policy(2, 75));
      expect(await config.getPolicyVersion(3)).toEqual(policy(3, 80));
      expect(await config.getPolicyVersion(4)).toBeUndefined();
      expect(await config.getPolicy()).toEqual(policy(3, 80));
    });

    it("refuses a change made to a version no longer in force, leaving the policy and its history as they were", async () => {
      await config.putPolicy(policy(2, 75), 1);
      expect(await config.putPolicy(policy(2, 90), 1)).toBe(false);
      expect(await config.putPolicy(policy(4, 90), 3)).toBe(false);
      expect(await config.getPolicy()).toEqual(policy(2, 75));
      expect(await config.getPolicyVersion(2)).toEqual(policy(2, 75));
      expect(db.table.sortKeys("CONFIG")).toEqual(["POLICY", "POLICY#v2"]);
    });
  });

  describe("mappings", () => {
    const mapping = columnMappingSchema.parse({ columns: ERP_COLUMNS });

    it("stores a mapping under CONFIG / MAPPING#{name}, telling a creation from a replacement", async () => {
      expect(await config.putMapping("erp-export.v2", mapping)).toEqual({ created: true });
      expect(await config.putMapping("erp-export.v2", { ...mapping, delimiter: ";" })).toEqual({
        created: false,
      });
      expect(await config.getMapping("erp-export.v2")).toEqual({ ...mapping, delimiter: ";" });
      expect(await config.getMapping("erp-export")).toBeUndefined();
      expect(db.table.sortKeys("CONFIG")).toEqual(["MAPPING#erp-export.v2"]);
    });
  });

  describe("reading stored items", () => {
    it("refuses a stored policy that is not one a planner could have put, naming its key and field", async () => {
      await config.putPolicy(policySchema.parse({ version: 2 }), 1);
      const stored = db.table.item("CONFIG", "POLICY") as Item;
      db.table.seed({
        ...stored,
        body: JSON.stringify({ ...JSON.parse(stored.body as string), version: "two" }),
      });

      await expect(config.getPolicy()).rejects.toThrow(/^stored item CONFIG \/ POLICY: body\.version: /);
    });

    it("refuses a stored force whose body is not JSON, naming its key", async () => {
      await config.putScenario(force("digital-giant"));
      db.table.seed({ ...(db.table.item("CONFIG", "SCENARIO#digital-giant") as Item), body: "{cut" });

      await expect(config.listScenarios()).rejects.toThrow(
        "stored item CONFIG / SCENARIO#digital-giant: body: not JSON",
      );
    });
  });
});
