import { describe, expect, it } from "vitest";
import type { ColumnMapping } from "#ingest/mapping.ts";
import type { BatchRecord } from "#store/records.ts";
import { announceBatch, keepsItsMapping, newBatch } from "#use-cases/announce-batch.ts";

const AT = new Date("2025-03-01T08:00:00.000Z");
const MAPPING = { columns: { revenue: "Net" } } as unknown as ColumnMapping;

/** A batch store that keeps the first batch created under each id. */
function batchStore() {
  const batches = new Map<string, BatchRecord>();
  return {
    batches,
    createBatch: async (batch: BatchRecord) => {
      const known = batches.get(batch.batchId);
      if (known) return { created: false, batch: known };
      batches.set(batch.batchId, batch);
      return { created: true, batch };
    },
  };
}

describe("newBatch", () => {
  it("starts a batch awaiting its upload, created and updated at the moment given", () => {
    expect(newBatch({ batchId: "b1", fileName: "orders.csv" }, AT)).toEqual({
      batchId: "b1",
      fileName: "orders.csv",
      status: "awaiting_upload",
      createdAt: "2025-03-01T08:00:00.000Z",
      updatedAt: "2025-03-01T08:00:00.000Z",
    });
  });

  it("keeps the column mapping it is announced with", () => {
    expect(newBatch({ batchId: "b1", fileName: "orders.csv", mapping: MAPPING }, AT).mapping).toBe(MAPPING);
  });
});

describe("keepsItsMapping", () => {
  it("holds for the same mapping sent again, or none twice", () => {
    const stored = newBatch({ batchId: "b1", fileName: "f.csv", mapping: MAPPING }, AT);
    expect(keepsItsMapping(stored, structuredClone(MAPPING))).toBe(true);
    expect(keepsItsMapping(newBatch({ batchId: "b1", fileName: "f.csv" }, AT), undefined)).toBe(true);
  });

  it("fails for another mapping, or a mapping left out on the re-send", () => {
    const stored = newBatch({ batchId: "b1", fileName: "f.csv", mapping: MAPPING }, AT);
    const other = { columns: { revenue: "Amount" } } as unknown as ColumnMapping;
    expect(keepsItsMapping(stored, other)).toBe(false);
    expect(keepsItsMapping(stored, undefined)).toBe(false);
  });
});

describe("announceBatch", () => {
  it("creates a batch the first time, finds it on a re-send with the same mapping", async () => {
    const store = batchStore();
    const announcement = { batchId: "b1", fileName: "f.csv", mapping: MAPPING };
    expect((await announceBatch(store, announcement, AT)).outcome).toBe("created");
    const again = await announceBatch(store, announcement, new Date("2025-03-02T00:00:00Z"));
    expect(again.outcome).toBe("sent_again");
    expect(again.batch.createdAt).toBe(AT.toISOString());
  });

  it("answers a conflict, leaving the batch as it was, when a re-send has another mapping", async () => {
    const store = batchStore();
    await announceBatch(store, { batchId: "b1", fileName: "f.csv", mapping: MAPPING }, AT);
    const conflict = await announceBatch(store, { batchId: "b1", fileName: "f.csv" }, AT);
    expect(conflict.outcome).toBe("mapping_conflict");
    expect(store.batches.get("b1")?.mapping).toBe(MAPPING);
  });
});
