import { describe, expect, it } from "vitest";
import { authorize, callerRoles, type Role } from "#api/auth.ts";
import type { ApiError } from "#api/http-error.ts";
import { apiEvent, type Claims } from "./api-harness.ts";

const rolesOf = (claims?: Claims) => {
  const roles = callerRoles(apiEvent({ method: "GET", path: "/schemes", ...(claims && { claims }) }));
  return roles && [...roles].sort();
};

describe("callerRoles", () => {
  it("reads Cognito groups in the text form HTTP APIs give an array claim", () => {
    expect(rolesOf({ sub: "u", "cognito:groups": "[leader planner]" })).toEqual(["leader", "planner"]);
    expect(rolesOf({ sub: "u", "cognito:groups": "[planner]" })).toEqual(["planner"]);
  });

  it("reads Cognito groups given as a real array or a single name", () => {
    expect(rolesOf({ sub: "u", "cognito:groups": ["planner", "analysts"] })).toEqual(["planner"]);
    expect(rolesOf({ sub: "u", "cognito:groups": "planner" })).toEqual(["planner"]);
  });

  it("gives a leader everything a planner has", () => {
    expect(rolesOf({ sub: "u", "cognito:groups": "[leader]" })).toEqual(["leader", "planner"]);
  });

  it("gives ingest to a machine client whose scopes include one ending in /ingest", () => {
    expect(rolesOf({ sub: "erp", scope: "openid segment-focus/ingest" })).toEqual(["ingest"]);
    expect(rolesOf({ sub: "erp", scope: "ingest" })).toEqual(["ingest"]);
  });

  it("gives no role for other groups and scopes, such as one that merely ends in the letters ingest", () => {
    expect(
      rolesOf({ sub: "u", "cognito:groups": "[admins Leader]", scope: "segment-focus/noingest" }),
    ).toEqual([]);
  });

  it("is undefined for a request without a token or with no claims", () => {
    expect(rolesOf()).toBeUndefined();
    expect(rolesOf({})).toBeUndefined();
  });
});

describe("authorize", () => {
  const refusal = (access: readonly Role[], roles?: ReadonlySet<Role>) => {
    try {
      authorize(access, roles);
    } catch (error) {
      return error as ApiError;
    }
    throw new Error("expected a refusal");
  };

  it("admits a leader to a route that names only planners", () => {
    expect(authorize(["planner"], new Set<Role>(["leader", "planner"]))).toEqual(
      new Set(["leader", "planner"]),
    );
  });

  it("names leaders among the roles that may use a planners' route, since they carry planner", () => {
    const error = refusal(["planner"], new Set<Role>(["ingest"]));
    expect(error).toMatchObject({
      status: 403,
      code: "FORBIDDEN",
      message: "only the roles planner, leader may do this",
      details: { requiredRoles: ["planner", "leader"], grantedRoles: ["ingest"] },
    });
  });

  it("refuses a caller without a token with 401 and a WWW-Authenticate header", () => {
    expect(refusal(["ingest"])).toMatchObject({
      status: 401,
      code: "UNAUTHENTICATED",
      headers: { "www-authenticate": "Bearer" },
    });
  });

  it("lets anyone through a public route", () => {
    expect(authorize("public", undefined)).toEqual(new Set());
  });
});
