import { Metrics } from "@aws-lambda-powertools/metrics";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { encodeCube } from "#domain/cube-codec.ts";
import { DEFAULT_POLICY } from "#domain/policy.ts";
import { scoreCube } from "#domain/scoring.ts";
import { channelFixtureSales } from "#test-support/channel-fixture.ts";
import { salesCube } from "#test-support/segment-sales.ts";
import type { Item } from "../store/fake-table.ts";
import { handlerOnFakeAws } from "./fake-aws.ts";
import { internalServerError, slowDown, throughputExceeded } from "./service-faults.ts";

const { aws, handler } = handlerOnFakeAws(() => import("#functions/score/handler.ts"));

const SALES = channelFixtureSales();
const BATCHES: Record<string, readonly string[]> = {
  "b-1": ["direct", "online", "wholesale"],
  "b-2": ["outlet", "warranty", "pilot"],
};
const SEGMENTS = scoreCube(salesCube(SALES), DEFAULT_POLICY).schemes.reduce(
  (sum, scheme) => sum + scheme.segments.length,
  0,
);

beforeEach(() => {
  for (const [batchId, channels] of Object.entries(BATCHES)) {
    const cube = salesCube(SALES.filter((sale) => channels.includes(sale.channel)));
    aws.bucket.objects.set(`partials/${batchId}.cube`, encodeCube(cube));
    aws.table.seed({
      pk: `BATCH#${batchId}`,
      sk: "BATCH",
      batchId,
      fileName: `${batchId}.csv`,
      status: "aggregated",
      createdAt: "2025-01-10T01:00:00.000Z",
      updatedAt: "2025-01-10T01:00:00.000Z",
    });
  }
});

function batch(batchId: string): Item | undefined {
  return aws.table.item(`BATCH#${batchId}`, "BATCH");
}

function storedSegments(): number {
  return ["channel", "customer", "channel+category"].reduce(
    (sum, scheme) =>
      sum + aws.table.sortKeys(`SCHEME#${scheme}`).filter((key) => key.startsWith("SEG#")).length,
    0,
  );
}

describe("score handler", () => {
  it("counts the segments it wrote, left and removed as metrics of its run", async () => {
    const recorded = vi.spyOn(Metrics.prototype, "addMetric");
    const run = await handler();
    const counts = new Map(recorded.mock.calls.map(([name, , value]) => [name, value]));
    recorded.mockRestore();

    expect(counts.get("SegmentsWritten")).toBe(run.segmentsWritten);
    expect(counts.get("SegmentsWritten")).toBeGreaterThan(0);
    expect(counts.get("SegmentsUnchanged")).toBe(0);
    expect(counts.get("SegmentsRemoved")).toBe(0);
  });

  it("scores every partial, stores the segments and the run, and marks the batches scored", async () => {
    const run = await handler();

    expect(run).toMatchObject({
      batchIds: ["b-1", "b-2"],
      policyVersion: 1,
      segmentsWritten: SEGMENTS,
      segmentsUnchanged: 0,
      segmentsRemoved: 0,
    });
    expect(storedSegments()).toBe(SEGMENTS);
    expect(aws.table.item(`RUN#${run.runId}`, "RUN")).toMatchObject({
      runId: run.runId,
      batchIds: ["b-1", "b-2"],
    });
    expect(batch("b-1")).toMatchObject({ status: "scored", runId: run.runId });
    expect(batch("b-2")).toMatchObject({ status: "scored", runId: run.runId });
  });

  it("gets every write in when DynamoDB leaves some unprocessed for a while (the repository's retries)", async () => {
    aws.table.unprocessed = (requests, call) => (call <= 2 ? requests.slice(0, 5) : []);

    const run = await handler();

    expect(run.segmentsWritten).toBe(SEGMENTS);
    expect(storedSegments()).toBe(SEGMENTS);
    expect(batch("b-1")).toMatchObject({ status: "scored" });
  });
});

describe("score handler: faults that outlast the retries", () => {
  it("throws on persistent throughput errors, so the invocation is retried; no run is recorded, no batch marked", async () => {
    aws.table.failing("BatchWrite", throughputExceeded);

    await expect(handler()).rejects.toThrow("provisioned throughput");

    expect(aws.table.partitions("RUN#")).toEqual([]);
    expect(batch("b-1")).toMatchObject({ status: "aggregated" });
    expect(batch("b-2")).toMatchObject({ status: "aggregated" });
  });

  it("throws when S3 will not list the partials", async () => {
    aws.s3.on(ListObjectsV2Command).rejects(slowDown());

    await expect(handler()).rejects.toThrow("Please reduce your request rate.");

    expect(aws.dynamo.commandCalls(BatchWriteCommand)).toHaveLength(0);
    expect(batch("b-1")).toMatchObject({ status: "aggregated" });
  });

  it("completes on the next invocation after a DynamoDB server error", async () => {
    aws.table.failing("BatchWrite", internalServerError, { times: 1 });

    await expect(handler()).rejects.toThrow("Internal server error");
    const retried = await handler();

    expect(retried.batchIds).toEqual(["b-1", "b-2"]);
    expect(aws.table.partitions("RUN#")).toEqual([`RUN#${retried.runId}`]);
    expect(storedSegments()).toBe(SEGMENTS);
    expect(batch("b-1")).toMatchObject({ status: "scored", runId: retried.runId });
    expect(batch("b-2")).toMatchObject({ status: "scored", runId: retried.runId });
  });
});
