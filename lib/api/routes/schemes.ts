import { ApiError } from "#api/http-error.ts";
import { invalidRequest, PLANNERS, type Route, route } from "#api/route.ts";
import { schemeParamsSchema, segmentParamsSchema } from "#api/schemas.ts";
import {
  cursorOffset,
  decodeSegmentListCursor,
  segmentListPage,
  segmentListPageJson,
} from "#api/segment-list.ts";
import {
  type CostPoolsResponse,
  costPoolsQuerySchema,
  costPoolsResponseSchema,
  DIMENSION_FILTER_PREFIX,
  type ForecastAccuracyResponse,
  forecastAccuracyResponseSchema,
  type SegmentDifferentiators,
  type SegmentHistory,
  type SegmentProjection,
  schemesResponseSchema,
  segmentDifferentiatorsSchema,
  segmentHistorySchema,
  segmentListPageSchema,
  segmentListQuerySchema,
  segmentProjectionSchema,
  segmentResponseSchema,
  type WhaleCurveResponse,
  whaleCurveResponseSchema,
} from "#api/segment-schemas.ts";
import { forecastAccuracySummary } from "#domain/forecast-accuracy-summary.ts";
import { monthLabel, parseMonthLabel } from "#domain/month.ts";
import type { SchemeForecastAccuracy } from "#domain/scheme-backtest.ts";
import type { SchemeRecord } from "#store/records.ts";
import type { SegmentWithHistory } from "#store/score-repository.ts";
import {
  type SegmentListItem,
  type SegmentSnapshot,
  segmentSnapshotReader,
} from "#store/segment-snapshots.ts";
import type { ServiceContext } from "#store/service-context.ts";

