import { createHash } from "node:crypto";
import { ApiError } from "#api/http-error.ts";
import type { SegmentFilters, SegmentListPage, SegmentSortKey, SortOrder } from "#api/segment-schemas.ts";
import { DECISIONS, type Decision } from "#domain/decisions.ts";
import type { ProfitClass } from "#domain/profit-landscape.ts";
import { PROFIT_CLASSES, type SegmentListItem, type SegmentSnapshot } from "#store/segment-snapshots.ts";

/*
 * A page of a scheme's segment list, answered from its snapshot in memory. Each sort order of a
 * snapshot is computed once and kept with it, and so are the few columns the filters read, so a
 * request is one pass over the sorted positions that tests the filters, counts the matches and keeps
 * the page: no sort, no allocation per segment. Ties are broken by segment id, so the order, and with
 * it every page, is the same on every request for the same run.
 */

/** What a list asks for, besides where to continue. */
export interface SegmentListRequest {
  readonly filters: SegmentFilters;
  readonly sort: SegmentSortKey;
  readonly order: SortOrder;
  readonly limit: number;
}

/** The page starting at `offset`: 0, or where a cursor continues (see `cursorOffset`). */
export function segmentListPage(
  snapshot: SegmentSnapshot,
  request: SegmentListRequest,
  offset = 0,
): SegmentListPage {
  const { segments } = snapshot;
  const order = sortedOrder(snapshot, request.sort, request.order);
  const keeps = compiledFilter(snapshot, request.filters);
  const items: SegmentListItem[] = [];
  let total = 0;
  for (let at = 0; at < order.length; at++) {
    const position = order[at] as number;
    if (!keeps(position)) continue;
    if (total >= offset && items.length < request.limit) items.push(segments[position] as SegmentListItem);
    total++;
  }
  // Only a forged cursor can point past the end: the run and the filters it was issued for are the same.
  if (offset > 0 && offset >= total)
    throw invalidCursor("the cursor points past the end of the list", "past_end");
  const next = offset + items.length;
  const cursor =
    next < total
      ? encodeCursor({ run: snapshot.runId, offset: next, list: listFingerprint(request) })
      : undefined;
  return { total, items, ...(cursor && { cursor }) };
}

const itemJson = new WeakMap<SegmentListItem, string>();

/**
 * A page as JSON, each item serialized once for as long as its snapshot is kept: under load, turning
 * a page of 100 segments into JSON costs more than finding them.
 */
export function segmentListPageJson(page: SegmentListPage): string {
  const items = page.items.map((item) => {
    let json = itemJson.get(item);
    if (json === undefined) {
      json = JSON.stringify(item);
      itemJson.set(item, json);
    }
    return json;
  });
  const cursor = page.cursor === undefined ? "" : `,"cursor":${JSON.stringify(page.cursor)}`;
  return `{"total":${page.total},"items":[${items.join(",")}]${cursor}}`;
}

/** Where a page continues: the scoring run and the list it was issued for, and how many came before. */
export interface SegmentListCursor {
  /** The scoring run whose snapshot the list was read from. */
  readonly run: string;
  readonly offset: number;
  /** The filters and sort, as `listFingerprint` condenses them. */
  readonly list: string;
}

/** Reads a cursor, refusing (400 INVALID_CURSOR) one this service cannot have issued, before any store is read. */
export function decodeSegmentListCursor(cursor: string): SegmentListCursor {
  const refuse = () =>
    new ApiError(400, "INVALID_CURSOR", "the cursor is not one this service issued for this list");
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw refuse();
  }
  if (typeof position !== "object" || position === null || Object.keys(position).length !== 3) throw refuse();
  const { run, offset, list } = position as Record<string, unknown>;
  if (
    typeof run !== "string" ||
    typeof list !== "string" ||
    !Number.isSafeInteger(offset) ||
    (offset as number) < 1
  ) {
    throw refuse();
  }
  return { run, offset: offset as number, list };
}

/**
 * Where the page a cursor asks for starts. Refused (400 INVALID_CURSOR) unless it was issued for the
 * same scoring run, filters and sort: a page of another run or another list would skip or repeat
 * segments without anyone noticing. `details.reason` tells a client to start again from page one.
 */
export function cursorOffset(cursor: SegmentListCursor, runId: string, request: SegmentListRequest): number {
  if (cursor.run !== runId) {
    throw invalidCursor(
      "the segments have been scored again since this cursor was issued; start again from the first page",
      "run_changed",
    );
  }
  if (cursor.list !== listFingerprint(request)) {
    throw invalidCursor(
      "the cursor continues a list with other filters or another sort; send the same ones, or no cursor",
      "list_changed",
    );
  }
  return cursor.offset;
}

function encodeCursor(position: SegmentListCursor): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

function invalidCursor(message: string, reason: string): ApiError {
  return new ApiError(400, "INVALID_CURSOR", message, { reason });
}

/** The filters and sort of a list, condensed; the same list whatever order its filters were written in. */
function listFingerprint({ filters, sort, order }: SegmentListRequest): string {
  const sorted = (values: readonly string[] | undefined) => (values ? [...values].sort() : null);
  const canonical = JSON.stringify([
    sort,
    order,
    sorted(filters.decision),
    sorted(filters.profitClass),
    Object.entries(filters.dimensions)
      .map(([dimension, values]) => [dimension, sorted(values)])
      .sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1)),
    filters.minRevenue ?? null,
  ]);
  return createHash("sha256").update(canonical).digest("base64url").slice(0, 22);
}

