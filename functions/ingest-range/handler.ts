import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { lambdaHandler, observabilityFor } from "#functions/observability.ts";
import { ingestPartStep } from "#pipeline/distributed/part.ts";
import { type PartStepResult, partStepInputSchema } from "#pipeline/distributed/steps.ts";
import { createS3Client, endpointsFromEnvironment } from "#store/aws-clients.ts";
import { S3BlobStore } from "#store/s3-blob-store.ts";

const observability = observabilityFor("segment-focus-ingest-range");
const bucket = process.env.SEGFOCUS_BUCKET;
if (!bucket) throw new Error("SEGFOCUS_BUCKET must name the bucket");
// A part reads the upload and writes its own result: the bucket is all it needs.
const blobs = new S3BlobStore(createS3Client(endpointsFromEnvironment()), bucket);

/** One item of the Distributed Map: one byte range (or whole object) → its stored partial cube and counts. */
export const handler = lambdaHandler(observability, async (event: unknown): Promise<PartStepResult> => {
  const input = partStepInputSchema.parse(event);
  const result = await ingestPartStep(blobs, input);
  observability.logger.info(
    result.superseded ? "part skipped: a newer upload replaced this one" : "part ingested",
    { key: input.object.key, ...result },
  );
  observability.metrics.addMetric("RangeLinesRead", MetricUnit.Count, result.rows ?? 0);
  observability.metrics.addMetric("RangeLinesRejected", MetricUnit.Count, result.rejected ?? 0);
  return result;
});
