import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import { expect, vi } from "vitest";
import type { Role } from "#api/auth.ts";
import { openApiDocument } from "#api/openapi.ts";
import { routesAt } from "#api/route.ts";
import { apiRoutes } from "#api/routes.ts";
import { type ApiHandler, createApiHandler } from "#functions/api/handler.ts";
import type { Observability } from "#functions/observability.ts";
import type { BlobStore } from "#store/blob-store.ts";
import type { ServiceContext } from "#store/service-context.ts";
import { MemoryBatchRepository } from "#test-support/memory-batches.ts";
import { MemoryConfigRepository, MemoryDecisionRepository } from "#test-support/memory-config.ts";
import { MemoryScoreRepository } from "#test-support/memory-scores.ts";
import { invocationContext } from "../functions/lambda-context.ts";

/** JWT claims as API Gateway's JWT authorizer passes them: Cognito groups as "[a b]", scopes space-separated. */
export type Claims = Record<string, string | number | boolean | string[]>;

export const TOKENS: Readonly<Record<Role | "noRole", Claims>> = {
  ingest: { sub: "erp-client", client_id: "erp-client", scope: "segment-focus/ingest" },
  planner: { sub: "planner-1", "cognito:groups": "[planner]", token_use: "access" },
  leader: { sub: "leader-1", "cognito:groups": "[leader]", token_use: "access" },
  noRole: { sub: "visitor-1", token_use: "access" },
};

export interface ApiCall {
  readonly method: string;
  /** With its query string, percent-encoded as a client sends it: `/schemes/x/segments?limit=2`. */
  readonly path: string;
  /** The verified token's claims; leave out for a request without one. */
  readonly claims?: Claims;
  /** An object is sent as JSON, a string as it is. */
  readonly body?: unknown;
  readonly base64?: boolean;
  /**
   * What API Gateway puts in `pathParameters` (decoded): filled for a route it knows by its template,
   * absent behind a `{proxy+}` / `$default` route — the default here.
   */
  readonly pathParameters?: Record<string, string>;
}

type Caller = keyof typeof TOKENS;

/** Requests carrying a caller's token, as its client sends them: `authorised.put("ingest", path, csv)`. */
export const authorised = {
  get: (caller: Caller, path: string): ApiCall => ({ method: "GET", path, claims: TOKENS[caller] }),
  delete: (caller: Caller, path: string): ApiCall => ({ method: "DELETE", path, claims: TOKENS[caller] }),
  post: (caller: Caller, path: string, body: unknown): ApiCall => ({
    method: "POST",
    path,
    claims: TOKENS[caller],
    body,
  }),
  put: (caller: Caller, path: string, body: unknown): ApiCall => ({
    method: "PUT",
    path,
    claims: TOKENS[caller],
    body,
  }),
};

/** An API Gateway HTTP API (payload 2.0) event, as the gateway builds it for a request. */
export function apiEvent(call: ApiCall): APIGatewayProxyEventV2WithJWTAuthorizer {
  const [rawPath = "/", rawQueryString = ""] = call.path.split("?");
  const queryStringParameters: Record<string, string> = {};
  // The gateway joins repeated parameters with commas.
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    const before = queryStringParameters[name];
    queryStringParameters[name] = before === undefined ? value : `${before},${value}`;
  }
  const text =
    call.body === undefined
      ? undefined
      : typeof call.body === "string"
        ? call.body
        : JSON.stringify(call.body);
  const event = {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers: { host: "api.example.com", ...(text !== undefined && { "content-type": "application/json" }) },
    ...(rawQueryString !== "" && { queryStringParameters }),
    ...(call.pathParameters && { pathParameters: call.pathParameters }),
    requestContext: {
      accountId: "123456789012",
      apiId: "api1",
      domainName: "api.example.com",
      domainPrefix: "api",
      http: {
        method: call.method,
        path: rawPath,
        protocol: "HTTP/1.1",
        sourceIp: "192.0.2.1",
        userAgent: "test",
      },
      requestId: "request-1",
      routeKey: "$default",
      stage: "$default",
      time: "01/Jan/2025:00:00:00 +0000",
      timeEpoch: 1735689600000,
      ...(call.claims && { authorizer: { jwt: { claims: call.claims, scopes: null } } }),
    },
    ...(text !== undefined && {
      body: call.base64 ? Buffer.from(text).toString("base64") : text,
      isBase64Encoded: call.base64 ?? false,
    }),
  };
  // Without a token the gateway sends no authorizer, which the aws-lambda type does not foresee.
  return event as APIGatewayProxyEventV2WithJWTAuthorizer;
}

export function lambdaContext(): Context {
  return invocationContext("segment-focus-api", "lambda-request-1");
}

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | number | boolean>>;
  // biome-ignore lint/suspicious/noExplicitAny: answers are JSON read by the assertions
  readonly body: any;
}

/** Calls the handler as API Gateway would; the answer must be one the OpenAPI document describes. */
export async function callApi(handler: ApiHandler, call: ApiCall): Promise<ApiAnswer> {
  const result: APIGatewayProxyStructuredResultV2 = await handler(apiEvent(call), lambdaContext());
  const body = result.body === undefined ? undefined : JSON.parse(result.body);
  expectDocumented(call, result, body);
  return { status: result.statusCode ?? 0, headers: result.headers ?? {}, body };
}

