import * as z from "zod";
import {
  type BoardState,
  boardCsvSchema,
  boardPageSchema,
  boardQuerySchema,
  decisionHistoryPageSchema,
  decisionRequestSchema,
  decisionStateSchema,
  reviewsPageSchema,
} from "#api/decision-schemas.ts";
import { ApiError } from "#api/http-error.ts";
import { PLANNERS, type Route, type RouteResponse, route } from "#api/route.ts";
import { schemeOrNotFound } from "#api/routes/schemes.ts";
import { pageQuerySchema, schemeParamsSchema, segmentParamsSchema } from "#api/schemas.ts";
import type { DecisionList } from "#domain/decision-list.ts";
import { boardStanding } from "#domain/leader-decision.ts";
import { csvField } from "#format/csv-field.ts";
import type { DecisionState } from "#store/decision-repository.ts";
import type { SegmentRecord } from "#store/records.ts";
import type { ServiceContext } from "#store/service-context.ts";
import { decideSegment } from "#use-cases/decide-segment.ts";

/** Leadership's board: the say-yes / fix / say-no lists, decisions on them, their audit trail and reviews. */
export const decisionRoutes: readonly Route[] = [
  route({
    method: "GET",
    path: "/schemes/{schemeId}/decisions",
    summary: "Read one list of leadership's board as JSON pages, or all of it as CSV",
    roles: PLANNERS,
    responses: { 200: z.union([boardPageSchema, boardCsvSchema]) },
    params: schemeParamsSchema,
    query: boardQuerySchema,
    async handle({ params, query, accept }, context) {
      const { list, format, ...page } = query;
      // A spreadsheet's way of asking (Accept: text/csv) is as good as ?format=csv.
      if (format === "csv" || accept.includes("text/csv")) return boardCsv(params.schemeId, list, context);
      const [decisions, states] = await Promise.all([
        context.scores.listDecisions(params.schemeId, list, page),
        context.decisions.listStates(params.schemeId),
      ]);
      // An empty page is either an empty list or an unknown scheme; only the second is a 404.
      if (decisions.items.length === 0) await schemeOrNotFound(params.schemeId, context);
      const standing = bySegment(states);
      const items = decisions.items.map((segment) => ({
        ...segment,
        state: boardStanding(segment.decision, standing.get(segment.id)),
      }));
      return { status: 200, body: { list, items, cursor: decisions.cursor } };
    },
  }),

  route({
    method: "POST",
    path: "/schemes/{schemeId}/segments/{segmentId}/decision",
    summary: "Approve a segment's recommendation, or override it with a rationale",
    roles: ["leader"],
    responses: { 201: decisionStateSchema },
    params: segmentParamsSchema,
    body: decisionRequestSchema,
    async handle({ params, body, caller }, context) {
      const { schemeId, segmentId } = params;
      const decided = await decideSegment(context, { schemeId, segmentId, act: body, by: caller });
      switch (decided.outcome) {
        case "segment_not_found":
          throw segmentNotFound(schemeId, segmentId);
        case "override_matches_recommendation":
          throw new ApiError(
            400,
            "OVERRIDE_MATCHES_RECOMMENDATION",
            `"${decided.recommendation}" is already the recommendation: send { "action": "approve" } to approve it`,
            { recommendation: decided.recommendation },
          );
        case "decided":
          return { status: 201, body: decided.state };
      }
    },
  }),

  route({
    method: "GET",
    path: "/schemes/{schemeId}/segments/{segmentId}/decision-history",
    summary: "Page through a segment's decisions, newest first",
    roles: PLANNERS,
    responses: { 200: decisionHistoryPageSchema },
    params: segmentParamsSchema,
    query: pageQuerySchema,
    async handle({ params, query }, context) {
      const { schemeId, segmentId } = params;
      const history = await context.decisions.history(schemeId, segmentId, query);
      // A segment a later run no longer scores keeps its trail; only one never seen is unknown.
      if (history.items.length === 0 && query.cursor === undefined) {
        if (!(await context.scores.getSegment(schemeId, segmentId))) {
          throw segmentNotFound(schemeId, segmentId);
        }
      }
      return { status: 200, body: { items: history.items, cursor: history.cursor } };
    },
  }),

  route({
    method: "GET",
    path: "/reviews",
    summary: "List the standing decisions a later scoring run has put in question",
    roles: PLANNERS,
    responses: { 200: reviewsPageSchema },
    query: pageQuerySchema,
    async handle({ query }, context) {
      const reviews = await context.decisions.listReviews(query);
      const items = await Promise.all(
        reviews.items.map(async (state) => {
          const segment = await context.scores.getSegment(state.schemeId, state.segmentId);
          return { ...state, current: segment ? currentRecommendation(segment) : null };
        }),
      );
      return { status: 200, body: { items, cursor: reviews.cursor } };
    },
  }),
];

