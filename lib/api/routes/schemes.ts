import { ApiError } from "#api/http-error.ts";
import { PLANNERS, type Route, route } from "#api/route.ts";
import {
  decisionsQuerySchema,
  pageQuerySchema,
  schemeParamsSchema,
  segmentParamsSchema,
} from "#api/schemas.ts";
import type { PipelineContext } from "#pipeline/pipeline-context.ts";

/** The planners' side: schemes, their segments, and the board's lists. */
export const schemeRoutes: readonly Route[] = [
  route({
    method: "GET",
    path: "/schemes",
    roles: PLANNERS,
    handle: async (_, { repository }) => ({ status: 200, body: { schemes: await repository.listSchemes() } }),
  }),

  route({
    method: "GET",
    path: "/schemes/{schemeId}/segments",
    roles: PLANNERS,
    params: schemeParamsSchema,
    query: pageQuerySchema,
    async handle({ params, query }, { repository }) {
      const page = await repository.listSegments(params.schemeId, query);
      if (page.items.length === 0) await requireScheme(params.schemeId, { repository });
      return { status: 200, body: { items: page.items, cursor: page.cursor } };
    },
  }),

  route({
    method: "GET",
    path: "/schemes/{schemeId}/segments/{segmentId}",
    roles: PLANNERS,
    params: segmentParamsSchema,
    async handle({ params }, { repository }) {
      const { schemeId, segmentId } = params;
      const [segment, history] = await Promise.all([
        repository.getSegment(schemeId, segmentId),
        repository.getSegmentHistory(schemeId, segmentId),
      ]);
      if (!segment) {
        throw new ApiError(404, "SEGMENT_NOT_FOUND", `scheme "${schemeId}" has no segment "${segmentId}"`);
      }
      // The history is written with the segment; null only if a scoring run removes it meanwhile.
      return { status: 200, body: { ...segment, history: history ?? null } };
    },
  }),
];

/** An empty page is either an empty list or an unknown scheme; only the second is a 404. */
export async function requireScheme(schemeId: string, { repository }: Pick<PipelineContext, "repository">) {
  if (!(await repository.getScheme(schemeId))) {
    throw new ApiError(404, "SCHEME_NOT_FOUND", `no scheme has the id "${schemeId}"`);
  }
}
