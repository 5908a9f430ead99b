import type { Policy } from "#domain/policy.ts";
import {
  breadthChangeRefusal,
  changesBreadthDimension,
  isStaleChange,
  nextPolicyVersion,
  policyInForce,
} from "#domain/policy-change.ts";
import { BlobKeys, type BlobStore } from "#store/blob-store.ts";
import type { ConfigRepository } from "#store/config-repository.ts";

/** A whole policy to store as the next version, and the version it was made to when the client says. */
export interface PolicyChange {
  readonly policy: Policy;
  readonly basedOnVersion?: number;
}

export type PolicyChangeOutcome =
  | { readonly outcome: "stored"; readonly policy: Policy }
  /** The change was made to an older version than the one in force. */
  | { readonly outcome: "stale"; readonly basedOnVersion: number; readonly currentVersion: number }
  /** Another change was stored between reading the policy in force and storing this one. */
  | { readonly outcome: "raced"; readonly basedOnVersion: number }
  | { readonly outcome: "breadth_locked"; readonly message: string };

/** The ports a policy change reads and writes. */
export interface PolicyStores {
  readonly config: Pick<ConfigRepository, "getPolicy" | "putPolicy">;
  readonly blobs: Pick<BlobStore, "list">;
}

/** The policy scoring runs with now. */
export async function readPolicyInForce({
  config,
}: {
  readonly config: Pick<ConfigRepository, "getPolicy">;
}): Promise<Policy> {
  return policyInForce(await config.getPolicy());
}

/**
 * Stores a change of the policy as the version after the one in force, unless it was made to an
 * older version, or changes the breadth dimension while batches are aggregated by the old one.
 */
export async function changePolicy(stores: PolicyStores, change: PolicyChange): Promise<PolicyChangeOutcome> {
  const current = await readPolicyInForce(stores);
  if (change.basedOnVersion !== undefined && isStaleChange(change.basedOnVersion, current)) {
    return { outcome: "stale", basedOnVersion: change.basedOnVersion, currentVersion: current.version };
  }
  // Listing the partials is the only cost of the rule: paid only when the dimension changes.
  if (changesBreadthDimension(change.policy, current)) {
    const partials = await stores.blobs.list(BlobKeys.partialsPrefix);
    const refusal = breadthChangeRefusal(change.policy, current, partials.length);
    if (refusal !== undefined) return { outcome: "breadth_locked", message: refusal };
  }
  const next = nextPolicyVersion(change.policy, current);
  if (!(await stores.config.putPolicy(next, current.version))) {
    return { outcome: "raced", basedOnVersion: current.version };
  }
  return { outcome: "stored", policy: next };
}
