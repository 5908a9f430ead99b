import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import * as z from "zod";
import { authorize, callerId, callerRoles, type Role, type RouteAccess } from "#api/auth.ts";
import { ApiError } from "#api/http-error.ts";
import { issueMessage } from "#domain/document-problems.ts";
import type { ServiceContext } from "#store/service-context.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** What a route's handle receives: the request as validated by the route's schemas, and who asks. */
export interface RouteRequest<TParams = unknown, TQuery = unknown, TBody = unknown> {
  readonly params: TParams;
  readonly query: TQuery;
  readonly body: TBody;
  readonly roles: ReadonlySet<Role>;
  /** Who asks (user name or machine client id), for audit trails. */
  readonly caller: string;
  /** The media types the client accepts, as its Accept header says (lower-cased; "" when it says none). */
  readonly accept: string;
  /** The content codings the client accepts, as its Accept-Encoding header says (lower-cased; "" when none). */
  readonly acceptEncoding: string;
}

export interface RouteResponse {
  readonly status: number;
  /** Sent as JSON, unless `json` or `text` is given. */
  readonly body?: unknown;
  /** The JSON body already serialized (a page assembled from items each serialized once). */
  readonly json?: string;
  /** Sent as these bytes, with `contentType` (a compressed script, say): base64 in the Lambda result. */
  readonly bytes?: Uint8Array;
  /** Sent as is, with `contentType` (an export leadership opens in a spreadsheet, say). */
  readonly text?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One operation of the API. `path` is in API Gateway style (`/schemes/{schemeId}`); each part of the
 * request a route reads has its zod schema, and `handle` only ever sees what the schemas let through.
 */
export interface Route<TParams = unknown, TQuery = unknown, TBody = unknown> {
  readonly method: HttpMethod;
  readonly path: string;
  /** One line saying what the operation does, for the OpenAPI document. */
  readonly summary: string;
  readonly roles: RouteAccess;
  readonly params?: z.ZodType<TParams>;
  readonly query?: z.ZodType<TQuery>;
  readonly body?: z.ZodType<TBody>;
  /**
   * The body is a file, not JSON: `handle` receives its bytes (base64 bodies decoded) as a Buffer,
   * empty when there is none, unparsed and with no size limit but the route's own.
   */
  readonly rawBody?: boolean;
  /**
   * The body of each success status the route answers, as sent: the single source of the OpenAPI
   * document's responses, which the API tests hold every answer to. A text body (a CSV export) is
   * described by a schema from `textBody`, in a union with the JSON one when the route answers both.
   */
  readonly responses?: Readonly<Record<number, z.ZodType>>;
  /**
   * Error statuses the route's own handling answers beyond those any route of its kind can (400 for
   * a route that reads input, 401 and 403 for a protected one, 404 for a path with parameters, 413
   * for a JSON body, 500, 502 and 503): a conflict, a file too large, a named document not found.
   */
  readonly errors?: readonly number[];
  handle(request: RouteRequest<TParams, TQuery, TBody>, context: ServiceContext): Promise<RouteResponse>;
}

/** Ties a route's handle to the types of its schemas, then lets it stand in the table with the others. */
export function route<TParams, TQuery, TBody>(definition: Route<TParams, TQuery, TBody>): Route {
  return definition;
}

/** The media type of each text body schema made by `textBody`. */
export const textBodies = z.registry<{ readonly mediaType: string }>();

/** A response body sent as text of a media type (`text/csv`), not as JSON. */
export function textBody(mediaType: string): z.ZodString {
  return z.string().register(textBodies, { mediaType });
}

/** The roles that read scores: planners, and leaders who can do all a planner can. */
export const PLANNERS: readonly Role[] = ["planner", "leader"];

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
  context: ServiceContext,
): Promise<APIGatewayProxyStructuredResultV2> {
  const roles = authorize(target.roles, callerRoles(event));
  const issues: RequestIssue[] = [];
  const rawBody = target.rawBody ? bodyBytes(event) : target.body ? jsonBody(event) : undefined;
  const params = validate(target.params, pathParameters(target, event, issues), "params", issues);
  const query = validate(target.query, event.queryStringParameters ?? {}, "query", issues);
  const body = validate(target.body, rawBody, "body", issues);
  if (issues.length > 0) throw invalidRequest(issues);
  const header = (name: string) => (event.headers?.[name] ?? "").toLowerCase();
  const response = await target.handle(
    {
      params,
      query,
      body,
      roles,
      caller: callerId(event),
      accept: header("accept"),
      acceptEncoding: header("accept-encoding"),
    },
    context,
  );
  const asJson = response.text === undefined && response.bytes === undefined;
  return {
    statusCode: response.status,
    headers: {
      "content-type": asJson ? "application/json" : (response.contentType ?? "text/plain"),
      ...response.headers,
    },
    ...(response.bytes === undefined
      ? { body: response.text ?? response.json ?? JSON.stringify(response.body) }
      : { body: Buffer.from(response.bytes).toString("base64"), isBase64Encoded: true }),
  };
}

/** One problem with a request: where (`query.limit`, `body.mapping.columns.revenue`) and what. */
export interface RequestIssue {
  readonly path: string;
  readonly message: string;
}

/** 400 INVALID_REQUEST, with every problem of the request in its details. */
export function invalidRequest(issues: readonly RequestIssue[]): ApiError {
  return new ApiError(
    400,
    "INVALID_REQUEST",
    "the request is not valid; see details for each problem",
    issues,
  );
}

/** A zod error's problems with one part of the request: `body.growth`, and why. */
export function requestIssues(error: z.ZodError, part: "params" | "query" | "body"): RequestIssue[] {
  return error.issues.map((issue) => ({
    path: [part, ...issue.path.map(String)].join("."),
    message: issueMessage(issue),
  }));
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
  issues.push(...requestIssues(result.error, part).filter((issue) => !reported.has(issue.path)));
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

/** The request body's bytes as sent (base64 bodies decoded); empty when there is none. */
function bodyBytes(event: APIGatewayProxyEventV2WithJWTAuthorizer): Buffer {
  return Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8");
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
