import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, type Policy, parsePolicy } from "#domain/policy.ts";
import {
  breadthChangeRefusal,
  changesBreadthDimension,
  isStaleChange,
  nextPolicyVersion,
  policyInForce,
} from "#domain/policy-change.ts";

const atVersion = (version: number, breadthDimension = "category"): Policy =>
  parsePolicy({ version, breadthDimension });

describe("policyInForce", () => {
  it("is the defaults, version 1, while no policy is stored", () => {
    expect(policyInForce(undefined)).toEqual(DEFAULT_POLICY);
    expect(policyInForce(undefined).version).toBe(1);
  });

  it("is the stored policy once there is one", () => {
    const stored = atVersion(4);
    expect(policyInForce(stored)).toBe(stored);
  });
});

describe("isStaleChange", () => {
  it("refuses a change made to an older version than the one in force", () => {
    expect(isStaleChange(2, atVersion(3))).toBe(true);
  });

  it("accepts a change made to the version in force, or naming none", () => {
    expect(isStaleChange(3, atVersion(3))).toBe(false);
    expect(isStaleChange(undefined, atVersion(3))).toBe(false);
  });
});

describe("nextPolicyVersion", () => {
  it("numbers the change one past the version in force, whatever version it carries", () => {
    const change = parsePolicy({ version: 1, thresholds: { chooseFocus: 80 } });
    const next = nextPolicyVersion(change, atVersion(6));
    expect(next.version).toBe(7);
    expect(next.thresholds.chooseFocus).toBe(80);
  });
});

describe("breadthChangeRefusal", () => {
  it("lets the breadth dimension change while no batch is aggregated", () => {
    expect(breadthChangeRefusal(atVersion(1, "brand"), atVersion(1), 0)).toBeUndefined();
  });

  it("lets a change keep the breadth dimension however many batches are aggregated", () => {
    expect(changesBreadthDimension(atVersion(1), atVersion(2))).toBe(false);
    expect(breadthChangeRefusal(atVersion(1), atVersion(2), 12)).toBeUndefined();
  });

  it("refuses a new breadth dimension once batches are counted by the old one, naming both and the count", () => {
    const refusal = breadthChangeRefusal(atVersion(1, "brand"), atVersion(1), 1);
    expect(refusal).toMatch(
      /^breadthDimension cannot change from "category" to "brand": the 1 aggregated batch counted/,
    );
    expect(refusal).toContain('send breadthDimension "category"');
    expect(breadthChangeRefusal(atVersion(1, "brand"), atVersion(1), 3)).toContain(
      "the 3 aggregated batches",
    );
  });
});
