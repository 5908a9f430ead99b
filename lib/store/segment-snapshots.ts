import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import * as z from "zod";
import { DECISIONS, type Decision } from "#domain/decisions.ts";
import type { ProfitClass } from "#domain/profit-landscape.ts";
import type { ScoredScheme, ScoringResult } from "#domain/scoring.ts";
import type { BlobStore } from "#store/blob-store.ts";

/**
 * A scheme's segment list as one object per scoring run: every segment's list fields, written to S3
 * by the run before the scheme's record names the run, and read once per warm API function. Planners'
 * filtered, sorted lists over 100,000 segments are then answered in memory, not by scanning the table.
 */

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Bumped when the layout changes, so that a reader never misreads an older object. */
export const SEGMENT_SNAPSHOT_FORMAT = 1;

export const PROFIT_CLASSES = ["peak", "drain", "desert", "niche"] as const satisfies readonly ProfitClass[];

/** What a list shows of a segment; the rest is one GET of the segment away. */
export const segmentListItemSchema = z.object({
  id: z.string(),
  values: z.record(z.string(), z.string()),
  decision: z.enum(DECISIONS as readonly [Decision, ...Decision[]]),
  profitClass: z.enum(PROFIT_CLASSES),
  scores: z.object({
    focus: z.number(),
    profitability: z.number(),
    growth: z.number(),
    defensibility: z.number(),
  }),
  revenue: z.number(),
  profit: z.number(),
  margin: z.number(),
  customers: z.number(),
  /** Cost-to-serve ÷ revenue; null without positive revenue. */
  costToServeIntensity: z.number().nullable(),
  /** What serving it at the scheme's median intensity would save. */
  opportunity: z.number(),
  /** The first reason of the decision, as a sentence. */
  reason: z.string().nullable(),
});
export type SegmentListItem = z.infer<typeof segmentListItemSchema>;

export const segmentSnapshotSchema = z.object({
  format: z.literal(SEGMENT_SNAPSHOT_FORMAT),
  schemeId: z.string(),
  runId: z.string(),
  dimensions: z.array(z.string()),
  segments: z.array(segmentListItemSchema),
});
export type SegmentSnapshot = z.infer<typeof segmentSnapshotSchema>;

export const SEGMENT_SNAPSHOTS_PREFIX = "snapshots/";

/** `snapshots/{runId}/{schemeId}.json.gz`: the scheme record's run id names its current snapshot. */
export function segmentSnapshotKey(runId: string, schemeId: string): string {
  return `${SEGMENT_SNAPSHOTS_PREFIX}${runId}/${schemeId}.json.gz`;
}

/** A stored snapshot that cannot be read: not gzip, not JSON, or not of this format. */
export class SegmentSnapshotError extends Error {
  override readonly name = "SegmentSnapshotError";
}

/** The list fields of every segment of a scored scheme, in the scheme's order. */
export function segmentSnapshotOf(scheme: ScoredScheme, runId: string): SegmentSnapshot {
  return {
    format: SEGMENT_SNAPSHOT_FORMAT,
    schemeId: scheme.id,
    runId,
    dimensions: [...scheme.dimensions],
    segments: scheme.segments.map(({ id, values, decision, profitClass, scores, metrics, reasons }) => ({
      id,
      values: { ...values },
      decision,
      profitClass,
      scores: { ...scores },
      revenue: metrics.revenue,
      profit: metrics.profit,
      margin: metrics.margin,
      customers: metrics.customers,
      costToServeIntensity: metrics.costToServeIntensity,
      opportunity: metrics.opportunity,
      reason: reasons[0]?.message ?? null,
    })),
  };
}

export async function encodeSegmentSnapshot(snapshot: SegmentSnapshot): Promise<Uint8Array> {
  return new Uint8Array(await gzipAsync(JSON.stringify(snapshot)));
}

export async function decodeSegmentSnapshot(bytes: Uint8Array): Promise<SegmentSnapshot> {
  let document: unknown;
  try {
    document = JSON.parse((await gunzipAsync(bytes)).toString("utf8"));
  } catch (error) {
    throw new SegmentSnapshotError(`the segment snapshot is not gzipped JSON: ${(error as Error).message}`);
  }
  const parsed = segmentSnapshotSchema.safeParse(document);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new SegmentSnapshotError(
      `the segment snapshot is not of format ${SEGMENT_SNAPSHOT_FORMAT}: ${first?.path.join(".")}: ${first?.message}`,
    );
  }
  return parsed.data;
}

