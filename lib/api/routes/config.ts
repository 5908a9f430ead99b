import type { Route } from "#api/route.ts";

/** Planners' configuration: forces of change, the policy, named column mappings, and the fit check. */
export const configRoutes: readonly Route[] = [];
