import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { ApiError } from "#api/http-error.ts";

/** Who may call what: ERP machines ingest, planners read and plan, leaders also decide. */
export const ROLES = ["ingest", "planner", "leader"] as const;
export type Role = (typeof ROLES)[number];

/** The roles a route admits, or "public" for one that needs no token. */
export type RouteAccess = readonly Role[] | "public";

/** The roles each role carries with it: a leader can do all a planner can. */
const CARRIES: Readonly<Record<Role, readonly Role[]>> = {
  ingest: ["ingest"],
  planner: ["planner"],
  leader: ["leader", "planner"],
};

const GROUP_ROLES: ReadonlySet<string> = new Set<Role>(["planner", "leader"]);

/**
 * The roles the verified token of the request grants, read from the JWT authorizer's claims: Cognito
 * groups `planner` and `leader` for people, an OAuth scope `…/ingest` for ERP machine clients.
 * Undefined when the request carries no token at all.
 */
export function callerRoles(event: APIGatewayProxyEventV2WithJWTAuthorizer): ReadonlySet<Role> | undefined {
  // Typed as always present, but a route without an authorizer (GET /health, GET /openapi.json) receives no authorizer.
  const claims = event.requestContext.authorizer?.jwt?.claims;
  if (!claims || Object.keys(claims).length === 0) return undefined;
  const granted = new Set<Role>();
  for (const group of claimValues(claims["cognito:groups"])) {
    if (GROUP_ROLES.has(group)) for (const role of CARRIES[group as Role]) granted.add(role);
  }
  for (const scope of claimValues(claims.scope)) {
    if (scope === "ingest" || scope.endsWith("/ingest")) granted.add("ingest");
  }
  return granted;
}

/**
 * HTTP APIs pass an array claim as the text `[leader planner]`; other sources pass a real array or a
 * space-separated string (OAuth scopes). All three read as the list of values.
 */
function claimValues(claim: string | number | boolean | readonly string[] | undefined): string[] {
  if (claim === undefined) return [];
  const text = Array.isArray(claim) ? claim.join(" ") : String(claim);
  return text
    .replace(/^\s*\[|\]\s*$/g, "")
    .split(/[\s,]+/)
    .filter((value) => value !== "");
}

/**
 * Admits the caller to a route or throws: 401 UNAUTHENTICATED without a token, 403 FORBIDDEN naming
 * the roles that may use the route when the token grants none of them.
 */
export function authorize(access: RouteAccess, roles: ReadonlySet<Role> | undefined): ReadonlySet<Role> {
  if (access === "public") return roles ?? new Set();
  if (!roles) {
    throw new ApiError(401, "UNAUTHENTICATED", "this request needs a bearer token", undefined, {
      "www-authenticate": "Bearer",
    });
  }
  if (access.some((role) => roles.has(role))) return roles;
  const mayUse = rolesAdmittedBy(access);
  throw new ApiError(
    403,
    "FORBIDDEN",
    `only the role${mayUse.length > 1 ? "s" : ""} ${mayUse.join(", ")} may do this`,
    {
      requiredRoles: mayUse,
      grantedRoles: [...roles],
    },
  );
}

/** Every role whose holder passes a route admitting `access`, counting the roles each carries. */
export function rolesAdmittedBy(access: readonly Role[]): Role[] {
  return ROLES.filter((role) => CARRIES[role].some((carried) => access.includes(carried)));
}

/** Who is calling, for audit trails: a person's user name, or a machine client's id; "anonymous" on public routes. */
export function callerId(event: APIGatewayProxyEventV2WithJWTAuthorizer): string {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  const id = claims["cognito:username"] ?? claims.username ?? claims.client_id ?? claims.sub;
  return typeof id === "string" && id !== "" ? id : "anonymous";
}
