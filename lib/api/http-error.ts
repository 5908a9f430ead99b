import type { Logger } from "@aws-lambda-powertools/logger";
import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import * as z from "zod";
import { InvalidCursorError } from "#store/score-repository.ts";

/** A failure the client can act on: its HTTP status, a stable code, a sentence, and what exactly was wrong. */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Headers the answer needs, such as Allow on a 405 or Retry-After on a 503. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** Seconds a client should wait before retrying after the stores refused for load. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * The names AWS gives a request refused for load. The SDK has already retried it by the time it
 * reaches the API, so the client is told to come back rather than handed a 500.
 */
const THROTTLING_ERRORS = new Set([
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "SlowDown",
]);

/** The store could not be reached at all: connection refused or reset, timeouts (the SDK's and middy's). */
const UNREACHABLE_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "TimeoutError",
  "RequestTimeout",
]);

interface AwsServiceFault {
  readonly name?: string;
  readonly code?: string;
  readonly $fault?: "client" | "server";
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: { readonly throttling?: boolean };
}

/**
 * What the client is told about any error thrown while answering: an ApiError as it is, an invalid
 * cursor as a 400, the stores' load and outages as 503 / 502, and anything else as a generic 500.
 */
export function apiErrorFrom(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof InvalidCursorError) return new ApiError(400, "INVALID_CURSOR", error.message);
  const fault = (typeof error === "object" && error !== null ? error : {}) as AwsServiceFault;
  const status = fault.$metadata?.httpStatusCode;
  const retryAfter = { "retry-after": String(RETRY_AFTER_SECONDS) };
  if (THROTTLING_ERRORS.has(fault.name ?? "") || status === 429 || fault.$retryable?.throttling === true) {
    return new ApiError(
      503,
      "SERVICE_UNAVAILABLE",
      "the service is busy; retry after the time in the Retry-After header",
      undefined,
      retryAfter,
    );
  }
  if (
    status === 503 ||
    UNREACHABLE_ERRORS.has(fault.code ?? "") ||
    UNREACHABLE_ERRORS.has(fault.name ?? "")
  ) {
    return new ApiError(
      503,
      "SERVICE_UNAVAILABLE",
      "a store the service depends on is unavailable; retry after the time in the Retry-After header",
      undefined,
      retryAfter,
    );
  }
  if (fault.$fault === "server" || (status !== undefined && status >= 500)) {
    return new ApiError(502, "UPSTREAM_ERROR", "a store the service depends on failed; try again");
  }
  return new ApiError(500, "INTERNAL", "an unexpected error occurred; it has been logged");
}

/** The body of every error answer: a stable code, a sentence, and what exactly was wrong. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

/** The JSON answer for an error: `{ error: { code, message, details } }`. */
export function errorResponse(error: ApiError): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: error.status,
    headers: { "content-type": "application/json", ...error.headers },
    body: JSON.stringify({
      error: { code: error.code, message: error.message, details: error.details },
    }),
  };
}

/**
 * Turns whatever a route or middleware threw into the JSON error answer. Attach it last, so that it
 * runs first when an error unwinds and the other middlewares see the finished answer. Unexpected
 * errors are logged with their stack; the client sees only a generic message and the request id.
 */
export function jsonErrorResponses(
  logger: Logger,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: (request) => {
      const error = apiErrorFrom(request.error);
      if (error.code === "INTERNAL") {
        logger.error("request failed unexpectedly", { error: request.error as Error });
        request.response = errorResponse(
          new ApiError(error.status, error.code, error.message, {
            requestId: request.event.requestContext?.requestId,
          }),
        );
        return;
      }
      if (error.status >= 500) logger.warn("a store refused the request", { error: request.error as Error });
      request.response = errorResponse(error);
    },
  };
}