/** Writes the snapshot of every scheme of a run, one at a time so that one encoded scheme is in memory at once. */
export async function writeSegmentSnapshots(
  blobs: BlobStore,
  result: ScoringResult,
  runId: string,
): Promise<void> {
  for (const scheme of result.schemes) {
    const bytes = await encodeSegmentSnapshot(segmentSnapshotOf(scheme, runId));
    await blobs.put(segmentSnapshotKey(runId, scheme.id), bytes, "application/gzip");
  }
}

/**
 * Deletes the snapshots of every run but `runId`, once the scheme records name it. A request that read
 * a record just before and misses its snapshot reads the record again (see the API's segment routes).
 */
export async function deleteOtherSegmentSnapshots(blobs: BlobStore, runId: string): Promise<number> {
  const current = `${SEGMENT_SNAPSHOTS_PREFIX}${runId}/`;
  const stale = (await blobs.list(SEGMENT_SNAPSHOTS_PREFIX)).filter((blob) => !blob.key.startsWith(current));
  for (const blob of stale) await blobs.delete(blob.key);
  return stale.length;
}

/**
 * Segments kept in memory across all cached snapshots. Parsed, one takes about 500 bytes (measured:
 * 50 MB for 100,000), so the budget is about 200 MB: a scheme of 100,000 customers and a few smaller
 * schemes fit in a 1 GB function.
 */
export const CACHED_SEGMENTS_BUDGET = 400_000;

/**
 * Reads snapshots and keeps them while the function is warm, keyed by scheme and run, so a page of a
 * list costs one table read (the scheme's current run) and no S3 read. Loading a scheme's snapshot
 * evicts its other runs' (the record names one run at a time); beyond the budget the least recently
 * read go first. Concurrent reads share one load.
 */
export class SegmentSnapshotReader {
  /** In the order last read, least recent first. */
  private readonly entries = new Map<string, CachedSnapshot>();

  constructor(
    private readonly blobs: BlobStore,
    private readonly budget = CACHED_SEGMENTS_BUDGET,
  ) {}

  /** The snapshot of a scheme from a run; undefined when the run wrote none (or it has been replaced since). */
  read(schemeId: string, runId: string): Promise<SegmentSnapshot | undefined> {
    const key = segmentSnapshotKey(runId, schemeId);
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.loading;
    }
    const entry: CachedSnapshot = { schemeId, loading: this.load(key, schemeId, runId), segments: 0 };
    this.entries.set(key, entry);
    // A miss or a failure is not remembered: the next request tries again.
    entry.loading.then(
      (snapshot) => (snapshot ? this.admit(key, entry, snapshot) : this.forget(key, entry)),
      () => this.forget(key, entry),
    );
    return entry.loading;
  }

  private async load(key: string, schemeId: string, runId: string): Promise<SegmentSnapshot | undefined> {
    const bytes = await this.blobs.getBytes(key);
    if (!bytes) return undefined;
    const snapshot = await decodeSegmentSnapshot(bytes);
    if (snapshot.schemeId !== schemeId || snapshot.runId !== runId) {
      throw new SegmentSnapshotError(
        `${key} holds scheme "${snapshot.schemeId}" of run "${snapshot.runId}", not "${schemeId}" of "${runId}"`,
      );
    }
    return snapshot;
  }

  private admit(key: string, entry: CachedSnapshot, snapshot: SegmentSnapshot): void {
    if (this.entries.get(key) !== entry) return;
    entry.segments = snapshot.segments.length;
    let total = 0;
    for (const [other, cached] of this.entries) {
      if (other !== key && cached.schemeId === entry.schemeId) this.entries.delete(other);
      else total += cached.segments;
    }
    for (const [other, cached] of this.entries) {
      if (total <= this.budget) break;
      // Loads still under way count nothing yet; they are weighed when they arrive.
      if (other === key || cached.segments === 0) continue;
      total -= cached.segments;
      this.entries.delete(other);
    }
  }

  private forget(key: string, entry: CachedSnapshot): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }
}

interface CachedSnapshot {
  readonly schemeId: string;
  readonly loading: Promise<SegmentSnapshot | undefined>;
  /** How many segments it holds once loaded; 0 while loading. */
  segments: number;
}

const readers = new WeakMap<BlobStore, SegmentSnapshotReader>();

/** The one reader of a blob store: in a Lambda, one per warm function; in tests, one per fake bucket. */
export function segmentSnapshotReader(blobs: BlobStore): SegmentSnapshotReader {
  let reader = readers.get(blobs);
  if (!reader) {
    reader = new SegmentSnapshotReader(blobs);
    readers.set(blobs, reader);
  }
  return reader;
}
