import { describe, expect, it, vi } from "vitest";
import { DEFAULT_POLICY, policySchema } from "#domain/policy.ts";
import { BlobKeys } from "#store/blob-store.ts";
import { MemoryBlobStore } from "#test-support/memory-blobs.ts";
import { MemoryConfigRepository } from "#test-support/memory-config.ts";
import { MemoryScoreRepository } from "#test-support/memory-scores.ts";
import { authorised, memoryApi, TOKENS } from "./api-harness.ts";

function setup() {
  const config = new MemoryConfigRepository();
  const repository = new MemoryScoreRepository();
  const blobs = new MemoryBlobStore();
  const puts = vi.spyOn(blobs, "put");
  const { call } = memoryApi({ scores: repository, blobs, config });
  /** The reasons of the scoring runs asked for, in order. */
  const rescoringRequests = () =>
    puts.mock.calls
      .filter(([key]) => key === BlobKeys.rescoreTrigger)
      .map(([, body]) => JSON.parse(String(body)).reason as string);
  const putPolicy = (body: unknown) => call(authorised.put("planner", "/policy", body));
  return { config, repository, blobs, rescoringRequests, call, putPolicy };
}

/** What a value looks like after a trip through JSON, as the client receives it. */
function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

describe("GET /policy", () => {
  it("answers the defaults as version 1 while no policy is stored", async () => {
    const { call } = setup();
    const answer = await call(authorised.get("planner", "/policy"));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(asJson(DEFAULT_POLICY));
    expect(answer.body.version).toBe(1);
  });
});

