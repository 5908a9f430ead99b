import { DEFAULT_POLICY, type Policy } from "#domain/policy.ts";

/** The policy in force: the latest stored version, or the defaults (version 1) until one is stored. */
export function policyInForce(stored: Policy | undefined): Policy {
  return stored ?? DEFAULT_POLICY;
}

/**
 * A change made to another version than the one in force would silently overwrite what changed
 * since. A change that names no version is made to the one in force.
 */
export function isStaleChange(basedOnVersion: number | undefined, current: Policy): boolean {
  return basedOnVersion !== undefined && basedOnVersion !== current.version;
}

/** The version a change stores: the changed policy, numbered one past the one in force. */
export function nextPolicyVersion(change: Policy, current: Policy): Policy {
  return { ...change, version: current.version + 1 };
}

export function changesBreadthDimension(change: Policy, current: Policy): boolean {
  return change.breadthDimension !== current.breadthDimension;
}

/**
 * Why the breadth dimension cannot change, or undefined when it can. Every batch's partial counts
 * cross-buy breadth by the breadth dimension in force when it was ingested, and partials counted by
 * different dimensions cannot be merged: scoring would fail on the next run. So the dimension can
 * change only while no batch is aggregated.
 */
export function breadthChangeRefusal(
  change: Policy,
  current: Policy,
  aggregatedBatches: number,
): string | undefined {
  if (!changesBreadthDimension(change, current) || aggregatedBatches === 0) return undefined;
  return (
    `breadthDimension cannot change from "${current.breadthDimension}" to "${change.breadthDimension}": ` +
    `the ${aggregatedBatches} aggregated batch${aggregatedBatches === 1 ? "" : "es"} counted cross-buy breadth by ` +
    `"${current.breadthDimension}", and counts by different dimensions cannot be merged; ` +
    `send breadthDimension "${current.breadthDimension}" (a policy without it means "${DEFAULT_POLICY.breadthDimension}")`
  );
}
