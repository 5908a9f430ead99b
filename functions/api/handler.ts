import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy, { type MiddlewareObj, type MiddyfiedHandler } from "@middy/core";
import httpRouterHandler from "@middy/http-router";
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import { jsonErrorResponses } from "#api/http-error.ts";
import { answer, routeLabel, routeNotFound } from "#api/route.ts";
import { apiRoutes } from "#api/routes.ts";
import { contextFromEnvironment } from "#pipeline/context-from-environment.ts";
import type { ServiceContext } from "#store/service-context.ts";

type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
type ApiResult = APIGatewayProxyStructuredResultV2;
export type ApiHandler = MiddyfiedHandler<ApiEvent, ApiResult>;

/**
 * Where the API reports. By default Powertools reads its environment: POWERTOOLS_METRICS_NAMESPACE,
 * and POWERTOOLS_METRICS_DISABLED or POWERTOOLS_DEV to keep metrics off stdout in tests and local runs.
 */
export interface ApiObservability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

const SERVICE_NAME = "segment-focus-api";

/** The HTTP API: every route of lib/api/routes.ts, behind the JWT authorizer of API Gateway. */
export function createApiHandler(
  context: ServiceContext,
  { logger, metrics }: ApiObservability = defaultObservability(),
): ApiHandler {
  return middy<ApiEvent, ApiResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(countResponses(metrics))
    .use(jsonErrorResponses(logger)) // last, so it runs first on error and the others see its answer
    .handler(
      httpRouterHandler<ApiEvent, ApiResult>({
        routes: apiRoutes.map((route) => ({
          method: route.method,
          path: route.path,
          handler: (event: ApiEvent) => answer(route, event, context),
        })),
        notFoundResponse: ({ method, path }) => {
          throw routeNotFound(apiRoutes, method, path);
        },
      }),
    );
}

function defaultObservability(): ApiObservability {
  return {
    logger: new Logger({ serviceName: SERVICE_NAME }),
    metrics: new Metrics({
      serviceName: SERVICE_NAME,
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || "SegmentFocus",
    }),
  };
}

/** One `Responses` count per answer, by route template and status: each route's traffic and error rate. */
function countResponses(metrics: Metrics): MiddlewareObj<ApiEvent, ApiResult> {
  const count = ({ event, response }: { event: ApiEvent; response: ApiResult | null }) => {
    const { method, path } = event.requestContext.http;
    metrics.addDimensions({
      route: routeLabel(apiRoutes, method, path),
      status: String(response?.statusCode ?? 500),
    });
    metrics.addMetric("Responses", MetricUnit.Count, 1);
  };
  return { after: count, onError: count };
}

let apiHandler: ApiHandler | undefined;

/** The Lambda entry point; the stores are built on the first request, so importing needs no environment. */
export async function handler(event: ApiEvent, lambdaContext: Context): Promise<ApiResult> {
  apiHandler ??= createApiHandler(contextFromEnvironment());
  return apiHandler(event, lambdaContext);
}
