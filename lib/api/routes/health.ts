import { type Route, route } from "#api/route.ts";
import { healthResponseSchema } from "#api/schemas.ts";

export const healthRoutes: readonly Route[] = [
  route({
    method: "GET",
    path: "/health",
    summary: "Whether the API answers",
    roles: "public",
    responses: { 200: healthResponseSchema },
    handle: async () => ({ status: 200, body: { status: "ok" } }),
  }),
];