/** The planners' side: schemes, their segments, and what the scheme's profit looks like as a whole. */
export const schemeRoutes: readonly Route[] = [
  route({
    method: "GET",
    path: "/schemes",
    summary: "List the segmentation schemes of the latest scoring run",
    roles: PLANNERS,
    responses: { 200: schemesResponseSchema },
    handle: async (_, { scores }) => ({ status: 200, body: { schemes: await scores.listSchemes() } }),
  }),

  route({
    method: "GET",
    path: "/schemes/{schemeId}/segments",
    summary: "List a scheme's segments, filtered and sorted, a page at a time",
    roles: PLANNERS,
    responses: { 200: segmentListPageSchema },
    params: schemeParamsSchema,
    query: segmentListQuerySchema,
    async handle({ params, query }, context) {
      const { cursor: token, ...request } = query;
      const cursor = token === undefined ? undefined : decodeSegmentListCursor(token);
      const scheme = await schemeOrNotFound(params.schemeId, context);
      refuseUnknownDimensions(scheme, Object.keys(request.filters.dimensions));
      // A stale cursor is refused before the snapshot is read, and again if a run finished meanwhile.
      if (cursor) cursorOffset(cursor, scheme.runId, request);
      const { snapshot } = await currentSnapshot(scheme, context);
      const offset = cursor ? cursorOffset(cursor, snapshot.runId, request) : 0;
      return { status: 200, json: segmentListPageJson(segmentListPage(snapshot, request, offset)) };
    },
  }),

  route({
    method: "GET",
    path: "/schemes/{schemeId}/segments/{segmentId}",
    summary: "Read one segment: metrics, scores, decision, reasons and monthly history",
    roles: PLANNERS,
    responses: { 200: segmentResponseSchema },
    params: segmentParamsSchema,
    async handle({ params }, context) {
      const { segment, history } = await segmentOrNotFound(params.schemeId, params.segmentId, context);
      return { status: 200, body: { ...segment, history } };
    },
  }),

  route({
    method: "GET",
    path: "/schemes/{schemeId}/segments/{segmentId}/history",
    summary: "Read a segment's monthly revenue, profit and margin",
    roles: PLANNERS,
    responses: { 200: segmentHistorySchema },
    params: segmentParamsSchema,
    async handle({ params }, context) {
      const { schemeId, segmentId } = params;
      const { history } = await segmentOrNotFound(schemeId, segmentId, context);
      const first = parseMonthLabel(history.firstMonth);
      const months = history.revenue.map((revenue, at) => {
        const profit = history.profit[at] ?? 0;
        return {
          month: first === undefined ? history.firstMonth : monthLabel(first + at),
          revenue,
          profit,
          margin: revenue > 0 ? profit / revenue : null,
        };
      });
      const body: SegmentHistory = {
        schemeId,
        segmentId,
        firstMonth: months[0]?.month ?? null,
        lastMonth: months.at(-1)?.month ?? null,
        months,
      };
      return { status: 200, body };
    },
  }),

  route({
    method: "GET",
    path: "/schemes/{schemeId}/segments/{segmentId}/projection",
    summary: "Read a segment's projection, in the base case and under each force of change",
    roles: PLANNERS,
    responses: { 200: segmentProjectionSchema },
    params: segmentParamsSchema,
    async handle({ params }, context) {
      const { projection } = (await segmentOrNotFound(params.schemeId, params.segmentId, context)).segment;
      const body: SegmentProjection = {
        schemeId: params.schemeId,
        segmentId: params.segmentId,
        base: {
          // A segment stored before projections carried intervals reads them as null.
          years: projection.years.map((year) => ({
            year: year.year,
            revenue: year.revenue,
            profit: year.profit,
            revenueP10: year.revenueP10 ?? null,
            revenueP90: year.revenueP90 ?? null,
            profitP10: year.profitP10 ?? null,
            profitP90: year.profitP90 ?? null,
          })),
          npv: projection.npv,
          npvP10: projection.npvP10 ?? null,
          npvP90: projection.npvP90 ?? null,
          model: projection.model ?? null,
        },
        forces: projection.forces.map(
          ({ forceId, name, exposure, years, npv, npvChange, threatened, helped }) => ({
            forceId,
            name,
            exposure,
            years,
            npv,
            npvChange,
            threatened,
            helped,
          }),
        ),
      };
      return { status: 200, body };
    },
  }),

  route({
    method: "GET",
    path: "/schemes/{schemeId}/segments/{segmentId}/differentiators",
    summary: "Read what sets a segment's customers apart",
    roles: PLANNERS,
    responses: { 200: segmentDifferentiatorsSchema },
    params: segmentParamsSchema,
    async handle({ params }, context) {
      const { differentiators } = (await segmentOrNotFound(params.schemeId, params.segmentId, context))
        .segment;
      const body: SegmentDifferentiators = {
        schemeId: params.schemeId,
        segmentId: params.segmentId,
        differentiators,
      };
      return { status: 200, body };
    },
  }),

  route({
    method: "GET",
    path: "/schemes/{schemeId}/whale-curve",
    summary: "Read a scheme's whale curve: where its profit comes from and where it drains away",
    roles: PLANNERS,
    responses: { 200: whaleCurveResponseSchema },
    params: schemeParamsSchema,
    async handle({ params }, context) {
      const scheme = await schemeOrNotFound(params.schemeId, context);
      const curve = scheme.whaleCurve;
      const body: WhaleCurveResponse = {
        schemeId: scheme.id,
        runId: scheme.runId,
        headline: {
          peakShare: curve.peakShare,
          peakAt: curve.peakAt,
          lossSegmentShare: curve.lossSegmentShare,
          lossSegments: Math.round(curve.lossSegmentShare * scheme.segmentCount),
          segmentCount: scheme.segmentCount,
          totalProfit: curve.totalProfit,
        },
        points: curve.points.map(([segmentShare, profitShare]) => ({ segmentShare, profitShare })),
      };
      return { status: 200, body };
    },
  }),

  route({
    method: "GET",
    path: "/schemes/{schemeId}/forecast-accuracy",
    summary:
      "Read how well a scheme's projection forecast the months the data already has, against naive forecasts",
    roles: PLANNERS,
    responses: { 200: forecastAccuracyResponseSchema },
    params: schemeParamsSchema,
    async handle({ params }, context) {
      const scheme = await schemeOrNotFound(params.schemeId, context);
      const accuracy = scheme.forecastAccuracy ?? null;
      // The stored backtest is the domain's interface, which has no index signature for the loose schema.
      const body: Omit<ForecastAccuracyResponse, "accuracy"> & {
        readonly accuracy: SchemeForecastAccuracy | null;
      } = {
        schemeId: scheme.id,
        runId: scheme.runId,
        latestMonth: scheme.latestMonth,
        accuracy,
        summary: forecastAccuracySummary(accuracy),
      };
      return { status: 200, body };
    },
  }),

  route({
    method: "GET",
    path: "/schemes/{schemeId}/cost-pools",
    summary: "Read a scheme's cost-to-serve pools and its largest opportunities",
    roles: PLANNERS,
    responses: { 200: costPoolsResponseSchema },
    params: schemeParamsSchema,
    query: costPoolsQuerySchema,
    async handle({ params, query }, context) {
      const { scheme, snapshot } = await currentSnapshot(
        await schemeOrNotFound(params.schemeId, context),
        context,
      );
      let total = 0;
      let segments = 0;
      for (const segment of snapshot.segments) {
        if (segment.opportunity <= 0) continue;
        total += segment.opportunity;
        segments++;
      }
      const body: CostPoolsResponse = {
        schemeId: scheme.id,
        runId: scheme.runId,
        revenue: scheme.totals.revenue,
        costToServe: scheme.totals.costToServe,
        medianIntensity: scheme.costPools.medianIntensity,
        components: scheme.costPools.components,
        opportunity: { total, segments },
        topSegments: largestOpportunities(snapshot.segments, query.top),
      };
      return { status: 200, body };
    },
  }),
];

/** How long a warm Lambda reuses a scheme record: a new scoring run shows in lists within this. */
export const SCHEME_RECORD_TTL_MS = 1000;

const schemeRecords = new WeakMap<
  object,
  Map<string, { readonly record: SchemeRecord; readonly until: number }>
>();

/**
 * The scheme's record, reused for a second by the lists that read it on every request: under load the
 * store round trip, not the in-memory list, is what a page costs. `fresh` reads the store.
 */
