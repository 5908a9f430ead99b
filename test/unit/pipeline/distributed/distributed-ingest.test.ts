import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { canonicalCube } from "#domain/canonical-cube.ts";
import { decodeCube } from "#domain/cube-codec.ts";
import { planByteRanges } from "#ingest/byte-range.ts";
import { mergeParts, mergePartsStep } from "#pipeline/distributed/merge.ts";
import { ingestPart, ingestPartStep } from "#pipeline/distributed/part.ts";
import { RangeKeys } from "#pipeline/distributed/part-storage.ts";
import { MAX_PARTS, partBytes, planIngestStep } from "#pipeline/distributed/plan.ts";
import { recordFailedIngestStep } from "#pipeline/distributed/record-failure.ts";
import { RANGE_BYTES as PRODUCTION_RANGE_BYTES } from "#pipeline/distributed/sizes.ts";
import type { IngestPlan } from "#pipeline/distributed/steps.ts";
import { uploadId } from "#pipeline/distributed/upload.ts";
import { ingestBatch, type UploadedObject } from "#pipeline/ingest-batch.ts";
import type { ServiceContext } from "#store/service-context.ts";
import { MemoryBatchRepository } from "#test-support/memory-batches.ts";
import { MemoryBlobStore } from "#test-support/memory-blobs.ts";
import { MemoryConfigRepository, MemoryDecisionRepository } from "#test-support/memory-config.ts";
import { MemoryScoreRepository } from "#test-support/memory-scores.ts";

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

/** A CSV file of rows 1‥count where every other row's category is a quoted field with a line break in it. */
function csvFileWithQuotedLineBreaks(count: number): string {
  const rows = Array.from({ length: count }, (_, i) => i + 1).map((i) =>
    i % 2 === 0 ? row(i).replace(/,tools$/, ',"hand\ntools"') : row(i),
  );
  return `${HEADER}\n${rows.join("\n")}\n`;
}

function newContext(
  options: { versioned?: boolean } = {},
): ServiceContext & { blobs: MemoryBlobStore; batches: MemoryBatchRepository } {
  return {
    blobs: new MemoryBlobStore(options),
    batches: new MemoryBatchRepository(),
    scores: new MemoryScoreRepository(),
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
  if (plan.action === "skip") return { plan, batch: await context.batches.getBatch("b-0615") };
  for (const part of plan.parts) await ingestPartStep(context.blobs, { ...plan, part });
  const { batch, outcome } = await mergePartsStep(context, { ...plan, parts: [...plan.parts] });
  return { plan, batch, outcome };
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
    cube: partial && canonicalCube(decodeCube(partial)),
    rejects: whole.blobs.text(REJECTS),
  };
}

function partialCube() {
  const bytes = context.blobs.objects.get(PARTIAL)?.bytes;
  return bytes && canonicalCube(decodeCube(bytes));
}

