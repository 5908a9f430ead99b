import type { ForceOfChange } from "#domain/forces.ts";
import type { DecisionEntry } from "#domain/leader-decision.ts";
import type { Policy } from "#domain/policy.ts";
import type { ColumnMapping } from "#ingest/mapping.ts";
import type { ConfigRepository } from "#store/config-repository.ts";
import {
  type DecisionRepository,
  type DecisionState,
  standingDecisionOf,
} from "#store/decision-repository.ts";
import type { Page } from "#store/records.ts";
import type { PageRequest } from "#store/score-repository.ts";

/** In-memory stand-ins for the configuration and decision stores, for tests of code that uses them. */
export class MemoryConfigRepository implements ConfigRepository {
  readonly scenarios = new Map<string, ForceOfChange>();
  readonly policies = new Map<number, Policy>();
  readonly mappings = new Map<string, ColumnMapping>();
  current: Policy | undefined;

  async listScenarios() {
    return [...this.scenarios.values()];
  }
  async getScenario(id: string) {
    return this.scenarios.get(id);
  }
  async putScenario(scenario: ForceOfChange) {
    const created = !this.scenarios.has(scenario.id);
    this.scenarios.set(scenario.id, scenario);
    return { created };
  }
  async deleteScenario(id: string) {
    return this.scenarios.delete(id);
  }
  async getPolicy() {
    return this.current;
  }
  async putPolicy(policy: Policy, expectedVersion: number) {
    if ((this.current?.version ?? 1) !== expectedVersion) return false;
    this.current = policy;
    this.policies.set(policy.version, policy);
    return true;
  }
  async getPolicyVersion(version: number) {
    return this.policies.get(version);
  }
  async getMapping(name: string) {
    return this.mappings.get(name);
  }
  async putMapping(name: string, mapping: ColumnMapping) {
    const created = !this.mappings.has(name);
    this.mappings.set(name, mapping);
    return { created };
  }
}

export class MemoryDecisionRepository implements DecisionRepository {
  readonly entries: DecisionEntry[] = [];
  readonly states = new Map<string, DecisionState>();

  async record(entry: DecisionEntry) {
    this.entries.push(entry);
    const state = standingDecisionOf(entry);
    this.states.set(`${entry.schemeId}\u0000${entry.segmentId}`, state);
    return state;
  }
  async getState(schemeId: string, segmentId: string) {
    return this.states.get(`${schemeId}\u0000${segmentId}`);
  }
  async listStates(schemeId: string) {
    return [...this.states.values()].filter((state) => state.schemeId === schemeId);
  }
  async history(schemeId: string, segmentId: string, page: PageRequest): Promise<Page<DecisionEntry>> {
    const all = this.entries.filter((e) => e.schemeId === schemeId && e.segmentId === segmentId).reverse();
    return { items: all.slice(0, page.limit) };
  }
  async flagForReview(state: DecisionState, review: NonNullable<DecisionState["review"]>) {
    this.states.set(`${state.schemeId}\u0000${state.segmentId}`, { ...state, needsReview: true, review });
  }
  async clearReview(state: DecisionState) {
    const { review: _review, ...rest } = state;
    this.states.set(`${state.schemeId}\u0000${state.segmentId}`, { ...rest, needsReview: false });
  }
  async listReviews(page: PageRequest): Promise<Page<DecisionState>> {
    return { items: [...this.states.values()].filter((state) => state.needsReview).slice(0, page.limit) };
  }
}
