import { openApiDocument } from "#api/openapi.ts";
import type { Route } from "#api/route.ts";
import { batchRoutes } from "#api/routes/batches.ts";
import { configRoutes } from "#api/routes/config.ts";
import { decisionRoutes } from "#api/routes/decisions.ts";
import { docsRoutes } from "#api/routes/docs.ts";
import { healthRoutes } from "#api/routes/health.ts";
import { pageRoutes } from "#api/routes/page.ts";
import { schemeRoutes } from "#api/routes/schemes.ts";

let document: object | undefined;

/** Every operation of the API. A new one is a new entry; dispatch, auth, validation and docs need no change. */
export const apiRoutes: readonly Route[] = [
  ...healthRoutes,
  // Generated on the first request of a cold start, then served as is.
  ...docsRoutes(() => {
    document ??= openApiDocument(apiRoutes);
    return document;
  }),
  ...batchRoutes,
  ...schemeRoutes,
  ...decisionRoutes,
  ...configRoutes,
  ...pageRoutes,
];
