import { type Route, route } from "#api/route.ts";

export const healthRoutes: readonly Route[] = [
  route({
    method: "GET",
    path: "/health",
    roles: "public",
    handle: async () => ({ status: 200, body: { status: "ok" } }),
  }),
];