/**
 * What the filters read, one typed array per field, in snapshot order. Walking a sort order visits the
 * segments in no particular memory order; reading 100,000 scattered objects costs a cache miss or
 * three each (about 25 ms measured), reading these compact arrays a few milliseconds.
 */
interface FilterColumns {
  readonly decision: Uint8Array;
  readonly profitClass: Uint8Array;
  readonly revenue: Float64Array;
  /** Per dimension: each segment's value as a code (−1 when it has none), and the codes by value. */
  readonly dimensions: ReadonlyMap<
    string,
    { readonly codes: Int32Array; readonly codeOf: Map<string, number> }
  >;
}

const columnsOf = new WeakMap<SegmentSnapshot, FilterColumns>();

function filterColumns(snapshot: SegmentSnapshot): FilterColumns {
  let columns = columnsOf.get(snapshot);
  if (columns) return columns;
  const { segments } = snapshot;
  const dimensions = new Map(
    snapshot.dimensions.map((dimension) => [
      dimension,
      { codes: new Int32Array(segments.length).fill(-1), codeOf: new Map<string, number>() },
    ]),
  );
  segments.forEach((segment, position) => {
    for (const [dimension, { codes, codeOf }] of dimensions) {
      const value = segment.values[dimension];
      if (value === undefined) continue;
      let code = codeOf.get(value);
      if (code === undefined) {
        code = codeOf.size;
        codeOf.set(value, code);
      }
      codes[position] = code;
    }
  });
  columns = {
    decision: Uint8Array.from(segments, (segment) => DECISIONS.indexOf(segment.decision)),
    profitClass: Uint8Array.from(segments, (segment) => PROFIT_CLASSES.indexOf(segment.profitClass)),
    revenue: Float64Array.from(segments, (segment) => segment.revenue),
    dimensions,
  };
  columnsOf.set(snapshot, columns);
  return columns;
}

/** The filters as a test of a segment's position in the snapshot, reading only its filter columns. */
function compiledFilter(snapshot: SegmentSnapshot, filters: SegmentFilters): (position: number) => boolean {
  const { decision, profitClass, revenue, dimensions } = filterColumns(snapshot);
  /** Per code, 1 when the filter admits it; undefined when there is no such filter. */
  const admitted = (codeOf: (value: string) => number, size: number, values?: readonly string[]) => {
    if (!values) return undefined;
    const table = new Uint8Array(size);
    for (const value of values) {
      const code = codeOf(value);
      if (code >= 0) table[code] = 1;
    }
    return table;
  };
  const decisions = admitted(
    (value) => DECISIONS.indexOf(value as Decision),
    DECISIONS.length,
    filters.decision,
  );
  const profitClasses = admitted(
    (value) => PROFIT_CLASSES.indexOf(value as ProfitClass),
    PROFIT_CLASSES.length,
    filters.profitClass,
  );
  const minRevenue = filters.minRevenue ?? Number.NEGATIVE_INFINITY;
  const byDimension = Object.entries(filters.dimensions).map(([dimension, values]) => {
    // Every scheme dimension has a column: the route refuses a filter on any other.
    const { codes, codeOf } = dimensions.get(dimension) ?? { codes: new Int32Array(0), codeOf: new Map() };
    return { codes, admits: admitted((value) => codeOf.get(value) ?? -1, codeOf.size, values) as Uint8Array };
  });
  return (position) => {
    if ((revenue[position] as number) < minRevenue) return false;
    if (decisions && decisions[decision[position] as number] === 0) return false;
    if (profitClasses && profitClasses[profitClass[position] as number] === 0) return false;
    for (let d = 0; d < byDimension.length; d++) {
      const { codes, admits } = byDimension[d] as (typeof byDimension)[number];
      const code = codes[position] ?? -1;
      if (code < 0 || admits[code] === 0) return false;
    }
    return true;
  };
}

function sortValue(segment: SegmentListItem, key: SegmentSortKey): number {
  switch (key) {
    case "focus":
    case "growth":
    case "defensibility":
      return segment.scores[key];
    case "profit":
    case "margin":
    case "revenue":
      return segment[key];
  }
}

/** Each snapshot's sort orders, computed when first asked for, and gone with the snapshot. */
const orders = new WeakMap<SegmentSnapshot, Map<string, Int32Array>>();

/** The positions of the snapshot's segments in the order asked for, ties by segment id. */
export function sortedOrder(snapshot: SegmentSnapshot, key: SegmentSortKey, order: SortOrder): Int32Array {
  let ofSnapshot = orders.get(snapshot);
  if (!ofSnapshot) {
    ofSnapshot = new Map();
    orders.set(snapshot, ofSnapshot);
  }
  const name = `${key} ${order}`;
  let positions = ofSnapshot.get(name);
  if (!positions) {
    const { segments } = snapshot;
    // The keys in a typed array: the comparator runs n log n times and should not chase objects.
    const values = Float64Array.from(segments, (segment) => sortValue(segment, key));
    const direction = order === "asc" ? 1 : -1;
    positions = Int32Array.from(segments, (_, at) => at).sort(
      (a, b) =>
        direction * ((values[a] as number) - (values[b] as number)) ||
        compareIds((segments[a] as SegmentListItem).id, (segments[b] as SegmentListItem).id),
    );
    ofSnapshot.set(name, positions);
  }
  return positions;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
