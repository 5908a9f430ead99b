import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { lambdaHandler, observabilityFor } from "#functions/observability.ts";
import { contextFromEnvironment } from "#pipeline/context-from-environment.ts";
import { runScoring } from "#pipeline/score-run.ts";
import type { RunRecord } from "#store/records.ts";

const observability = observabilityFor("segment-focus-score");
const context = contextFromEnvironment();

/**
 * After a batch is aggregated (or the policy changes): merge all partials, score, store what changed.
 * The event that starts the run says nothing the run needs.
 */
export const handler = lambdaHandler<void, RunRecord>(observability, async () => {
  const run = await runScoring(context);
  observability.logger.info("scoring run finished", { ...run });
  const { metrics } = observability;
  metrics.addMetric("SegmentsWritten", MetricUnit.Count, run.segmentsWritten);
  metrics.addMetric("SegmentsUnchanged", MetricUnit.Count, run.segmentsUnchanged);
  metrics.addMetric("SegmentsRemoved", MetricUnit.Count, run.segmentsRemoved);
  return run;
});