describe("PUT /policy", () => {
  it("stores a partial policy as version 2, its other fields at their defaults, and asks for a scoring run", async () => {
    const { putPolicy, call, config, rescoringRequests } = setup();
    const answer = await putPolicy({ thresholds: { chooseFocus: 75 }, rejectRatio: 0.02 });
    const expected = policySchema.parse({ version: 2, thresholds: { chooseFocus: 75 }, rejectRatio: 0.02 });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ policy: asJson(expected), rescoring: "requested" });
    expect(config.policies.get(2)).toEqual(expected);
    expect(rescoringRequests()).toEqual(["policy version 2"]);

    const read = await call(authorised.get("leader", "/policy"));
    expect(read.body).toEqual(asJson(expected));
  });

  it("numbers each accepted change one past the policy in force, keeping every version", async () => {
    const { putPolicy, config, rescoringRequests } = setup();
    await putPolicy({ thresholds: { chooseFocus: 75 } });
    const third = await putPolicy({ thresholds: { chooseFocus: 80 } });
    expect(third.body.policy.version).toBe(3);
    expect(await config.getPolicyVersion(2)).toMatchObject({ thresholds: { chooseFocus: 75 } });
    expect(await config.getPolicyVersion(3)).toMatchObject({ thresholds: { chooseFocus: 80 } });
    expect(rescoringRequests()).toEqual(["policy version 2", "policy version 3"]);
  });

  it("replaces the policy whole: a field left out goes back to its default, not its value in force", async () => {
    const { putPolicy } = setup();
    await putPolicy({ thresholds: { chooseFocus: 75 } });
    const answer = await putPolicy({ rejectRatio: 0.01 });
    expect(answer.body.policy.thresholds.chooseFocus).toBe(DEFAULT_POLICY.thresholds.chooseFocus);
  });

  it("takes a policy read from GET /policy and sent back with its version, as a change to that version", async () => {
    const { putPolicy, call } = setup();
    const read = await call(authorised.get("planner", "/policy"));
    const answer = await putPolicy({
      ...read.body,
      focus: { profitability: 0.5, growth: 0.25, defensibility: 0.25 },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.policy).toMatchObject({ version: 2, focus: { profitability: 0.5 } });
  });

  it("answers 409 POLICY_CONFLICT to a change made to a version no longer in force, storing nothing", async () => {
    const { putPolicy, call, config, rescoringRequests } = setup();
    const read = await call(authorised.get("planner", "/policy"));
    await putPolicy({ thresholds: { chooseFocus: 75 } });
    const stale = await putPolicy({ ...read.body, rejectRatio: 0.01 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toEqual({
      code: "POLICY_CONFLICT",
      message:
        "the policy is at version 2, not version 1 this change was made to; read it again (GET /policy) and apply the change to it",
      details: { basedOnVersion: 1, currentVersion: 2 },
    });
    expect(config.current?.version).toBe(2);
    expect(rescoringRequests()).toEqual(["policy version 2"]);
  });

  it("answers 409 POLICY_CONFLICT when another change is stored between reading the policy and storing this one", async () => {
    const { putPolicy, config, rescoringRequests } = setup();
    await putPolicy({ thresholds: { chooseFocus: 75 } });
    // This request read version 1 just before the other change was stored.
    vi.spyOn(config, "getPolicy").mockResolvedValueOnce(undefined);
    const answer = await putPolicy({ rejectRatio: 0.01 });
    expect(answer.status).toBe(409);
    expect(answer.body.error).toEqual({
      code: "POLICY_CONFLICT",
      message:
        "another change to the policy was stored while this one was made to version 1; read it again (GET /policy) and apply the change to it",
      details: { basedOnVersion: 1 },
    });
    expect(config.current).toMatchObject({ version: 2, rejectRatio: DEFAULT_POLICY.rejectRatio });
    expect(rescoringRequests()).toEqual(["policy version 2"]);
  });

  it("refuses an invalid policy with 400 INVALID_POLICY naming each field and why, storing nothing", async () => {
    const { putPolicy, config, rescoringRequests } = setup();
    const answer = await putPolicy({
      growth: { revenueGrowth: 0.9 },
      thresholds: { chooseFocus: 120 },
      projection: { damping: "high" },
      weigths: {},
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({
      code: "INVALID_POLICY",
      message:
        'the policy is not valid: growth: the weights must add up to 1; thresholds.chooseFocus: Too big: expected number to be <=100; projection.damping: Invalid input: expected number, received string; (root): Unrecognized key: "weigths"',
      details: [
        { path: "body.growth", message: "the weights must add up to 1" },
        { path: "body.thresholds.chooseFocus", message: "Too big: expected number to be <=100" },
        { path: "body.projection.damping", message: "Invalid input: expected number, received string" },
        { path: "body", message: 'Unrecognized key: "weigths"' },
      ],
    });
    expect(config.current).toBeUndefined();
    expect(rescoringRequests()).toEqual([]);
  });

  it("refuses a body that is not a JSON object, or none, with 400 INVALID_REQUEST", async () => {
    const { putPolicy, call } = setup();
    const list = await putPolicy([DEFAULT_POLICY]);
    const none = await call({ method: "PUT", path: "/policy", claims: TOKENS.planner });
    for (const answer of [list, none]) {
      expect(answer.status).toBe(400);
      expect(answer.body.error.details).toEqual([
        { path: "body", message: "send the policy as a JSON object; fields left out take their defaults" },
      ]);
    }
  });

  describe("the breadth dimension", () => {
    it("cannot change once a batch is aggregated, since partials counted by different dimensions cannot be merged", async () => {
      const { putPolicy, blobs, config, rescoringRequests } = setup();
      await blobs.put(BlobKeys.partial("erp-1"), new Uint8Array([1]));
      const answer = await putPolicy({ breadthDimension: "brand" });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe("INVALID_POLICY");
      expect(answer.body.error.details).toEqual([
        {
          path: "body.breadthDimension",
          message:
            'breadthDimension cannot change from "category" to "brand": the 1 aggregated batch counted cross-buy breadth by "category", and counts by different dimensions cannot be merged; send breadthDimension "category" (a policy without it means "category")',
        },
      ]);
      expect(config.current).toBeUndefined();
      expect(rescoringRequests()).toEqual([]);
    });

    it("can change while no batch is aggregated, and is then kept: a policy leaving it out would go back to the default", async () => {
      const { putPolicy, blobs } = setup();
      const set = await putPolicy({ breadthDimension: "brand" });
      expect(set.body.policy.breadthDimension).toBe("brand");

      await blobs.put(BlobKeys.partial("erp-1"), new Uint8Array([1]));
      await blobs.put(BlobKeys.partial("erp-2"), new Uint8Array([1]));
      const leftOut = await putPolicy({ rejectRatio: 0.01 });
      expect(leftOut.status).toBe(400);
      expect(leftOut.body.error.details[0].message).toContain(
        'cannot change from "brand" to "category": the 2 aggregated batches',
      );
      const kept = await putPolicy({ breadthDimension: "brand", rejectRatio: 0.01 });
      expect(kept.status).toBe(200);
      expect(kept.body.policy).toMatchObject({ version: 3, breadthDimension: "brand" });
    });
  });
});