describe("planning the parts of an upload", () => {
  it("marks the batch ingesting and cuts an uncompressed CSV file into byte ranges that cover it", async () => {
    const object = context.blobs.upload(KEY, csvFile(400));

    const plan = ingesting(await planIngestStep(context, object, RANGE_BYTES));

    expect(context.batches.stored.get("b-0615")?.status).toBe("ingesting");
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
    const updates = context.batches.updates.length;

    const plan = await planIngestStep(context, object, RANGE_BYTES);

    expect(plan).toEqual({ action: "skip", object, status: "aggregated" });
    expect(context.batches.updates).toHaveLength(updates);
  });

  it("fails the batch before any part is read when its column mapping is not valid", async () => {
    await context.batches.createBatch({
      batchId: "b-0615",
      fileName: "orders.csv",
      mapping: { columns: { transactionId: "id" } },
      status: "awaiting_upload",
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });

    const plan = await planIngestStep(context, context.blobs.upload(KEY, csvFile(400)), RANGE_BYTES);

    expect(plan).toMatchObject({ action: "skip", status: "failed" });
    expect(context.batches.stored.get("b-0615")?.error).toMatchObject({
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
    const first = context.blobs.text(RangeKeys.outcome("b-0615", uploadId(object), 2));
    const objects = context.blobs.objects.size;
    await ingestPartStep(context.blobs, { ...plan, part });

    expect(context.blobs.objects.size).toBe(objects);
    expect(context.blobs.text(RangeKeys.outcome("b-0615", uploadId(object), 2))).toBe(first);
    expect(JSON.parse(first ?? "{}")).toMatchObject({ ok: true, rejected: 1 });
  });

  it("changes nothing when the merge runs again for content it counted", async () => {
    const object = context.blobs.upload(KEY, csvFile(400));
    const { plan, batch } = await runDistributed(object);
    const writes = [...context.blobs.writes];
    const updates = context.batches.updates.length;

    const again = await mergePartsStep(context, { ...ingesting(plan), parts: [...ingesting(plan).parts] });

    expect(again).toEqual({ outcome: "counted", batch });
    expect(context.blobs.writes).toEqual(writes);
    expect(context.batches.updates).toHaveLength(updates);
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
      /^part \d+ of \d+ \(bytes \d+–\d+\): the quoted field that starts on line \d+ is never closed.* is line 251 of the file\)\. If quoted fields in this file contain line breaks, .* send it gzip-compressed .*; otherwise close the quote on line 251 and send the file again$/,
    );
    expect(context.blobs.objects.get(PARTIAL)).toBe(before);
  });

  it("leaves the previous partial and rejects file when a part fails past its retries, marking the batch failed as retryable", async () => {
    await runDistributed(context.blobs.upload(KEY, csvFile(400, [7])));
    const before = { partial: context.blobs.objects.get(PARTIAL), rejects: context.blobs.text(REJECTS) };
    const counted = context.batches.stored.get("b-0615")?.contentHash;
    const plan = ingesting(
      await planIngestStep(context, context.blobs.upload(KEY, csvFile(300, [2, 3])), RANGE_BYTES),
    );
    const [first, second] = plan.parts;
    if (!first || !second) throw new Error("expected two parts");
    await ingestPartStep(context.blobs, { ...plan, part: first });
    context.blobs.faults.getStream = Object.assign(new Error("SlowDown"), { name: "SlowDown" });
    await expect(ingestPartStep(context.blobs, { ...plan, part: second })).rejects.toThrow("SlowDown");

    // The map's retries are spent: the state machine's catch runs the failure step.
    const batch = await recordFailedIngestStep(context, {
      object: plan.object,
      failure: { Error: "SlowDown", Cause: "Please reduce your request rate." },
    });

    expect(batch).toMatchObject({
      status: "failed",
      contentHash: counted,
      error: { code: "SERVICE_ERROR", retryable: true },
    });
    expect(batch?.error?.message).toContain("SlowDown: Please reduce your request rate.");
    expect(batch?.error?.message).toContain("send the file again");
    expect(context.blobs.objects.get(PARTIAL)).toBe(before.partial);
    expect(context.blobs.text(REJECTS)).toBe(before.rejects);
  });

  it("throws a storage fault that cuts a part's stream short, to be retried, and stores no result", async () => {
    const object = context.blobs.upload(KEY, csvFile(400));
    const plan = ingesting(await planIngestStep(context, object, RANGE_BYTES));
    const part = plan.parts[1];
    if (!part) throw new Error("expected a second part");
    context.blobs.faults.midStream = Object.assign(new Error("aborted"), { code: "ECONNRESET" });

    await expect(ingestPartStep(context.blobs, { ...plan, part })).rejects.toThrow("aborted");

    expect(context.blobs.objects.has(RangeKeys.outcome("b-0615", uploadId(object), 1))).toBe(false);
  });
});

