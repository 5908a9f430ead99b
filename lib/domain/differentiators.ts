import type { Cube } from "#domain/cube.ts";
import { CUSTOMER_DIMENSION } from "#domain/scheme.ts";
import { CustomerAmount, type SchemeAggregate } from "#domain/scheme-aggregate.ts";
import { segmentId, segmentValuesOf } from "#domain/segment-id.ts";
import type { ValueDictionary } from "#domain/value-dictionary.ts";

/**
 * What makes a segment's customers different: a value of another dimension whose share of their
 * revenue exceeds its share of all customers' revenue. Each customer's spread over the dimension's
 * values is read from all its revenue, and weighs in the segment as much as its revenue in the segment.
 */
export interface Differentiator {
  readonly dimension: string;
  readonly value: string;
  /** The value's share of the segment's customers' revenue, each customer weighted by its revenue in the segment. */
  readonly shareInSegment: number;
  /** The value's share of the revenue of all customers. */
  readonly shareOverall: number;
  /** shareInSegment ÷ shareOverall: always above 1, since only values the segment over-buys differentiate it. */
  readonly lift: number;
}

export interface DifferentiatorOptions {
  /** How many values to return, highest lift first (default 5). */
  readonly top?: number;
  /** The least share in the segment a value needs, so that tiny values do not dominate (default 0.05). */
  readonly minimumShare?: number;
}

export const DEFAULT_DIFFERENTIATOR_OPTIONS = { top: 5, minimumShare: 0.05 } as const;

export class DifferentiatorError extends Error {
  override readonly name = "DifferentiatorError";
}

/** A lift this close to 1 is rounding, not a difference. */
const LIFT_TOLERANCE = 1e-9;

/** The differentiators of one segment, highest lift first. */
export function differentiators(
  cube: Cube,
  schemeId: string,
  segmentId: string,
  options: DifferentiatorOptions = {},
): Differentiator[] {
  const scheme = schemeOf(cube, schemeId);
  const index = segmentIndexOf(cube, scheme, segmentId);
  return rankDifferentiators(cube, scheme, settingsOf(options), index)[index] as Differentiator[];
}

/**
 * The differentiators of every segment of a scheme, by segment id (a segment without any gets an empty
 * list). Each customer's spread is built once per dimension, so the cost follows the customer rows of
 * the scheme and of the schemes the dimensions are read from, whatever the number of segments.
 */
export function schemeDifferentiators(
  cube: Cube,
  schemeId: string,
  options: DifferentiatorOptions = {},
): Map<string, Differentiator[]> {
  const scheme = schemeOf(cube, schemeId);
  const ranked = rankDifferentiators(cube, scheme, settingsOf(options));
  const result = new Map<string, Differentiator[]>();
  for (let segment = 0; segment < scheme.segmentCount; segment++) {
    result.set(segmentIdAt(cube, scheme, segment), ranked[segment] as Differentiator[]);
  }
  return result;
}

interface Settings {
  readonly top: number;
  readonly minimumShare: number;
}

function settingsOf(options: DifferentiatorOptions): Settings {
  const top = options.top ?? DEFAULT_DIFFERENTIATOR_OPTIONS.top;
  const minimumShare = options.minimumShare ?? DEFAULT_DIFFERENTIATOR_OPTIONS.minimumShare;
  if (!Number.isInteger(top) || top < 1) {
    throw new RangeError(`top must be a whole number of at least 1, got ${top}`);
  }
  if (!(minimumShare >= 0 && minimumShare <= 1)) {
    throw new RangeError(`minimumShare must be a share between 0 and 1, got ${minimumShare}`);
  }
  return { top, minimumShare };
}

function schemeOf(cube: Cube, schemeId: string): SchemeAggregate {
  const scheme = cube.findScheme(schemeId);
  if (!scheme) {
    const known = cube.schemes.map((s) => s.id).join(", ") || "none";
    throw new DifferentiatorError(`no scheme "${schemeId}" in the data; its schemes are: ${known}`);
  }
  return scheme;
}