export async function schemeOrNotFound(
  schemeId: string,
  { scores }: Pick<ServiceContext, "scores">,
  fresh = false,
): Promise<SchemeRecord> {
  let records = schemeRecords.get(scores);
  if (!records) {
    records = new Map();
    schemeRecords.set(scores, records);
  }
  const cached = records.get(schemeId);
  if (!fresh && cached && cached.until > Date.now()) return cached.record;
  const scheme = await scores.getScheme(schemeId);
  if (!scheme) throw new ApiError(404, "SCHEME_NOT_FOUND", `no scheme has the id "${schemeId}"`);
  records.set(schemeId, { record: scheme, until: Date.now() + SCHEME_RECORD_TTL_MS });
  return scheme;
}

/** How many segments read lately each warm function keeps, with their history (about 5 KB each). */
export const SEGMENTS_KEPT = 2_000;

const segmentReads = new WeakMap<
  object,
  Map<string, { readonly runId: string; readonly segment: SegmentWithHistory }>
>();

/**
 * A segment with its history; SCHEME_NOT_FOUND first when the scheme is unknown, so that a client can
 * tell which id is wrong. A segment changes only with a scoring run, and a planner opening one asks
 * for its detail, history, projection and differentiators at once: the last segments read are kept,
 * each for the run its scheme record named when it was read, the least recently used dropped first.
 */
async function segmentOrNotFound(
  schemeId: string,
  segmentId: string,
  context: Pick<ServiceContext, "scores">,
): Promise<SegmentWithHistory> {
  const { runId } = await schemeOrNotFound(schemeId, context);
  let kept = segmentReads.get(context.scores);
  if (!kept) {
    kept = new Map();
    segmentReads.set(context.scores, kept);
  }
  const key = `${schemeId}/${segmentId}`;
  const known = kept.get(key);
  kept.delete(key);
  if (known?.runId === runId) {
    kept.set(key, known);
    return known.segment;
  }
  const segment = await context.scores.getSegmentWithHistory(schemeId, segmentId);
  if (!segment) {
    throw new ApiError(404, "SEGMENT_NOT_FOUND", `scheme "${schemeId}" has no segment "${segmentId}"`);
  }
  kept.set(key, { runId, segment });
  if (kept.size > SEGMENTS_KEPT) kept.delete(kept.keys().next().value as string);
  return segment;
}

/** A filter on a dimension the scheme does not have would answer an empty list that looks like a real one. */
function refuseUnknownDimensions(scheme: SchemeRecord, dimensions: readonly string[]): void {
  const unknown = dimensions.filter((dimension) => !scheme.dimensions.includes(dimension));
  if (unknown.length === 0) return;
  throw invalidRequest(
    unknown.map((dimension) => ({
      path: `query.${DIMENSION_FILTER_PREFIX}${dimension}`,
      message: `scheme "${scheme.id}" has no dimension "${dimension}"; its dimensions are ${scheme.dimensions.join(", ")}`,
    })),
  );
}

/**
 * The snapshot of the run the scheme's record names. A scoring run that finishes meanwhile deletes the
 * older snapshots once the records name its own; on a miss the record is read again, once.
 */
async function currentSnapshot(
  scheme: SchemeRecord,
  context: Pick<ServiceContext, "scores" | "blobs">,
): Promise<{ scheme: SchemeRecord; snapshot: SegmentSnapshot }> {
  const reader = segmentSnapshotReader(context.blobs);
  let current = scheme;
  let snapshot = await reader.read(current.id, current.runId);
  if (!snapshot) {
    const again = await schemeOrNotFound(scheme.id, context, true);
    if (again.runId !== current.runId) {
      current = again;
      snapshot = await reader.read(current.id, current.runId);
    }
  }
  if (!snapshot) {
    throw new ApiError(
      503,
      "SEGMENT_LIST_UNAVAILABLE",
      `the segment list of scheme "${scheme.id}" from scoring run "${current.runId}" is not stored; the next scoring run writes it`,
      { schemeId: scheme.id, runId: current.runId },
    );
  }
  return { scheme: current, snapshot };
}

/**
 * The `top` segments with the largest positive opportunity, largest first (ties by id): one pass that
 * keeps a short sorted list, rather than sorting a scheme of 100,000 segments for ten of them.
 */
function largestOpportunities(segments: readonly SegmentListItem[], top: number): SegmentListItem[] {
  const largest: SegmentListItem[] = [];
  for (const segment of segments) {
    if (segment.opportunity <= 0) continue;
    if (largest.length === top && byOpportunity(segment, largest[top - 1] as SegmentListItem) >= 0) continue;
    let at = largest.length;
    while (at > 0 && byOpportunity(segment, largest[at - 1] as SegmentListItem) < 0) at--;
    largest.splice(at, 0, segment);
    if (largest.length > top) largest.pop();
  }
  return largest;
}

function byOpportunity(a: SegmentListItem, b: SegmentListItem): number {
  return b.opportunity - a.opportunity || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
