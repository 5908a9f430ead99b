import { describe, expect, it } from "vitest";
import { ROLES, rolesAdmittedBy } from "#api/auth.ts";
import type { Route } from "#api/route.ts";
import { apiRoutes } from "#api/routes.ts";
import { memoryApi, TOKENS } from "./api-harness.ts";

/**
 * Who may call what. Every route of the table must be listed here, so a new route cannot ship without
 * someone deciding — and a test checking — who may use it.
 */
const ACCESS: Readonly<Record<string, readonly string[] | "public">> = {
  "GET /health": "public",
  "GET /openapi.json": "public",
  "POST /batches": ["ingest"],
  "GET /batches": ["ingest", "planner", "leader"],
  "GET /batches/{batchId}": ["ingest", "planner", "leader"],
  "PUT /batches/{batchId}/content": ["ingest"],
  "GET /batches/{batchId}/rejects": ["ingest", "planner", "leader"],
  "GET /scenarios": ["planner", "leader"],
  "POST /scenarios": ["planner", "leader"],
  "GET /scenarios/{scenarioId}": ["planner", "leader"],
  "PUT /scenarios/{scenarioId}": ["planner", "leader"],
  "DELETE /scenarios/{scenarioId}": ["planner", "leader"],
  "GET /policy": ["planner", "leader"],
  "PUT /policy": ["planner", "leader"],
  "GET /mappings/{name}": ["ingest", "planner", "leader"],
  "PUT /mappings/{name}": ["ingest", "planner", "leader"],
  "POST /fit": ["planner", "leader"],
  "GET /schemes": ["planner", "leader"],
  "GET /schemes/{schemeId}/segments": ["planner", "leader"],
  "GET /schemes/{schemeId}/segments/{segmentId}": ["planner", "leader"],
  "GET /schemes/{schemeId}/segments/{segmentId}/history": ["planner", "leader"],
  "GET /schemes/{schemeId}/segments/{segmentId}/projection": ["planner", "leader"],
  "GET /schemes/{schemeId}/segments/{segmentId}/differentiators": ["planner", "leader"],
  "GET /schemes/{schemeId}/whale-curve": ["planner", "leader"],
  "GET /schemes/{schemeId}/cost-pools": ["planner", "leader"],
  "GET /schemes/{schemeId}/forecast-accuracy": ["planner", "leader"],
  "GET /schemes/{schemeId}/decisions": ["planner", "leader"],
  "POST /schemes/{schemeId}/segments/{segmentId}/decision": ["leader"],
  "GET /schemes/{schemeId}/segments/{segmentId}/decision-history": ["planner", "leader"],
  "GET /reviews": ["planner", "leader"],
  "GET /": "public",
  "GET /assets/{file}": "public",
};

/** A value for each path parameter any route uses; a route with a new parameter needs one here. */
const SAMPLE_PARAMS: Readonly<Record<string, string>> = {
  batchId: "erp-1",
  scenarioId: "digital-giant",
  name: "erp-export",
  schemeId: "channel",
  segmentId: "direct",
  file: "app-0000.js",
};

const keyOf = (route: Route) => `${route.method} ${route.path}`;

function requestPath(route: Route): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = SAMPLE_PARAMS[name];
    if (value === undefined) throw new Error(`add a sample value for {${name}} to SAMPLE_PARAMS`);
    return value;
  });
}

function setup() {
  return memoryApi().call;
}

const protectedRoutes = apiRoutes.filter((route) => route.roles !== "public");
const callers = [...ROLES, "noRole"] as const;

describe("access to the routes", () => {
  it("is exactly the access matrix above: only health, the OpenAPI document and the leadership page are public", () => {
    const actual = Object.fromEntries(
      apiRoutes.map((route) => [
        keyOf(route),
        route.roles === "public" ? "public" : rolesAdmittedBy(route.roles),
      ]),
    );
    expect(actual).toEqual(ACCESS);
  });

  it.each(protectedRoutes.map((route) => [keyOf(route), route] as const))(
    "%s answers 401 UNAUTHENTICATED to a request without a token",
    async (_, route) => {
      const call = setup();
      const answer = await call({ method: route.method, path: requestPath(route) });
      expect(answer).toEqual({
        status: 401,
        headers: { "content-type": "application/json", "www-authenticate": "Bearer" },
        body: { error: { code: "UNAUTHENTICATED", message: "this request needs a bearer token" } },
      });
    },
  );

  it.each(protectedRoutes.map((route) => [keyOf(route), route] as const))(
    "%s answers 401 to a token without any claim",
    async (_, route) => {
      const call = setup();
      const answer = await call({ method: route.method, path: requestPath(route), claims: {} });
      expect(answer.status).toBe(401);
    },
  );

  const refusals = protectedRoutes.flatMap((route) =>
    callers
      .filter((caller) => !(ACCESS[keyOf(route)] as readonly string[]).includes(caller))
      .map((caller) => [keyOf(route), caller, route] as const),
  );

  it.each(refusals)(
    "%s answers 403 FORBIDDEN to the %s role, naming the roles that may",
    async (key, caller, route) => {
      const call = setup();
      const answer = await call({ method: route.method, path: requestPath(route), claims: TOKENS[caller] });
      const mayUse = ACCESS[key] as readonly string[];
      expect(answer.status).toBe(403);
      expect(answer.body.error).toMatchObject({
        code: "FORBIDDEN",
        message: `only the role${mayUse.length > 1 ? "s" : ""} ${mayUse.join(", ")} may do this`,
        details: { requiredRoles: mayUse },
      });
    },
  );

  const admissions = apiRoutes.flatMap((route) =>
    callers
      .filter((caller) => {
        const access = ACCESS[keyOf(route)];
        return access === "public" || (access as readonly string[]).includes(caller);
      })
      .map((caller) => [keyOf(route), caller, route] as const),
  );

  it.each(admissions)("%s admits the %s role", async (_, caller, route) => {
    const call = setup();
    const answer = await call({ method: route.method, path: requestPath(route), claims: TOKENS[caller] });
    expect([401, 403]).not.toContain(answer.status);
    expect(answer.headers["content-type"]).toBe("application/json");
  });
});
