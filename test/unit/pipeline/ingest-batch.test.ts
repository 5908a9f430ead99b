import { gzipSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import { canonicalCube } from "#domain/canonical-cube.ts";
import { decodeCube } from "#domain/cube-codec.ts";
import { parsePolicy } from "#domain/policy.ts";
import { ingest } from "#ingest/ingest.ts";
import { ingestBatch } from "#pipeline/ingest-batch.ts";
import type { BatchRecord } from "#store/records.ts";
import type { MemoryBatchRepository } from "#test-support/memory-batches.ts";
import type { MemoryBlobStore } from "#test-support/memory-blobs.ts";
import type { MemoryConfigRepository } from "#test-support/memory-config.ts";
import { type MemoryContext, memoryContext } from "#test-support/memory-context.ts";

const NOW = new Date("2024-06-15T12:00:00.000Z");
const HEADER = "transaction_id,date,customer_id,order_id,revenue,quantity,cogs,cost_freight,channel,category";
const PARTIAL = "partials/b-0615.cube";
const REJECTS = "quarantine/b-0615/rejects.ndjson";

/** Row i: revenue 100 + i, cogs 60, freight 5; odd rows online, even rows retail; January to May 2024. */
function row(i: number, revenue = `${100 + i}.00`): string {
  return `T${i},2024-0${1 + (i % 5)}-15,C${i % 4},O${i},${revenue},1,60.00,5.00,${i % 2 === 1 ? "online" : "retail"},tools`;
}

/** A CSV file of rows 1‥count; rows listed in `bad` carry an unreadable revenue. */
function csvFile(count: number, bad: readonly number[] = [], firstRow = 1): string {
  const rows = Array.from({ length: count }, (_, i) => firstRow + i).map((i) =>
    bad.includes(i) ? row(i, "n/a") : row(i),
  );
  return `${HEADER}\n${rows.join("\n")}\n`;
}

let blobs: MemoryBlobStore;
let batches: MemoryBatchRepository;
let config: MemoryConfigRepository;
let context: MemoryContext;

beforeEach(() => {
  context = memoryContext({ now: () => NOW, newId: () => "run-1" });
  ({ blobs, batches, config } = context);
});

/** The batch as the API creates it when the ERP asks for an upload URL. */
async function awaitingUpload(overrides: Partial<BatchRecord> = {}): Promise<void> {
  await batches.createBatch({
    batchId: "b-0615",
    fileName: "orders.csv",
    status: "awaiting_upload",
    createdAt: "2024-06-15T11:00:00.000Z",
    updatedAt: "2024-06-15T11:00:00.000Z",
    ...overrides,
  });
}

function uploaded(content: string | Uint8Array, key = "incoming/b-0615/orders.csv") {
  return blobs.upload(key, content);
}

function statuses(): string[] {
  return batches.updates.flatMap(({ changes }) => (changes.status ? [changes.status] : []));
}

function partialCube() {
  const bytes = blobs.objects.get(PARTIAL)?.bytes;
  if (!bytes) throw new Error(`no partial at ${PARTIAL}`);
  return canonicalCube(decodeCube(bytes));
}

async function expectedCube(content: string) {
  async function* whole() {
    yield new TextEncoder().encode(content);
  }
  return canonicalCube((await ingest(whole(), { file: "orders.csv", now: NOW })).cube);
}

/** Revenue of one channel in the partial, summed over months, in amount units of 1/10,000. */
function channelRevenue(channel: string): number {
  const scheme = partialCube().schemes.find((s) => s.id === "channel");
  const segment = scheme?.segments.find((s) => s.values[0] === channel);
  return (segment?.months ?? []).reduce((sum, { figures }) => sum + (figures.revenue ?? 0), 0);
}

function rejectLines(): unknown[] {
  return (blobs.text(REJECTS) ?? "")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line));
}

