import { isDeepStrictEqual } from "node:util";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { z } from "zod";
import { authorize, callerRoles, type Role, type RouteAccess } from "#api/auth.ts";
import { ApiError } from "#api/http-error.ts";
import {
  batchParamsSchema,
  type CreateBatchResponse,
  createBatchRequestSchema,
  decisionsQuerySchema,
  pageQuerySchema,
  schemeParamsSchema,
  segmentParamsSchema,
} from "#api/schemas.ts";
import type { PipelineContext } from "#pipeline/pipeline-context.ts";
import { BlobKeys } from "#store/blob-store.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** What a route's handle receives: the request as validated by the route's schemas, and who asks. */
export interface RouteRequest<TParams = unknown, TQuery = unknown, TBody = unknown> {
  readonly params: TParams;
  readonly query: TQuery;
  readonly body: TBody;
  readonly roles: ReadonlySet<Role>;
}

export interface RouteResponse {
  readonly status: number;
  /** Sent as JSON. */
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One operation of the API. `path` is in API Gateway style (`/schemes/{schemeId}`); each part of the
 * request a route reads has its zod schema, and `handle` only ever sees what the schemas let through.
 */
export interface Route<TParams = unknown, TQuery = unknown, TBody = unknown> {
  readonly method: HttpMethod;
  readonly path: string;
  readonly roles: RouteAccess;
  readonly params?: z.ZodType<TParams>;
  readonly query?: z.ZodType<TQuery>;
  readonly body?: z.ZodType<TBody>;
  handle(request: RouteRequest<TParams, TQuery, TBody>, context: PipelineContext): Promise<RouteResponse>;
}

/** Ties a route's handle to the types of its schemas, then lets it stand in the table with the others. */
function route<TParams, TQuery, TBody>(definition: Route<TParams, TQuery, TBody>): Route {
  return definition;
}

/** How long an upload URL accepts the file. */
export const UPLOAD_URL_SECONDS = 15 * 60;

const PLANNERS: readonly Role[] = ["planner", "leader"];

/** Every operation of the API. A new one is a new entry; dispatch, auth and validation need no change. */
export const apiRoutes: readonly Route[] = [
  route({
    method: "GET",
    path: "/health",
    roles: "public",
    handle: async () => ({ status: 200, body: { status: "ok" } }),
  }),

  route({
    method: "POST",
    path: "/batches",
    roles: ["ingest"],
    body: createBatchRequestSchema,
    async handle({ body }, { repository, blobs, now, newId }) {
      const requestedAt = now();
      const batchId = body.batchId ?? newId();
      const { created, batch } = await repository.createBatch({
        batchId,
        fileName: body.fileName,
        ...(body.mapping && { mapping: body.mapping }),
        status: "awaiting_upload",
        createdAt: requestedAt.toISOString(),
        updatedAt: requestedAt.toISOString(),
      });
      // A re-send must mean the same batch: a different mapping would be silently ignored by ingest.
      if (!created && !isDeepStrictEqual(batch.mapping, body.mapping)) {
        throw new ApiError(
          409,
          "BATCH_CONFLICT",
          `batch "${batchId}" already exists with a different column mapping; send it with the same mapping or under a new batch id`,
          { batchId, field: "mapping" },
        );
      }
      const uploadUrl = await blobs.presignPut(BlobKeys.incoming(batchId, body.fileName), UPLOAD_URL_SECONDS);
      const answer: CreateBatchResponse = {
        batchId,
        uploadUrl,
        expiresAt: new Date(requestedAt.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString(),
        status: batch.status,
      };
      return {
        status: created ? 201 : 200,
        headers: { location: `/batches/${encodeURIComponent(batchId)}` },
        body: answer,
      };
    },
  }),

  route({
    method: "GET",
    path: "/batches/{batchId}",
    roles: ["ingest", ...PLANNERS],
    params: batchParamsSchema,
    async handle({ params }, { repository }) {
      const batch = await repository.getBatch(params.batchId);
      if (!batch) throw new ApiError(404, "BATCH_NOT_FOUND", `no batch has the id "${params.batchId}"`);
      return { status: 200, body: batch };
    },
  }),

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

/** An empty page is either an empty list or an unknown scheme; only the second is a 404. */
async function requireScheme(schemeId: string, { repository }: Pick<PipelineContext, "repository">) {
  if (!(await repository.getScheme(schemeId))) {
    throw new ApiError(404, "SCHEME_NOT_FOUND", `no scheme has the id "${schemeId}"`);
  }
}

/** Request bodies larger than this are refused before they are parsed. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Answers an API Gateway HTTP API event with a route: admits the caller, validates the path, query
 * and body against the route's schemas (every problem reported at once), calls the route, and sends
 * its answer as JSON. Throws ApiError for the client's mistakes.
 */
export async function answer(
  target: Route,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: PipelineContext,
): Promise<APIGatewayProxyStructuredResultV2> {
  const roles = authorize(target.roles, callerRoles(event));
  const issues: RequestIssue[] = [];
  const rawBody = target.body ? jsonBody(event) : undefined;
  const params = validate(target.params, pathParameters(target, event, issues), "params", issues);
  const query = validate(target.query, event.queryStringParameters ?? {}, "query", issues);
  const body = validate(target.body, rawBody, "body", issues);
  if (issues.length > 0) {
    throw new ApiError(
      400,
      "INVALID_REQUEST",
      "the request is not valid; see details for each problem",
      issues,
    );
  }
  const response = await target.handle({ params, query, body, roles }, context);
  return {
    statusCode: response.status,
    headers: { "content-type": "application/json", ...response.headers },
    body: JSON.stringify(response.body),
  };
}

/** One problem with a request: where (`query.limit`, `body.mapping.columns.revenue`) and what. */
export interface RequestIssue {
  readonly path: string;
  readonly message: string;
}

function validate(
  schema: z.ZodType | undefined,
  value: unknown,
  part: "params" | "query" | "body",
  issues: RequestIssue[],
): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // A parameter that could not even be decoded is already reported; zod would only add "received undefined".
  const reported = new Set(issues.map((issue) => issue.path));
  for (const issue of result.error.issues) {
    const path = [part, ...issue.path.map(String)].join(".");
    if (reported.has(path)) continue;
    // zod reports a refused record key only as "Invalid key in record"; the reason is inside.
    const message =
      issue.code === "invalid_key" ? issue.issues.map((inner) => inner.message).join("; ") : issue.message;
    issues.push({ path, message });
  }
  return undefined;
}

/**
 * The route's path parameters, decoded exactly once from the path the router matched. API Gateway
 * fills `pathParameters` (decoded) only for routes it knows by template; behind a `{proxy+}` route
 * the router fills them with still-encoded values. A segment id such as `a%7Cb|west` must survive
 * both, so the path is the one source.
 */
function pathParameters(
  target: Route,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  issues: RequestIssue[],
): Record<string, string> {
  const groups = pathPattern(target.path).exec(event.requestContext.http.path)?.groups ?? {};
  const params: Record<string, string> = {};
  for (const [name, encoded] of Object.entries(groups)) {
    try {
      params[name] = decodeURIComponent(encoded);
    } catch {
      issues.push({ path: `params.${name}`, message: "the path segment is not valid percent-encoding" });
    }
  }
  return params;
}

/** The request body as JSON (base64 bodies decoded first); undefined when there is none. */
function jsonBody(event: APIGatewayProxyEventV2WithJWTAuthorizer): unknown {
  if (event.body === undefined || event.body === "") return undefined;
  const bytes = Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8");
  if (bytes.byteLength > MAX_BODY_BYTES) {
    throw new ApiError(413, "PAYLOAD_TOO_LARGE", `a request body has at most ${MAX_BODY_BYTES} bytes`, {
      maxBytes: MAX_BODY_BYTES,
      bytes: bytes.byteLength,
    });
  }
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new ApiError(400, "INVALID_JSON", "the request body is not valid JSON", {
      reason: (error as Error).message,
    });
  }
}

const patterns = new Map<string, RegExp>();

/** A route's path template as a regular expression, matched the way @middy/http-router matches it. */
function pathPattern(template: string): RegExp {
  let pattern = patterns.get(template);
  if (!pattern) {
    const source = template
      .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
      .replace(/\{([A-Za-z0-9_]+)\}/g, "(?<$1>[^/]+)");
    pattern = new RegExp(`^${source}/?$`);
    patterns.set(template, pattern);
  }
  return pattern;
}

/** The routes whose path template matches a request path, whatever their method. */
export function routesAt(routes: readonly Route[], path: string): Route[] {
  return routes.filter((candidate) => pathPattern(candidate.path).test(path));
}

/** The route template a request was answered by, `GET /schemes/{schemeId}`: a label of bounded cardinality. */
export function routeLabel(routes: readonly Route[], method: string, path: string): string {
  const matched = routesAt(routes, path).find((candidate) => candidate.method === method);
  return matched ? `${matched.method} ${matched.path}` : "unmatched";
}

/** 405 with an Allow header when the path is known under other methods, 404 otherwise. */
export function routeNotFound(routes: readonly Route[], method: string, path: string): ApiError {
  const allowed = routesAt(routes, path).map((candidate) => candidate.method);
  if (allowed.length > 0) {
    return new ApiError(
      405,
      "METHOD_NOT_ALLOWED",
      `${method} is not allowed here; use ${allowed.join(" or ")}`,
      { allowedMethods: allowed },
      { allow: allowed.join(", ") },
    );
  }
  return new ApiError(404, "NOT_FOUND", `no route answers ${method} ${path}`);
}