describe("a file sent again under the same key while its parts are read", () => {
  it("reads the announced version in every step of a versioned bucket, so the batch holds the first file as if read whole", async () => {
    context = newContext({ versioned: true });
    const first = csvFile(400, [3, 390]);
    const object = context.blobs.upload(KEY, first);
    const plan = ingesting(await planIngestStep(context, object, RANGE_BYTES));
    const half = Math.floor(plan.parts.length / 2);
    for (const part of plan.parts.slice(0, half)) await ingestPartStep(context.blobs, { ...plan, part });

    context.blobs.upload(KEY, csvFile(400, [5, 6, 7]).replaceAll(",online,", ",phone,"));
    for (const part of plan.parts.slice(half)) await ingestPartStep(context.blobs, { ...plan, part });
    const { batch, outcome } = await mergePartsStep(context, { ...plan, parts: [...plan.parts] });
    const whole = await ingestedWhole(first);

    expect(outcome).toBe("merged");
    const { ingestMs: _a, ...distributed } = batch ?? {};
    const { ingestMs: _b, ...expected } = whole.batch ?? {};
    expect(distributed).toEqual(expected);
    expect(partialCube()).toEqual(whole.cube);
    expect(context.blobs.text(REJECTS)).toEqual(whole.rejects);
    const incomingReads = context.blobs.streamReads.filter((read) => read.key === KEY);
    expect(incomingReads.length).toBeGreaterThan(plan.parts.length);
    expect(incomingReads.every((read) => read.versionId === object.versionId)).toBe(true);
  });

  it("records the parts read after it as superseded in a bucket without versions, and the merge then leaves the batch, partial and rejects file to the newer upload", async () => {
    await runDistributed(context.blobs.upload(KEY, csvFile(300, [9])));
    const before = { partial: context.blobs.objects.get(PARTIAL), rejects: context.blobs.text(REJECTS) };
    // Bad rows early, so that the merge has begun writing rejects when it meets a superseded part.
    const object = context.blobs.upload(KEY, csvFile(400, [2, 3, 4]));
    const plan = ingesting(await planIngestStep(context, object, RANGE_BYTES));
    const half = Math.floor(plan.parts.length / 2);
    for (const part of plan.parts.slice(0, half)) await ingestPartStep(context.blobs, { ...plan, part });

    const newer = context.blobs.upload(KEY, csvFile(350));
    const results = [];
    for (const part of plan.parts.slice(half))
      results.push(await ingestPartStep(context.blobs, { ...plan, part }));
    const merged = await mergePartsStep(context, { ...plan, parts: [...plan.parts] });

    expect(results.every((result) => result.superseded === true && !result.ok)).toBe(true);
    const stored = JSON.parse(
      context.blobs.text(RangeKeys.outcome("b-0615", uploadId(object), half)) ?? "{}",
    );
    expect(stored).toMatchObject({ ok: false, superseded: true });
    expect(stored.message).toContain("a newer upload replaced it");
    expect(merged.outcome).toBe("superseded");
    expect(merged.batch?.status).toBe("ingesting");
    expect(merged.batch?.error).toBeUndefined();
    expect(context.blobs.objects.get(PARTIAL)).toBe(before.partial);
    expect(context.blobs.text(REJECTS)).toBe(before.rejects);

    const { batch } = await runDistributed(newer);
    expect(batch).toMatchObject({ status: "aggregated", contentHash: newer.etag, rows: 350, rejected: 0 });
  });

  it("skips the map when the plan already finds the newer upload, without failing the batch", async () => {
    const object = context.blobs.upload(KEY, csvFile(400));
    context.blobs.upload(KEY, csvFile(300));

    const plan = await planIngestStep(context, object, RANGE_BYTES);

    expect(plan).toEqual({ action: "skip", object, status: "ingesting", superseded: true });
    expect(context.batches.stored.get("b-0615")).toMatchObject({ status: "ingesting" });
    expect(context.batches.stored.get("b-0615")?.error).toBeUndefined();
  });

  it("keeps the results of two uploads of the same content apart", () => {
    const once = context.blobs.upload(KEY, csvFile(10));
    const again = context.blobs.upload(KEY, csvFile(10));

    expect(again.etag).toBe(once.etag);
    expect(uploadId(again)).not.toBe(uploadId(once));
    expect(uploadId({ ...again })).toBe(uploadId(again));
  });
});

describe("how many parts an upload is cut into", () => {
  it("grows the ranges of a very large file so that it never has more than MAX_PARTS of them", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 50 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (size, rangeBytes) => {
          const bytes = partBytes(size, rangeBytes);
          expect(bytes).toBeGreaterThanOrEqual(rangeBytes);
          expect(Math.ceil(size / bytes)).toBeLessThanOrEqual(MAX_PARTS);
          if (Math.ceil(size / rangeBytes) <= MAX_PARTS) expect(bytes).toBe(rangeBytes);
        },
      ),
    );
  });

  it("keeps the plan of a 1 PB file within the 256 KiB a state machine's state may hold", async () => {
    const stored = context.blobs.upload(KEY, csvFile(400));
    const object = { ...stored, size: 10 ** 15 };

    const plan = ingesting(await planIngestStep(context, object, PRODUCTION_RANGE_BYTES));

    expect(plan.parts).toHaveLength(MAX_PARTS);
    expect(plan.parts.at(-1)?.range?.end).toBe(object.size);
    expect(new TextEncoder().encode(JSON.stringify(plan)).length).toBeLessThan(256 * 1024);
  });
});

