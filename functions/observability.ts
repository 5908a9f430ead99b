import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy, { type MiddyfiedHandler } from "@middy/core";
import type { Context } from "aws-lambda";

/**
 * Where a function reports. By default Powertools reads its environment: POWERTOOLS_METRICS_NAMESPACE,
 * and POWERTOOLS_METRICS_DISABLED or POWERTOOLS_DEV to keep metrics off stdout in tests and local runs.
 */
export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * The logger and metrics of one function, named after its service. Each function records metrics
 * of its own on every invocation (else Powertools warns that there were none); the metrics warn
 * through the logger, so that their warnings carry the request id and follow POWERTOOLS_LOG_LEVEL.
 */
export function observabilityFor(serviceName: string): Observability {
  const logger = new Logger({ serviceName });
  return {
    logger,
    metrics: new Metrics({
      serviceName,
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || "SegmentFocus",
      logger,
    }),
  };
}

/**
 * The middlewares every function starts with: the Lambda context (its request id) on every log
 * line, reset between requests, and metrics flushed after each invocation, with a cold-start count.
 * A function adds its own after these.
 */
export function observedMiddy<TEvent, TResult>({
  logger,
  metrics,
}: Observability): MiddyfiedHandler<TEvent, TResult> {
  return middy<TEvent, TResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}

/** The lines a batch accepted and rejected, as metrics; none for a batch that was not read. */
export function countLines(
  metrics: Metrics,
  batch: { readonly accepted?: number; readonly rejected?: number } | undefined,
): void {
  metrics.addMetric("LinesAccepted", MetricUnit.Count, batch?.accepted ?? 0);
  metrics.addMetric("LinesRejected", MetricUnit.Count, batch?.rejected ?? 0);
}

/** A Lambda entry point; the context may be left out where no Lambda service calls it (tests). */
export type LambdaEntry<TEvent, TResult> = (event: TEvent, context?: Context) => Promise<TResult>;

/** `body`, the function's business call, behind the observability middlewares. */
export function lambdaHandler<TEvent, TResult>(
  observability: Observability,
  body: (event: TEvent) => Promise<TResult>,
): LambdaEntry<TEvent, TResult> {
  const handler = observedMiddy<TEvent, TResult>(observability).handler(body);
  // Without a context, middy hands its middlewares an empty one, as it does in tests and containers.
  return (event, context) => handler(event, context as Context);
}