/** Looks the segment up without interning: an unknown id must not add a segment to the cube. */
function segmentIndexOf(cube: Cube, scheme: SchemeAggregate, id: string): number {
  const values = segmentValuesOf(id);
  const missing = () =>
    new DifferentiatorError(`scheme "${scheme.id}" has no segment "${id}" (${scheme.dimensions.join(", ")})`);
  if (values.length !== scheme.dimensions.length) throw missing();
  const tuple = values.map((value, j) => cube.dictionary(scheme.picks[j] as number).idOf(value));
  for (let segment = 0; segment < scheme.segmentCount; segment++) {
    if (tuple.every((valueId, j) => scheme.segments.keyAt(segment, j) === valueId)) return segment;
  }
  throw missing();
}

function segmentIdAt(cube: Cube, scheme: SchemeAggregate, segment: number): string {
  return segmentId(
    Array.from(scheme.picks, (pick, j) => cube.dictionary(pick).valueOf(scheme.segments.keyAt(segment, j))),
  );
}

/**
 * How the customers' revenue spreads over the values of one dimension, in compressed rows: customer
 * c's entries are `from[c]` up to `from[c + 1]`, each a value id and the fraction of the customer's
 * revenue in it. Typed arrays, not a Map per customer: the customer scheme can hold 100,000 of them.
 */
interface DimensionSpread {
  readonly dimension: string;
  readonly dictionary: ValueDictionary;
  readonly from: Int32Array;
  readonly valueIds: Int32Array;
  readonly fractions: Float64Array;
  /** Per value id: its share of all customers' revenue. */
  readonly overall: Float64Array;
}

/** Per segment of the scheme (or only `onlySegment`), its differentiators, highest lift first. */
function rankDifferentiators(
  cube: Cube,
  scheme: SchemeAggregate,
  settings: Settings,
  onlySegment?: number,
): Differentiator[][] {
  const spreads = cube.dimensions
    .filter((name) => name !== CUSTOMER_DIMENSION && !scheme.dimensions.includes(name))
    .flatMap((name) => {
      const spread = dimensionSpread(cube, name);
      return spread ? [spread] : [];
    });
  const { rowsFrom, rows } = positiveRowsBySegment(scheme, onlySegment);
  const amounts = scheme.customerAmounts;
  const scratch = spreads.map((spread) => ({
    weight: new Float64Array(spread.dictionary.size),
    touched: new Int32Array(spread.dictionary.size),
  }));

  const ranked: Differentiator[][] = [];
  for (let segment = 0; segment < scheme.segmentCount; segment++) {
    const found: Differentiator[] = [];
    spreads.forEach((spread, d) => {
      const { weight, touched } = scratch[d] as (typeof scratch)[number];
      let touchedCount = 0;
      let segmentRevenue = 0;
      for (let r = rowsFrom[segment] as number; r < (rowsFrom[segment + 1] as number); r++) {
        const row = rows[r] as number;
        const customer = scheme.customerKeys.keyAt(row, 1);
        const first = spread.from[customer] as number;
        const end = spread.from[customer + 1] as number;
        // A customer with no positive revenue anywhere in the dimension has no spread to lend.
        if (first === end) continue;
        const amount = amounts[row * 3 + CustomerAmount.revenue] as number;
        segmentRevenue += amount;
        for (let e = first; e < end; e++) {
          const value = spread.valueIds[e] as number;
          if (weight[value] === 0) touched[touchedCount++] = value;
          weight[value] = (weight[value] as number) + amount * (spread.fractions[e] as number);
        }
      }
      for (let t = 0; t < touchedCount; t++) {
        const value = touched[t] as number;
        const shareInSegment = (weight[value] as number) / segmentRevenue;
        weight[value] = 0;
        const shareOverall = spread.overall[value] as number;
        const lift = shareInSegment / shareOverall;
        if (shareInSegment < settings.minimumShare || !(lift > 1 + LIFT_TOLERANCE)) continue;
        found.push({
          dimension: spread.dimension,
          value: spread.dictionary.valueOf(value),
          shareInSegment,
          shareOverall,
          lift,
        });
      }
    });
    ranked.push(found.sort(byLift).slice(0, settings.top));
  }
  return ranked;
}

function byLift(a: Differentiator, b: Differentiator): number {
  return (
    b.lift - a.lift ||
    b.shareInSegment - a.shareInSegment ||
    compareText(a.dimension, b.dimension) ||
    compareText(a.value, b.value)
  );
}

