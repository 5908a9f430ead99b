import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, type Policy, parsePolicy } from "#domain/policy.ts";
import { BlobKeys } from "#store/blob-store.ts";
import { changePolicy, readPolicyInForce } from "#use-cases/change-policy.ts";

/** A policy store holding `stored`, a bucket with `partials` aggregated batches, and what was listed and put. */
function stores(stored: Policy | undefined, partials = 0, { putWins = true } = {}) {
  const listed: string[] = [];
  const puts: Array<{ policy: Policy; expectedVersion: number }> = [];
  return {
    listed,
    puts,
    config: {
      getPolicy: async () => stored,
      putPolicy: async (policy: Policy, expectedVersion: number) => {
        puts.push({ policy, expectedVersion });
        return putWins;
      },
    },
    blobs: {
      list: async (prefix: string) => {
        listed.push(prefix);
        return Array.from({ length: partials }, (_, i) => ({
          key: `${prefix}b${i}`,
          size: 1,
          etag: `e${i}`,
        }));
      },
    },
  };
}

describe("readPolicyInForce", () => {
  it("reads the defaults while no policy is stored", async () => {
    expect(await readPolicyInForce(stores(undefined))).toEqual(DEFAULT_POLICY);
  });
});

describe("changePolicy", () => {
  it("stores the change as the version after the one in force", async () => {
    const ports = stores(parsePolicy({ version: 3 }));
    const change = parsePolicy({ rejectRatio: 0.02 });
    const outcome = await changePolicy(ports, { policy: change, basedOnVersion: 3 });
    expect(outcome).toEqual({ outcome: "stored", policy: { ...change, version: 4 } });
    expect(ports.puts).toEqual([{ policy: { ...change, version: 4 }, expectedVersion: 3 }]);
  });

  it("refuses a change made to an older version without storing it", async () => {
    const ports = stores(parsePolicy({ version: 3 }));
    const outcome = await changePolicy(ports, { policy: DEFAULT_POLICY, basedOnVersion: 2 });
    expect(outcome).toEqual({ outcome: "stale", basedOnVersion: 2, currentVersion: 3 });
    expect(ports.puts).toEqual([]);
  });

  it("says another change got there first when the store refuses the version", async () => {
    const ports = stores(parsePolicy({ version: 3 }), 0, { putWins: false });
    expect(await changePolicy(ports, { policy: DEFAULT_POLICY })).toEqual({
      outcome: "raced",
      basedOnVersion: 3,
    });
  });

  it("refuses a new breadth dimension while batches are aggregated by the old one", async () => {
    const ports = stores(undefined, 2);
    const outcome = await changePolicy(ports, { policy: parsePolicy({ breadthDimension: "brand" }) });
    expect(outcome).toMatchObject({ outcome: "breadth_locked" });
    expect(outcome.outcome === "breadth_locked" && outcome.message).toContain("the 2 aggregated batches");
    expect(ports.listed).toEqual([BlobKeys.partialsPrefix]);
    expect(ports.puts).toEqual([]);
  });

  it("lists no partials when the breadth dimension stays", async () => {
    const ports = stores(undefined, 2);
    expect((await changePolicy(ports, { policy: DEFAULT_POLICY })).outcome).toBe("stored");
    expect(ports.listed).toEqual([]);
  });
});
