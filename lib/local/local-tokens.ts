/**
 * Locally, bearer tokens stand in for the JWT authorizer: each maps to the claims a Cognito token of
 * that role would carry. Overridable by environment (SEGFOCUS_INGEST_TOKEN, …) for shared machines.
 */
export interface LocalTokens {
  readonly ingest: string;
  readonly planner: string;
  readonly leader: string;
}

export function localTokens(env: NodeJS.ProcessEnv = process.env): LocalTokens {
  return {
    ingest: env.SEGFOCUS_INGEST_TOKEN || "local-ingest",
    planner: env.SEGFOCUS_PLANNER_TOKEN || "local-planner",
    leader: env.SEGFOCUS_LEADER_TOKEN || "local-leader",
  };
}

/** The JWT claims API Gateway would pass for a token, or undefined for an unknown token. */
export function claimsFor(token: string, tokens: LocalTokens): Record<string, string> | undefined {
  if (token === tokens.ingest)
    return { sub: "local-erp-client", client_id: "local-erp-client", scope: "segment-focus/ingest" };
  if (token === tokens.planner)
    return { sub: "local-planner", "cognito:username": "planner", "cognito:groups": "[planner]" };
  if (token === tokens.leader)
    return { sub: "local-leader", "cognito:username": "leader", "cognito:groups": "[leader planner]" };
  return undefined;
}