describe("ingestBatch: a good file", () => {
  it("takes the batch from awaiting_upload through ingesting to aggregated, with its counts", async () => {
    await awaitingUpload();
    const object = uploaded(csvFile(40));

    const batch = await ingestBatch(context, object);

    expect(statuses()).toEqual(["ingesting", "aggregated"]);
    expect(batch).toMatchObject({
      batchId: "b-0615",
      fileName: "orders.csv",
      status: "aggregated",
      contentHash: object.etag,
      size: object.size,
      rows: 40,
      accepted: 40,
      rejected: 0,
      firstRejects: [],
      createdAt: "2024-06-15T11:00:00.000Z",
      updatedAt: NOW.toISOString(),
    });
    expect(batch?.ingestMs).toBeGreaterThanOrEqual(0);
    expect(batch?.error).toBeUndefined();
    expect(batch?.rejectsKey).toBeUndefined();
    expect(batches.stored.get("b-0615")).toEqual(batch);
  });

  it("creates the batch when a file arrives for a batch id the API never issued", async () => {
    const batch = await ingestBatch(context, uploaded(csvFile(3), "incoming/b-0615/direct.csv"));

    expect(batch).toMatchObject({
      batchId: "b-0615",
      fileName: "direct.csv",
      status: "aggregated",
      createdAt: NOW.toISOString(),
      accepted: 3,
    });
  });

  it("writes the partial at partials/{batchId}.cube, which decodes to the file's cube", async () => {
    await awaitingUpload();
    const content = csvFile(40);

    await ingestBatch(context, uploaded(content));

    expect(partialCube()).toEqual(await expectedCube(content));
    const online = Array.from({ length: 20 }, (_, k) => 100 + (2 * k + 1)).reduce((a, b) => a + b, 0);
    expect(channelRevenue("online")).toBe(online * 10_000);
  });

  it("ignores an object outside incoming/{batchId}/ and touches nothing", async () => {
    const outcome = await ingestBatch(context, uploaded(csvFile(3), "partials/b-0615.cube"));

    expect(outcome).toBeUndefined();
    expect(batches.stored.size).toBe(0);
    expect(blobs.writes).toEqual([]);
  });

  it("applies the column mapping stored with the batch", async () => {
    await awaitingUpload({
      mapping: {
        columns: {
          transactionId: "Beleg",
          date: "Datum",
          customerId: "Kunde",
          revenue: "Umsatz",
          cogs: "Wareneinsatz",
          dimensions: { channel: "Kanal" },
        },
      },
    });

    const batch = await ingestBatch(
      context,
      uploaded("Beleg,Datum,Kunde,Umsatz,Wareneinsatz,Kanal\nA1,2024-02-01,K1,10.00,4.00,shop\n"),
    );

    expect(batch).toMatchObject({ status: "aggregated", accepted: 1 });
    expect(partialCube().schemes.map((scheme) => scheme.id)).toEqual(["channel", "customer"]);
  });

  it("aggregates the schemes, and allows the reject ratio, of the policy in force", async () => {
    await awaitingUpload();
    config.current = parsePolicy({ schemes: [["channel"]], rejectRatio: 0.25 });

    const batch = await ingestBatch(context, uploaded(csvFile(10, [3, 7])));

    expect(batch).toMatchObject({ status: "aggregated", rows: 10, accepted: 8, rejected: 2 });
    expect(partialCube().schemes.map((scheme) => scheme.id)).toEqual(["channel"]);
  });
});

describe("ingestBatch: the same batch announced again", () => {
  it("counts the same content once: no second ingest, no new partial", async () => {
    await awaitingUpload();
    const object = uploaded(csvFile(40));
    const first = await ingestBatch(context, object);
    const writes = [...blobs.writes];
    const updates = batches.updates.length;

    const again = await ingestBatch(context, object);

    expect(again).toEqual(first);
    expect(blobs.writes).toEqual(writes);
    expect(batches.updates).toHaveLength(updates);
  });

  it("counts content already scored once too", async () => {
    await awaitingUpload();
    const object = uploaded(csvFile(40));
    await ingestBatch(context, object);
    await batches.updateBatch("b-0615", { status: "scored", runId: "run-1" });

    const again = await ingestBatch(context, object);

    expect(again?.status).toBe("scored");
    expect(blobs.writes).toEqual([PARTIAL]);
  });

  it("replaces the partial, not adds to it, when new content arrives under the same batch id", async () => {
    await awaitingUpload();
    await ingestBatch(context, uploaded(csvFile(40)));
    const resent = csvFile(10, [], 101);

    const batch = await ingestBatch(context, uploaded(resent, "incoming/b-0615/orders-fixed.csv"));

    expect(batch).toMatchObject({
      status: "aggregated",
      fileName: "orders-fixed.csv",
      rows: 10,
      accepted: 10,
    });
    expect(partialCube()).toEqual(await expectedCube(resent));
    expect(blobs.writes).toEqual([PARTIAL, PARTIAL]);
  });
});

describe("ingestBatch: a bad file", () => {
  it("fails the batch on an empty file, with the reason, not retryable, leaving the previous partial", async () => {
    await awaitingUpload();
    await ingestBatch(context, uploaded(csvFile(40)));
    const before = blobs.objects.get(PARTIAL);

    const batch = await ingestBatch(context, uploaded(""));

    expect(batch).toMatchObject({
      status: "failed",
      error: {
        code: "EMPTY_FILE",
        message: "the file is empty: expected a header line and then one invoice line per row",
        retryable: false,
      },
    });
    expect(blobs.objects.get(PARTIAL)).toBe(before);
    expect(statuses()).toEqual(["ingesting", "aggregated", "ingesting", "failed"]);
  });

  it("fails the batch whole past 5% rejects, with its counts, first rejects and the rejects file", async () => {
    await awaitingUpload();
    const batch = await ingestBatch(context, uploaded(csvFile(20, [2, 5, 9])));

    expect(batch).toMatchObject({
      status: "failed",
      rows: 20,
      rejected: 3,
      rejectsKey: REJECTS,
      error: { code: "REJECT_RATIO_EXCEEDED", retryable: false },
    });
    expect(batch?.error?.message).toMatch(
      /^3 of 20 rows \(15\.0%\) were rejected, more than the 5\.0% allowed/,
    );
    expect(batch?.firstRejects?.map((reject) => reject.line)).toEqual([3, 6, 10]);
    expect(batch?.accepted).toBeUndefined();
    expect(blobs.objects.has(PARTIAL)).toBe(false);
    expect(rejectLines()).toHaveLength(3);
  });

  it("fails the batch on a mapping that is not valid, naming the field", async () => {
    await awaitingUpload({ mapping: { columns: { transactionId: "id" } } });

    const batch = await ingestBatch(context, uploaded(csvFile(3)));

    expect(batch?.status).toBe("failed");
    expect(batch?.error).toMatchObject({ code: "INVALID_MAPPING", retryable: false });
    expect(batch?.error?.message).toContain("columns.date");
  });

  it("remembers the failed content, so announcing it again gives the same failure", async () => {
    await awaitingUpload();
    const object = uploaded("");

    const first = await ingestBatch(context, object);
    const second = await ingestBatch(context, object);

    expect(first).toMatchObject({ status: "failed", contentHash: object.etag });
    expect(second?.error).toEqual(first?.error);
  });
});