function segmentNotFound(schemeId: string, segmentId: string): ApiError {
  return new ApiError(404, "SEGMENT_NOT_FOUND", `scheme "${schemeId}" has no segment "${segmentId}"`);
}

function bySegment(states: readonly DecisionState[]): Map<string, DecisionState> {
  return new Map(states.map((state) => [state.segmentId, state]));
}

/** What the latest run recommends for a segment whose standing decision is in question, and why. */
function currentRecommendation(segment: SegmentRecord) {
  return {
    decision: segment.decision,
    reasons: segment.reasons,
    profitClass: segment.profitClass,
    scores: segment.scores,
    runId: segment.runId,
  };
}

/** An export stops here, best focus first; past it the answer says it was cut short. */
export const CSV_EXPORT_MAX_ROWS = 100_000;

/** Rows asked of the store at a time; DynamoDB may answer fewer (1 MB a page). */
const CSV_EXPORT_PAGE = 1000;

/**
 * One list of the board as CSV for leadership's spreadsheet: every page of the list, one row per
 * segment with its values per dimension, the recommendation and the standing decision, the class,
 * money and scores, and the first reason. RFC 4180, with CRLF line ends and a byte-order mark so
 * that Excel reads the text as UTF-8.
 */
async function boardCsv(
  schemeId: string,
  list: DecisionList,
  { scores, decisions }: Pick<ServiceContext, "scores" | "decisions">,
): Promise<RouteResponse> {
  const scheme = await schemeOrNotFound(schemeId, { scores }, true);
  const standing = bySegment(await decisions.listStates(schemeId));
  const lines = [csvLine(csvHeader(scheme.dimensions))];
  let rows = 0;
  let truncated = false;
  let cursor: string | undefined;
  do {
    const page = await scores.listDecisions(schemeId, list, { limit: CSV_EXPORT_PAGE, cursor });
    for (const segment of page.items) {
      if (rows === CSV_EXPORT_MAX_ROWS) {
        truncated = true;
        break;
      }
      lines.push(
        csvLine(
          csvRow(segment, scheme.dimensions, boardStanding(segment.decision, standing.get(segment.id))),
        ),
      );
      rows++;
    }
    cursor = page.cursor;
  } while (cursor !== undefined && !truncated);
  return {
    status: 200,
    text: `\uFEFF${lines.join("")}`,
    contentType: "text/csv; charset=utf-8",
    headers: {
      "content-disposition": `attachment; filename="${schemeId}-${list}.csv"`,
      "x-row-count": String(rows),
      ...(truncated && { "x-truncated": `only the first ${CSV_EXPORT_MAX_ROWS} rows` }),
    },
  };
}

function csvHeader(dimensions: readonly string[]): string[] {
  return [
    "segment",
    ...dimensions,
    "decision",
    "state",
    "standing_decision",
    "needs_review",
    "profit_class",
    "revenue",
    "profit",
    "margin",
    "focus",
    "profitability",
    "growth",
    "defensibility",
    "reason",
  ];
}

function csvRow(
  segment: SegmentRecord,
  dimensions: readonly string[],
  state: BoardState,
): Array<string | number> {
  const { metrics, scores } = segment;
  return [
    segment.id,
    ...dimensions.map((dimension) => segment.values[dimension] ?? ""),
    segment.decision,
    state.status,
    state.decision,
    state.needsReview ? "yes" : "no",
    segment.profitClass,
    round2(metrics.revenue),
    round2(metrics.profit),
    round4(metrics.margin),
    round2(scores.focus),
    round2(scores.profitability),
    round2(scores.growth),
    round2(scores.defensibility),
    segment.reasons[0]?.message ?? "",
  ];
}

function csvLine(fields: ReadonlyArray<string | number>): string {
  return `${fields.map(csvField).join(",")}\r\n`;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const round4 = (n: number) => Math.round(n * 10_000) / 10_000;
