import { PLANNERS, type Route, route } from "#api/route.ts";
import { requireScheme } from "#api/routes/schemes.ts";
import { decisionsQuerySchema, schemeParamsSchema } from "#api/schemas.ts";

/** Leadership's board: the say-yes / fix / say-no lists, and decisions on them. */
export const decisionRoutes: readonly Route[] = [
  route({
    method: "GET",
    path: "/schemes/{schemeId}/decisions",
    roles: PLANNERS,
    params: schemeParamsSchema,
    query: decisionsQuerySchema,
    async handle({ params, query }, { repository }) {
      const { list, ...page } = query;
      const decisions = await repository.listDecisions(params.schemeId, list, page);
      if (decisions.items.length === 0) await requireScheme(params.schemeId, { repository });
      return { status: 200, body: { list, items: decisions.items, cursor: decisions.cursor } };
    },
  }),
];