describe("a CSV file whose quoted fields contain line breaks", () => {
  it("is planned as one part when its first MiB shows one, and ingested as if read whole", async () => {
    const content = csvFileWithQuotedLineBreaks(400);

    const { plan, batch } = await runDistributed(context.blobs.upload(KEY, content));
    const whole = await ingestedWhole(content);

    expect(ingesting(plan).parts).toEqual([{ index: 0 }]);
    expect(whole.batch).toMatchObject({ status: "aggregated", rows: 400 });
    const { ingestMs: _a, ...distributed } = batch ?? {};
    const { ingestMs: _b, ...expected } = whole.batch ?? {};
    expect(distributed).toEqual(expected);
    expect(partialCube()).toEqual(whole.cube);
  });

  it("is read whole by one part when gzip-compressed, as the failure message advises", async () => {
    const content = csvFileWithQuotedLineBreaks(4_000);
    const compressed = new Uint8Array(gzipSync(content));
    expect(compressed.length).toBeGreaterThan(RANGE_BYTES);

    const { plan, batch } = await runDistributed(context.blobs.upload(KEY, compressed));

    expect(ingesting(plan).parts).toEqual([{ index: 0 }]);
    expect(batch).toMatchObject({ status: "aggregated", rows: 4_000, rejected: 0 });
  });

  it("fails the batch at a cut inside a quoted field, naming both causes and the gzip remedy, when the line breaks come after the first MiB", async () => {
    // The plan's probe sees the first MiB only: cutting such a file by hand is what happens to one
    // whose first quoted line break comes later.
    const content = csvFileWithQuotedLineBreaks(400);
    const object = context.blobs.upload(KEY, content);
    const settings = { file: "orders.csv", rejectRatio: 0.05, now: NOW.toISOString() };
    const parts = planByteRanges(object.size, RANGE_BYTES).map((range, index) => ({ index, range }));
    const outcomes = [];
    for (const part of parts) outcomes.push(await ingestPart(context.blobs, object, settings, part));

    const merged = mergeParts(outcomes, settings, parts.length);

    await expect(merged).rejects.toMatchObject({ code: "MALFORMED_CSV" });
    await expect(merged).rejects.toThrow(
      /is never closed.*If quoted fields in this file contain line breaks, it cannot be split into parts at line ends: send it gzip-compressed \(\.csv\.gz\), which is read whole; otherwise close the quote on line \d+ and send the file again$/,
    );
    expect((await ingestedWhole(content)).batch?.status).toBe("aggregated");
  });

  it("does not blame line breaks for a quote left open in the last part, where the file itself ends", async () => {
    const content = `${csvFile(399)}${row(400).replace(",tools", ',"tools')}\n`;

    const { batch } = await runDistributed(context.blobs.upload(KEY, content));

    expect(batch?.error?.code).toBe("MALFORMED_CSV");
    expect(batch?.error?.message).toContain("the file ends inside it");
    expect(batch?.error?.message).not.toContain("gzip");
  });
});

describe("the merge", () => {
  it("reads the parts one after another, never all of them first", async () => {
    const object = context.blobs.upload(KEY, csvFile(400));
    const plan = ingesting(await planIngestStep(context, object, RANGE_BYTES));
    for (const part of plan.parts) await ingestPartStep(context.blobs, { ...plan, part });
    const reads: string[] = [];
    const getBytes = context.blobs.getBytes.bind(context.blobs);
    context.blobs.getBytes = (key) => {
      reads.push(key);
      return getBytes(key);
    };

    await mergePartsStep(context, { ...plan, parts: [...plan.parts] });

    const upload = uploadId(object);
    expect(reads).toEqual(
      plan.parts.flatMap((part) => [
        RangeKeys.outcome("b-0615", upload, part.index),
        RangeKeys.cube("b-0615", upload, part.index),
      ]),
    );
  });
});
