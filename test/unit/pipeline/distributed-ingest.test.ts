import { gzipSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import { decodeCube } from "#domain/cube-codec.ts";
import {
  type IngestPlan,
  ingestPartStep,
  mergePartsStep,
  planIngestStep,
  RangeKeys,
  recordFailedIngestStep,
} from "#pipeline/distributed-ingest.ts";
import { ingestBatch, type UploadedObject } from "#pipeline/ingest-batch.ts";
import type { PipelineContext } from "#pipeline/pipeline-context.ts";
import { MemoryConfigRepository, MemoryDecisionRepository } from "../../support/memory-config.ts";
import { InMemoryBlobStore, InMemoryScoreRepository } from "./in-memory-stores.ts";

const NOW = new Date("2024-06-15T12:00:00.000Z");
const HEADER = "transaction_id,date,customer_id,order_id,revenue,quantity,cogs,cost_freight,channel,category";
const PARTIAL = "partials/b-0615.cube";
const REJECTS = "quarantine/b-0615/rejects.ndjson";
const KEY = "incoming/b-0615/orders.csv";
/** About 80 bytes a row: a 400-row file is cut into 8 ranges. */
const RANGE_BYTES = 4096;

function row(i: number, revenue = `${100 + i}.00`): string {
  return `T${i},2024-0${1 + (i % 5)}-15,C${i % 7},O${i},${revenue},1,60.00,5.00,${i % 2 === 1 ? "online" : "retail"},tools`;
}

/** A CSV file of rows 1‥count; rows listed in `bad` carry an unreadable revenue. */
function csvFile(count: number, bad: readonly number[] = []): string {
  const rows = Array.from({ length: count }, (_, i) => i + 1).map((i) =>
    bad.includes(i) ? row(i, "n/a") : row(i),
  );
  return `${HEADER}\n${rows.join("\n")}\n`;
}

function newContext(): PipelineContext & { blobs: InMemoryBlobStore; repository: InMemoryScoreRepository } {
  return {
    blobs: new InMemoryBlobStore(),
    repository: new InMemoryScoreRepository(),
    now: () => NOW,
    newId: () => "run-1",
    decisions: new MemoryDecisionRepository(),
    config: new MemoryConfigRepository(),
  };
}

let context: ReturnType<typeof newContext>;

beforeEach(() => {
  context = newContext();
});

/** What the state machine does: plan, then every part (the map), then merge. */
async function runDistributed(object: UploadedObject) {
  const plan = await planIngestStep(context, object, RANGE_BYTES);
  if (plan.action === "skip") return { plan, batch: await context.repository.getBatch("b-0615") };
  for (const part of plan.parts) await ingestPartStep(context.blobs, { ...plan, part });
  const batch = await mergePartsStep(context, { ...plan, parts: [...plan.parts] });
  return { plan, batch };
}

function ingesting(plan: IngestPlan): Extract<IngestPlan, { action: "ingest" }> {
  if (plan.action !== "ingest") throw new Error(`the plan skips: ${plan.status}`);
  return plan;
}

/** The same upload ingested whole by ingestBatch, in stores of its own. */
async function ingestedWhole(content: string | Uint8Array) {
  const whole = newContext();
  const batch = await ingestBatch(whole, whole.blobs.upload(KEY, content));
  const partial = whole.blobs.objects.get(PARTIAL)?.bytes;
  return {
    batch,
    cube: partial && decodeCube(partial).toCanonical(),
    rejects: whole.blobs.text(REJECTS),
  };
}

function partialCube() {
  const bytes = context.blobs.objects.get(PARTIAL)?.bytes;
  return bytes && decodeCube(bytes).toCanonical();
}

describe("planning the parts of an upload", () => {
  it("marks the batch ingesting and cuts an uncompressed CSV file into byte ranges that cover it", async () => {
    const object = context.blobs.upload(KEY, csvFile(400));

    const plan = ingesting(await planIngestStep(context, object, RANGE_BYTES));

    expect(context.repository.batches.get("b-0615")?.status).toBe("ingesting");
    expect(plan.parts.length).toBe(Math.ceil(object.size / RANGE_BYTES));
    expect(plan.parts[0]).toEqual({ index: 0, range: { start: 0, end: RANGE_BYTES } });
    expect(plan.parts.at(-1)?.range?.end).toBe(object.size);
    expect(plan.settings).toMatchObject({ file: "orders.csv", rejectRatio: 0.05, now: NOW.toISOString() });
  });

  it.each([
    ["a gzip file", () => new Uint8Array(gzipSync(csvFile(400)))],
    ["an NDJSON file", () => `${JSON.stringify({ transaction_id: "T1" })}\n`.repeat(200)],
    ["a file no larger than one range", () => csvFile(20)],
  ])("plans %s as one part, the whole object", async (_, content) => {
    const plan = ingesting(await planIngestStep(context, context.blobs.upload(KEY, content()), RANGE_BYTES));

    expect(plan.parts).toEqual([{ index: 0 }]);
  });

  it("skips content already counted, touching nothing", async () => {
    const object = context.blobs.upload(KEY, csvFile(400));
    await runDistributed(object);
    const updates = context.repository.batchUpdates.length;

    const plan = await planIngestStep(context, object, RANGE_BYTES);

    expect(plan).toEqual({ action: "skip", object, status: "aggregated" });
    expect(context.repository.batchUpdates).toHaveLength(updates);
  });

  it("fails the batch before any part is read when its column mapping is not valid", async () => {
    await context.repository.createBatch({
      batchId: "b-0615",
      fileName: "orders.csv",
      mapping: { columns: { transactionId: "id" } },
      status: "awaiting_upload",
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });

    const plan = await planIngestStep(context, context.blobs.upload(KEY, csvFile(400)), RANGE_BYTES);

    expect(plan).toMatchObject({ action: "skip", status: "failed" });
    expect(context.repository.batches.get("b-0615")?.error).toMatchObject({
      code: "INVALID_MAPPING",
      retryable: false,
    });
  });
});

describe("a file split in ranges, ingested part by part and merged", () => {
  it("gives the batch, partial cube and rejects file of ingesting it whole", async () => {
    // Bad rows in the first, a middle and the last range, to check the renumbering of rejects.
    const content = csvFile(400, [3, 170, 171, 398]);
    const object = context.blobs.upload(KEY, content);

    const { plan, batch } = await runDistributed(object);
    const whole = await ingestedWhole(content);

    expect(ingesting(plan).parts.length).toBeGreaterThan(4);
    const { ingestMs: _a, ...distributed } = batch ?? {};
    const { ingestMs: _b, ...expected } = whole.batch ?? {};
    expect(distributed).toEqual(expected);
    expect(distributed).toMatchObject({ status: "aggregated", rows: 400, rejected: 4, rejectsKey: REJECTS });
    expect(partialCube()).toEqual(whole.cube);
    expect(context.blobs.text(REJECTS)).toEqual(whole.rejects);
    expect(batch?.firstRejects?.map((reject) => reject.line)).toEqual([4, 171, 172, 399]);
  });

  it("fails the batch whole past the reject ratio of the whole file, with the rejects file, as ingesting it whole does", async () => {
    const bad = Array.from({ length: 30 }, (_, k) => 10 + k * 13);
    const content = csvFile(400, bad);

    const { batch } = await runDistributed(context.blobs.upload(KEY, content));
    const whole = await ingestedWhole(content);

    expect(batch).toEqual(whole.batch);
    expect(batch?.error).toMatchObject({ code: "REJECT_RATIO_EXCEEDED", retryable: false });
    expect(context.blobs.text(REJECTS)).toEqual(whole.rejects);
    expect(context.blobs.objects.has(PARTIAL)).toBe(false);
  });
});

describe("re-running a step", () => {
  it("overwrites a part's own result with the same bytes", async () => {
    const object = context.blobs.upload(KEY, csvFile(400, [170]));
    const plan = ingesting(await planIngestStep(context, object, RANGE_BYTES));
    const part = plan.parts[2];
    if (!part) throw new Error("expected a third part");

    await ingestPartStep(context.blobs, { ...plan, part });
    const first = context.blobs.text(RangeKeys.outcome("b-0615", object.etag, 2));
    const objects = context.blobs.objects.size;
    await ingestPartStep(context.blobs, { ...plan, part });

    expect(context.blobs.objects.size).toBe(objects);
    expect(context.blobs.text(RangeKeys.outcome("b-0615", object.etag, 2))).toBe(first);
    expect(JSON.parse(first ?? "{}")).toMatchObject({ ok: true, rejected: 1 });
  });

  it("changes nothing when the merge runs again for content it counted", async () => {
    const object = context.blobs.upload(KEY, csvFile(400));
    const { plan, batch } = await runDistributed(object);
    const writes = [...context.blobs.writes];
    const updates = context.repository.batchUpdates.length;

    const again = await mergePartsStep(context, { ...ingesting(plan), parts: [...ingesting(plan).parts] });

    expect(again).toEqual(batch);
    expect(context.blobs.writes).toEqual(writes);
    expect(context.repository.batchUpdates).toHaveLength(updates);
  });
});

describe("a part that fails", () => {
  it("fails the batch naming the part and the line in the file, leaving the previous partial", async () => {
    await runDistributed(context.blobs.upload(KEY, csvFile(400)));
    const before = context.blobs.objects.get(PARTIAL);
    const lines = csvFile(400).split("\n");
    lines[250] = lines[250]?.replace(",tools", ',"tools') ?? "";
    const broken = context.blobs.upload(KEY, lines.join("\n"));

    const { batch } = await runDistributed(broken);

    expect(batch).toMatchObject({
      status: "failed",
      contentHash: broken.etag,
      error: { code: "MALFORMED_CSV", retryable: false, details: { line: 251 } },
    });
    expect(batch?.error?.message).toMatch(
      /^part \d+ of \d+ \(bytes \d+–\d+\): the quoted field that starts on line \d+ is never closed.* is line 251 of the file\)$/,
    );
    expect(context.blobs.objects.get(PARTIAL)).toBe(before);
  });

  it("marks the batch failed as retryable when a step failed after its retries, leaving the previous partial", async () => {
    await runDistributed(context.blobs.upload(KEY, csvFile(400)));
    const before = context.blobs.objects.get(PARTIAL);
    const plan = ingesting(
      await planIngestStep(context, context.blobs.upload(KEY, csvFile(300)), RANGE_BYTES),
    );

    const batch = await recordFailedIngestStep(context, {
      object: plan.object,
      failure: { Error: "Lambda.ServiceException", Cause: "Rate exceeded" },
    });

    expect(batch).toMatchObject({ status: "failed", error: { code: "SERVICE_ERROR", retryable: true } });
    expect(batch?.error?.message).toContain("Lambda.ServiceException: Rate exceeded");
    expect(batch?.error?.message).toContain("send the file again");
    expect(context.blobs.objects.get(PARTIAL)).toBe(before);
  });

  it("throws a storage fault that cuts a part's stream short, to be retried, and stores no result", async () => {
    const object = context.blobs.upload(KEY, csvFile(400));
    const plan = ingesting(await planIngestStep(context, object, RANGE_BYTES));
    const part = plan.parts[1];
    if (!part) throw new Error("expected a second part");
    context.blobs.faults.midStream = Object.assign(new Error("aborted"), { code: "ECONNRESET" });

    await expect(ingestPartStep(context.blobs, { ...plan, part })).rejects.toThrow("aborted");

    expect(context.blobs.objects.has(RangeKeys.outcome("b-0615", object.etag, 1))).toBe(false);
  });
});
