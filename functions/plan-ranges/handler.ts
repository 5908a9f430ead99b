import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { lambdaHandler, observabilityFor } from "#functions/observability.ts";
import { contextFromEnvironment } from "#pipeline/context-from-environment.ts";
import { planIngestStep } from "#pipeline/distributed/plan.ts";
import { distributedIngestSizes } from "#pipeline/distributed/sizes.ts";
import { type IngestPlan, planStepInputSchema } from "#pipeline/distributed/steps.ts";

const observability = observabilityFor("segment-focus-plan-ranges");
const context = contextFromEnvironment();
const { rangeBytes } = distributedIngestSizes();

/** The state machine's first step: a big upload → the byte ranges (or the whole object) to map over. */
export const handler = lambdaHandler(observability, async (event: unknown): Promise<IngestPlan> => {
  const plan = await planIngestStep(context, planStepInputSchema.parse(event), rangeBytes);
  observability.logger.info("ingest planned", {
    key: plan.object.key,
    action: plan.action,
    parts: plan.action === "ingest" ? plan.parts.length : 0,
    ...(plan.action === "skip" && { status: plan.status, superseded: plan.superseded }),
  });
  observability.metrics.addMetric(
    "RangesPlanned",
    MetricUnit.Count,
    plan.action === "ingest" ? plan.parts.length : 0,
  );
  return plan;
});
