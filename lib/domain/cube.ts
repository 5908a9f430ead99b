import { CUSTOMER_DIMENSION, type SchemeDimensions, schemeId } from "#domain/scheme.ts";
import { SchemeAggregate } from "#domain/scheme-aggregate.ts";
import { ValueDictionary } from "#domain/value-dictionary.ts";

/**
 * The mergeable aggregate ("cube") of one or more batches: per scheme, segment and month the sums a
 * score needs, and per (segment, customer) the few figures that retention, repeat rate, breadth and
 * concentration need. Its size follows segments × months and segments × customers, never rows.
 *
 * merge is associative and commutative with the empty cube as identity: every figure is either a sum
 * of whole amount units (exact in float64), a min/max, a bitwise OR, or "the two smallest distinct
 * order hashes", all of which are order-free; the discount off list is a pair of whole numbers
 * summed with a carry (list-discount.ts), exact too. Dictionary ids differ between cubes, so equality is
 * judged on their canonical form (`canonicalCube`), which speaks in values, not ids.
 */

/** One invoice line as aggregation sees it. Ingestion refills one instance per row: no allocation per row. */
export class LineFacts {
  month = 0;
  revenue = 0;
  cogs = 0;
  profit = 0;
  quantity = 0;
  /** The discount off list price, exactly: whole amount units and a fine rest (see list-discount.ts). */
  discount = 0;
  discountFine = 0;
  /** A non-zero 32-bit hash of the order id; distinct orders have distinct hashes (up to collisions). */
  orderHash = 1;
  /** Value id per cube dimension (index = dimension index), as interned in the cube's dictionaries. */
  readonly values: Int32Array;
  /** Amount per cost component (index = the cube's component index). */
  readonly costs: Float64Array;

  constructor(dimensionCount: number, costComponentCount: number) {
    this.values = new Int32Array(dimensionCount).fill(-1);
    this.costs = new Float64Array(costComponentCount);
  }
}

export interface CubeOptions {
  /** The dimension whose distinct values per customer measure cross-buy breadth. */
  readonly breadthDimension?: string;
}

export const DEFAULT_BREADTH_DIMENSION = "category";

export class Cube {
  readonly breadthDimension: string;
  private readonly dimensionIds = new Map<string, number>();
  private readonly dimensionList: string[] = [];
  private readonly dictionaryList: ValueDictionary[] = [];
  private readonly costList: string[] = [];
  private readonly schemeList: SchemeAggregate[] = [];
  /** Index of the breadth dimension once the data has it, else −1; cached for the hot path. */
  private breadthIndex = -1;

  private constructor(options: CubeOptions) {
    this.breadthDimension = options.breadthDimension ?? DEFAULT_BREADTH_DIMENSION;
    this.dimension(CUSTOMER_DIMENSION);
  }

  static empty(options: CubeOptions = {}): Cube {
    return new Cube(options);
  }

  /** A new cube holding the merge of all given cubes; the inputs are left unchanged. */
  static merged(cubes: readonly Cube[], options: CubeOptions = {}): Cube {
    const first = cubes[0];
    const result = Cube.empty({ breadthDimension: first?.breadthDimension ?? options.breadthDimension });
    for (const cube of cubes) result.mergeFrom(cube);
    return result;
  }

  get dimensions(): readonly string[] {
    return this.dimensionList;
  }

  get costComponents(): readonly string[] {
    return this.costList;
  }

  get schemes(): readonly SchemeAggregate[] {
    return this.schemeList;
  }

  dictionary(dimensionIndex: number): ValueDictionary {
    const dictionary = this.dictionaryList[dimensionIndex];
    if (!dictionary) throw new RangeError(`no dimension with index ${dimensionIndex}`);
    return dictionary;
  }

  dimensionIndex(name: string): number | undefined {
    return this.dimensionIds.get(name);
  }

  /** Registers a dimension (idempotent) and returns its index. */
  dimension(name: string): number {
    let index = this.dimensionIds.get(name);
    if (index === undefined) {
      index = this.dimensionList.length;
      this.dimensionList.push(name);
      this.dictionaryList.push(new ValueDictionary());
      this.dimensionIds.set(name, index);
      if (name === this.breadthDimension) this.breadthIndex = index;
    }
    return index;
  }

  /** Registers a cost component (idempotent) and returns its index. */
  costComponent(name: string): number {
    const known = this.costList.indexOf(name);
    if (known >= 0) return known;
    this.costList.push(name);
    for (const scheme of this.schemeList) scheme.widenCosts(this.costList.length);
    return this.costList.length - 1;
  }

  /** Registers a scheme (idempotent) and its dimensions, and returns it. */
  scheme(dimensions: SchemeDimensions): SchemeAggregate {
    const id = schemeId(dimensions);
    const known = this.schemeList.find((scheme) => scheme.id === id);
    if (known) return known;
    const picks = Int32Array.from(dimensions, (name) => this.dimension(name));
    const scheme = new SchemeAggregate(id, [...dimensions], picks, this.costList.length);
    this.schemeList.push(scheme);
    return scheme;
  }

  findScheme(id: string): SchemeAggregate | undefined {
    return this.schemeList.find((scheme) => scheme.id === id);
  }

  /** A line buffer sized for this cube's current dimensions and cost components. */
  newLineFacts(): LineFacts {
    return new LineFacts(this.dimensionList.length, this.costList.length);
  }

  /** Adds one line to every scheme. The hot path: no allocation, no strings. */
  add(line: LineFacts): void {
    const category = this.breadthIndex < 0 ? -1 : (line.values[this.breadthIndex] as number);
    const customer = line.values[0] as number;
    for (let s = 0; s < this.schemeList.length; s++) {
      (this.schemeList[s] as SchemeAggregate).add(line, customer, category);
    }
  }

  /** Adds every figure of `other` into this cube. */
  mergeFrom(other: Cube): this {
    if (other.breadthDimension !== this.breadthDimension) {
      throw new Error(
        `cannot merge cubes with different breadth dimensions: ${this.breadthDimension} and ${other.breadthDimension}`,
      );
    }
    const valueRemap = other.dimensionList.map((name, index) => {
      const target = this.dictionary(this.dimension(name));
      return Int32Array.from(other.dictionary(index).values, (value) => target.intern(value));
    });
    const costRemap = Int32Array.from(other.costList, (name) => this.costComponent(name));
    const otherBreadth = other.dimensionIds.get(other.breadthDimension);
    const categoryRemap = otherBreadth === undefined ? undefined : valueRemap[otherBreadth];
    for (const source of other.schemeList) {
      const target = this.scheme(source.dimensions);
      const dimensionRemaps = Array.from(source.picks, (pick) => valueRemap[pick] as Int32Array);
      target.mergeFrom(source, dimensionRemaps, valueRemap[0] as Int32Array, costRemap, categoryRemap);
    }
    return this;
  }
}
