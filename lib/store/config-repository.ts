import type { ForceOfChange } from "#domain/forces.ts";
import type { Policy } from "#domain/policy.ts";
import type { ColumnMapping } from "#ingest/mapping.ts";

/** What planners configure: forces of change (scenarios), the versioned policy, named column mappings. */
export interface ConfigRepository {
  listScenarios(): Promise<ForceOfChange[]>;
  getScenario(id: string): Promise<ForceOfChange | undefined>;
  /** Creates or replaces; `created` tells which. */
  putScenario(scenario: ForceOfChange): Promise<{ readonly created: boolean }>;
  /** False when there was no such scenario. */
  deleteScenario(id: string): Promise<boolean>;

  /** The policy in force; undefined while the defaults are. */
  getPolicy(): Promise<Policy | undefined>;
  /** Stores the policy as version `expectedVersion + 1`, unless another change got there first (then false). */
  putPolicy(policy: Policy, expectedVersion: number): Promise<boolean>;
  getPolicyVersion(version: number): Promise<Policy | undefined>;

  getMapping(name: string): Promise<ColumnMapping | undefined>;
  putMapping(name: string, mapping: ColumnMapping): Promise<{ readonly created: boolean }>;
}