/** Holds an answer to be 400 INVALID_REQUEST with exactly these problems, each at its path. */
export function expectInvalidRequest(
  answer: ApiAnswer,
  details: ReadonlyArray<{ readonly path: string; readonly message: string }>,
): void {
  expect(answer.status).toBe(400);
  expect(answer.body.error).toEqual({
    code: "INVALID_REQUEST",
    message: "the request is not valid; see details for each problem",
    details,
  });
}

/** A logger that prints nothing and metrics kept off stdout, as POWERTOOLS_METRICS_DISABLED does in tests. */
export function quietObservability(): Observability {
  vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "true");
  return {
    logger: new Logger({ serviceName: "segment-focus-api", logLevel: "SILENT" }),
    metrics: new Metrics({ serviceName: "segment-focus-api", namespace: "SegmentFocusTest" }),
  };
}

/** The time the API's clock reads in a test, unless the test gives it another clock. */
export const API_NOW = new Date("2025-03-01T08:00:00.000Z");

/**
 * The API over empty in-memory stores, presigned uploads (presigningBlobs), a clock stopped at
 * API_NOW and the id "generated-1"; a test passes the stores and the clock it looks into.
 */
export function memoryApi(given: Partial<ServiceContext> = {}, observability = quietObservability()) {
  const handler = createApiHandler(
    {
      batches: new MemoryBatchRepository(),
      scores: new MemoryScoreRepository(),
      blobs: presigningBlobs(),
      decisions: new MemoryDecisionRepository(),
      config: new MemoryConfigRepository(),
      now: () => new Date(API_NOW),
      newId: () => "generated-1",
      ...given,
    },
    observability,
  );
  return { handler, call: (request: ApiCall) => callApi(handler, request) };
}

/** Upload URLs that can be compared exactly; the real presigning is tested with the S3 adapter. */
export function presigningBlobs(): BlobStore {
  const unused = () => {
    throw new Error("the API only presigns uploads");
  };
  return {
    bucket: "segment-focus-test",
    presignPut: async (key, seconds) => `https://uploads.example.com/${key}?expires-in=${seconds}`,
    put: unused,
    putStream: unused,
    getBytes: unused,
    getStream: unused,
    head: unused,
    list: unused,
    delete: unused,
  };
}

const DOCUMENT_ID = "https://segment-focus.example/openapi.json";

const validators = new Map<string, ValidateFunction>();

interface OpenApiPaths {
  readonly paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
  >;
}

/** The generated document, and ajv holding it (formats unchecked: zod's patterns already check them). */
function apiContract() {
  const document = openApiDocument(apiRoutes);
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  return { ajv: ajv.addSchema(document, DOCUMENT_ID), document: document as OpenApiPaths };
}

// Built on import, so that no test spying on JSON or the clock sees the contract being built.
const contract = apiContract();

/**
 * Holds an answer to the contract: its status must be one the OpenAPI document lists for the
 * operation, its content type one the document gives for that status, and a JSON body must match the
 * schema there. A request no route answers must get the shared error body, as a 404 or 405.
 */
export function expectDocumented(
  call: Pick<ApiCall, "method" | "path">,
  result: APIGatewayProxyStructuredResultV2,
  /** The body as parsed already, if it was; else the harness parses a JSON body itself. */
  parsed: unknown = undefined,
): void {
  const [path = "/"] = call.path.split("?");
  const status = result.statusCode ?? 0;
  const operation = routesAt(apiRoutes, path).find((candidate) => candidate.method === call.method);
  const where = operation ? `${operation.method} ${operation.path}` : `${call.method} ${path} (no route)`;
  const mediaType =
    String(result.headers?.["content-type"] ?? "")
      .split(";")[0]
      ?.trim() ?? "";
  let pointer: string;
  if (operation) {
    const method = operation.method.toLowerCase();
    const response = contract.document.paths[operation.path]?.[method]?.responses[String(status)];
    if (!response) throw new Error(`${where} answered ${status}, which the OpenAPI document does not list`);
    if (!response.content?.[mediaType]) {
      throw new Error(
        `${where} answered ${status} as ${mediaType}, which the OpenAPI document does not list`,
      );
    }
    pointer = ["paths", operation.path, method, "responses", String(status), "content", mediaType, "schema"]
      .map((part) => encodeURIComponent(part.replaceAll("~", "~0").replaceAll("/", "~1")))
      .join("/");
  } else {
    if (status !== 404 && status !== 405) throw new Error(`${where} answered ${status}, not 404 or 405`);
    pointer = "components/schemas/Error";
  }
  if (mediaType !== "application/json") return;
  let validate = validators.get(pointer);
  if (!validate) {
    validate = contract.ajv.compile({ $ref: `${DOCUMENT_ID}#/${pointer}` });
    validators.set(pointer, validate);
  }
  if (!validate(parsed ?? JSON.parse(result.body ?? "null"))) {
    throw new Error(
      `${where} answered ${status} with a body the OpenAPI document does not allow: ${contract.ajv.errorsText(validate.errors)}`,
    );
  }
}
