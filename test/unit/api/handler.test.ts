import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  apiEvent,
  authorised,
  callApi,
  lambdaContext,
  memoryApi,
  quietObservability,
} from "./api-harness.ts";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("the Lambda entry point", () => {
  it("can be imported without an environment, and builds its stores from the environment on the first request", async () => {
    vi.stubEnv("SEGFOCUS_BUCKET", undefined);
    vi.stubEnv("SEGFOCUS_TABLE", undefined);
    const { handler } = await import("#functions/api/handler.ts");
    const health = apiEvent({ method: "GET", path: "/health" });

    await expect(handler(health, lambdaContext())).rejects.toThrow(
      "SEGFOCUS_BUCKET and SEGFOCUS_TABLE must name the bucket and the table",
    );

    vi.stubEnv("SEGFOCUS_BUCKET", "segfocus-uploads");
    vi.stubEnv("SEGFOCUS_TABLE", "segfocus");
    vi.stubEnv("AWS_REGION", "eu-west-1");
    vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "true");
    const answer = await handler(health, lambdaContext());
    expect(answer).toEqual({
      statusCode: 200,
      headers: { "content-type": "application/json" },
      body: '{"status":"ok"}',
    });
  });
});

describe("metrics", () => {
  function setup() {
    const observability = quietObservability();
    const { handler } = memoryApi({}, observability);
    return { handler, metrics: observability.metrics };
  }

  it("counts one Responses metric per answer, by route template and status", async () => {
    const { handler, metrics } = setup();
    const dimensions = vi.spyOn(metrics, "addDimensions");
    const counted = vi.spyOn(metrics, "addMetric");

    await callApi(handler, { method: "GET", path: "/health" });
    await callApi(handler, authorised.get("planner", "/schemes/channel/segments/direct"));
    await callApi(handler, authorised.get("ingest", "/schemes"));
    await callApi(handler, { method: "GET", path: "/wp-admin/login.php" });

    expect(dimensions.mock.calls).toEqual([
      [{ route: "GET /health", status: "200" }],
      [{ route: "GET /schemes/{schemeId}/segments/{segmentId}", status: "404" }],
      [{ route: "GET /schemes", status: "403" }],
      [{ route: "unmatched", status: "404" }],
    ]);
    expect(counted.mock.calls).toEqual(Array(4).fill(["Responses", MetricUnit.Count, 1]));
  });

  it("publishes the metrics after every answer, error answers included", async () => {
    const { handler, metrics } = setup();
    const published = vi.spyOn(metrics, "publishStoredMetrics");
    await callApi(handler, { method: "GET", path: "/health" });
    await callApi(handler, { method: "GET", path: "/schemes" });
    expect(published).toHaveBeenCalledTimes(2);
  });
});