describe("ingestBatch: rejects", () => {
  it("streams each reject as one NDJSON line {line, column, value, reason} to quarantine/{batchId}/rejects.ndjson", async () => {
    await awaitingUpload();

    const batch = await ingestBatch(context, uploaded(csvFile(40, [7])));

    expect(batch).toMatchObject({
      status: "aggregated",
      rows: 40,
      accepted: 39,
      rejected: 1,
      rejectsKey: REJECTS,
    });
    expect(blobs.objects.get(REJECTS)?.contentType).toBe("application/x-ndjson");
    expect(rejectLines()).toEqual([
      { line: 8, column: "revenue", value: "n/a", reason: expect.stringMatching(/\w/) },
    ]);
    expect(batch?.firstRejects).toEqual(rejectLines());
  });

  it("writes no rejects file when every row is accepted", async () => {
    await awaitingUpload();

    await ingestBatch(context, uploaded(csvFile(5)));

    expect(blobs.objects.has(REJECTS)).toBe(false);
  });
});

describe("ingestBatch: a storage fault", () => {
  it("marks the batch failed as retryable with SERVICE_ERROR and throws, leaving the previous partial", async () => {
    await awaitingUpload();
    const good = uploaded(csvFile(40));
    await ingestBatch(context, good);
    const before = blobs.objects.get(PARTIAL);
    blobs.faults.getStream = new Error("SlowDown: Please reduce your request rate.");

    await expect(ingestBatch(context, uploaded(csvFile(10), "incoming/b-0615/next.csv"))).rejects.toThrow(
      "SlowDown",
    );

    const batch = batches.stored.get("b-0615");
    expect(batch).toMatchObject({
      status: "failed",
      contentHash: good.etag,
      error: { code: "SERVICE_ERROR", retryable: true },
    });
    expect(batch?.error?.message).toContain("SlowDown: Please reduce your request rate.");
    expect(blobs.objects.get(PARTIAL)).toBe(before);
  });

  it("ingests the content when it is announced again after the fault", async () => {
    await awaitingUpload();
    const object = uploaded(csvFile(40));
    blobs.faults.put = new Error("InternalError");
    await expect(ingestBatch(context, object)).rejects.toThrow("InternalError");
    delete blobs.faults.put;

    const batch = await ingestBatch(context, object);

    expect(batch).toMatchObject({ status: "aggregated", accepted: 40, contentHash: object.etag });
    expect(batch?.error).toBeUndefined();
    expect(blobs.objects.has(PARTIAL)).toBe(true);
  });

  it.each([
    ["CSV", (text: string) => new TextEncoder().encode(text)],
    ["gzip", (text: string) => new Uint8Array(gzipSync(text))],
  ])(
    "treats a connection that breaks while a %s file streams as a fault to retry, not a bad file",
    async (_, encode) => {
      await awaitingUpload();
      blobs.faults.midStream = Object.assign(new Error("aborted"), { code: "ECONNRESET" });

      await expect(ingestBatch(context, uploaded(encode(csvFile(400))))).rejects.toThrow("aborted");

      expect(batches.stored.get("b-0615")).toMatchObject({
        status: "failed",
        error: { code: "SERVICE_ERROR", retryable: true },
      });
      expect(batches.stored.get("b-0615")?.contentHash).toBeUndefined();
    },
  );

  it("fails the batch as retryable when its rejects cannot be stored, and leaves no rejection unhandled", async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", record);
    try {
      await awaitingUpload();
      blobs.faults.putStream = new Error("SlowDown: Please reduce your request rate.");

      await expect(ingestBatch(context, uploaded(csvFile(400, [3, 50, 200])))).rejects.toThrow("SlowDown");
      await new Promise((resolve) => setTimeout(resolve, 20));

      expect(unhandled).toEqual([]);
      expect(batches.stored.get("b-0615")).toMatchObject({
        status: "failed",
        error: { code: "SERVICE_ERROR", retryable: true },
      });
      expect(blobs.objects.has(PARTIAL)).toBe(false);
    } finally {
      process.off("unhandledRejection", record);
    }
  });
});
