import type { Route } from "#api/route.ts";
import { batchRoutes } from "#api/routes/batches.ts";
import { configRoutes } from "#api/routes/config.ts";
import { decisionRoutes } from "#api/routes/decisions.ts";
import { healthRoutes } from "#api/routes/health.ts";
import { schemeRoutes } from "#api/routes/schemes.ts";

/** Every operation of the API. A new one is a new entry; dispatch, auth and validation need no change. */
export const apiRoutes: readonly Route[] = [
  ...healthRoutes,
  ...batchRoutes,
  ...schemeRoutes,
  ...decisionRoutes,
  ...configRoutes,
];