/**
 * The scheme's customer rows with positive revenue, grouped by segment (a counting sort): segment s
 * owns `rows[rowsFrom[s]]` up to `rows[rowsFrom[s + 1]]`.
 */
function positiveRowsBySegment(
  scheme: SchemeAggregate,
  onlySegment: number | undefined,
): { rowsFrom: Int32Array; rows: Int32Array } {
  const amounts = scheme.customerAmounts;
  const keys = scheme.customerKeys;
  const counted = (row: number) =>
    (amounts[row * 3 + CustomerAmount.revenue] as number) > 0 &&
    (onlySegment === undefined || keys.keyAt(row, 0) === onlySegment);
  const rowsFrom = new Int32Array(scheme.segmentCount + 1);
  for (let row = 0; row < keys.size; row++) {
    if (counted(row)) rowsFrom[keys.keyAt(row, 0) + 1] = (rowsFrom[keys.keyAt(row, 0) + 1] as number) + 1;
  }
  for (let s = 0; s < scheme.segmentCount; s++) {
    rowsFrom[s + 1] = (rowsFrom[s + 1] as number) + (rowsFrom[s] as number);
  }
  const next = rowsFrom.slice(0, scheme.segmentCount);
  const rows = new Int32Array(rowsFrom[scheme.segmentCount] as number);
  for (let row = 0; row < keys.size; row++) {
    if (!counted(row)) continue;
    const segment = keys.keyAt(row, 0);
    rows[next[segment] as number] = row;
    next[segment] = (next[segment] as number) + 1;
  }
  return { rowsFrom, rows };
}

/**
 * Each customer's spread over a dimension's values, read from the smallest scheme that holds the
 * dimension (fewest rows per customer, and the least netting of returns against sales across other
 * dimensions); undefined when no scheme holds it. Only rows with positive revenue count, as in the
 * segment weights.
 */
function dimensionSpread(cube: Cube, dimension: string): DimensionSpread | undefined {
  const source = cube.schemes
    .filter((scheme) => scheme.dimensions.includes(dimension))
    .sort((a, b) => a.dimensions.length - b.dimensions.length)[0];
  if (!source) return undefined;
  const position = source.dimensions.indexOf(dimension);
  const dictionary = cube.dictionary(source.picks[position] as number);
  const customerCount = cube.dictionary(0).size;
  const amounts = source.customerAmounts;
  const keys = source.customerKeys;

  const from = new Int32Array(customerCount + 1);
  const customerRevenue = new Float64Array(customerCount);
  const valueRevenue = new Float64Array(dictionary.size);
  let totalRevenue = 0;
  for (let row = 0; row < keys.size; row++) {
    const amount = amounts[row * 3 + CustomerAmount.revenue] as number;
    if (amount <= 0) continue;
    const customer = keys.keyAt(row, 1);
    const value = source.segments.keyAt(keys.keyAt(row, 0), position);
    from[customer + 1] = (from[customer + 1] as number) + 1;
    customerRevenue[customer] = (customerRevenue[customer] as number) + amount;
    valueRevenue[value] = (valueRevenue[value] as number) + amount;
    totalRevenue += amount;
  }
  for (let c = 0; c < customerCount; c++) from[c + 1] = (from[c + 1] as number) + (from[c] as number);

  const next = from.slice(0, customerCount);
  const valueIds = new Int32Array(from[customerCount] as number);
  const fractions = new Float64Array(valueIds.length);
  for (let row = 0; row < keys.size; row++) {
    const amount = amounts[row * 3 + CustomerAmount.revenue] as number;
    if (amount <= 0) continue;
    const customer = keys.keyAt(row, 1);
    const at = next[customer] as number;
    next[customer] = at + 1;
    valueIds[at] = source.segments.keyAt(keys.keyAt(row, 0), position);
    fractions[at] = amount / (customerRevenue[customer] as number);
  }

  const overall = valueRevenue.map((revenue) => (totalRevenue > 0 ? revenue / totalRevenue : 0));
  return { dimension, dictionary, from, valueIds, fractions, overall };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
