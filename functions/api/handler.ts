import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { MiddlewareObj, MiddyfiedHandler } from "@middy/core";
import httpRouterHandler from "@middy/http-router";
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import { jsonErrorResponses } from "#api/http-error.ts";
import { answer, routeLabel, routeNotFound } from "#api/route.ts";
import { apiRoutes } from "#api/routes.ts";
import { type Observability, observabilityFor, observedMiddy } from "#functions/observability.ts";
import { contextFromEnvironment } from "#pipeline/context-from-environment.ts";
import type { ServiceContext } from "#store/service-context.ts";

type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
type ApiResult = APIGatewayProxyStructuredResultV2;
export type ApiHandler = MiddyfiedHandler<ApiEvent, ApiResult>;

const SERVICE_NAME = "segment-focus-api";

/** The HTTP API: every route of lib/api/routes.ts, behind the JWT authorizer of API Gateway. */
export function createApiHandler(
  context: ServiceContext,
  observability: Observability = observabilityFor(SERVICE_NAME),
): ApiHandler {
  const { logger, metrics } = observability;
  return observedMiddy<ApiEvent, ApiResult>(observability)
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
