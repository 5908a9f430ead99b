import type { LineFacts } from "#domain/cube.ts";
import { addDiscount } from "#domain/list-discount.ts";
import { TupleIndex } from "#domain/tuple-index.ts";

/**
 * One scheme's share of the cube: its segments, and their figures per month and per customer, in
 * flat typed arrays whose row layouts follow. `add` is the ingest hot loop: no allocation, no strings.
 */

/** Layout of one (segment, month) row in `monthFigures`; cost components follow from COST_OFFSET. */
export const MonthFigure = {
  lines: 0,
  revenue: 1,
  cogs: 2,
  profit: 3,
  quantity: 4,
  /**
   * Σ list revenue − net revenue, in whole amount units rounded down; `discountFine` holds the rest in
   * 1e-11 amount units, below 10^11 (list-discount.ts). Price realization is revenue ÷ (revenue + discount).
   */
  discount: 5,
  discountFine: 6,
} as const;
export const COST_OFFSET = 7;

/** Layout of one (segment, customer) row in `customerAmounts`. */
export const CustomerAmount = { revenue: 0, profit: 1, lines: 2 } as const;
export const CUSTOMER_AMOUNT_STRIDE = 3;

/** Layout of one (segment, customer) row in `customerFacts` (unsigned 32-bit words). */
export const CustomerFact = {
  /** The smallest and second-smallest distinct order hashes seen (0 = none): "two or more orders" exactly. */
  orderLow: 0,
  orderHigh: 1,
  firstMonth: 2,
  lastMonth: 3,
  /** Bit i set = active in month lastMonth − i, for the 64 months up to lastMonth. */
  activeLow: 4,
  activeHigh: 5,
  /** Bit i set = bought breadth-dimension value id i; bit 63 stands for every id ≥ 63. */
  categoryLow: 6,
  categoryHigh: 7,
} as const;
export const CUSTOMER_FACT_STRIDE = 8;
export const CATEGORY_OVERFLOW_BIT = 63;

/** The figures of one scheme: segments, their months and their customers. */
export class SchemeAggregate {
  readonly segments: TupleIndex;
  readonly monthKeys = new TupleIndex(2, 1024);
  readonly customerKeys = new TupleIndex(2, 1024);
  private monthStride: number;
  private monthData: Float64Array;
  private customerAmountData = new Float64Array(1024 * CUSTOMER_AMOUNT_STRIDE);
  private customerFactData = new Uint32Array(1024 * CUSTOMER_FACT_STRIDE);
  /** Per segment: its last month + 1 and that row (0 = none). */
  private lastMonthOf = new Int32Array(64);
  private lastMonthRowOf = new Int32Array(64);
  /** Per customer: its last segment + 1 and that row (0 = none). */
  private lastSegmentOf = new Int32Array(1024);
  private lastSegmentRowOf = new Int32Array(1024);

  constructor(
    readonly id: string,
    readonly dimensions: readonly string[],
    /** Cube dimension index of each scheme dimension. */
    readonly picks: Int32Array,
    costComponentCount: number,
  ) {
    this.segments = new TupleIndex(picks.length);
    this.monthStride = COST_OFFSET + costComponentCount;
    this.monthData = new Float64Array(1024 * this.monthStride);
  }

  get segmentCount(): number {
    return this.segments.size;
  }

  /** Per (segment, month) row: `MonthFigure` offsets, then cost components; row r starts at r × monthFigureStride. */
  get monthFigures(): Float64Array {
    return this.monthData;
  }

  get monthFigureStride(): number {
    return this.monthStride;
  }

  get customerAmounts(): Float64Array {
    return this.customerAmountData;
  }

  get customerFacts(): Uint32Array {
    return this.customerFactData;
  }

  add(line: LineFacts, customer: number, category: number): void {
    const segment = this.segments.internPicked(line.values, this.picks);
    if (segment >= this.lastMonthOf.length) this.growSegmentCaches(segment);
    this.addMonth(this.monthRow(segment, line.month), line);
    this.addCustomer(this.customerRow(segment, customer, line.month), line, category);
  }

  /**
   * The (segment, month) row. The lines of one order, and files written in date order, repeat a
   * segment's last month far more often than not, so a one-entry memo per segment skips most probes.
   */
  private monthRow(segment: number, month: number): number {
    if (this.lastMonthOf[segment] === month + 1) return this.lastMonthRowOf[segment] as number;
    const before = this.monthKeys.size;
    const row = this.monthKeys.intern2(segment, month);
    if (row === before) this.ensureMonthRows(row + 1);
    this.lastMonthOf[segment] = month + 1;
    this.lastMonthRowOf[segment] = row;
    return row;
  }

  /**
   * The (segment, customer) row, memoised per customer: a customer usually stays in one segment of a
   * scheme (always, in the customer scheme), so the memo skips most probes. A new row starts active
   * in `month`.
   */
  private customerRow(segment: number, customer: number, month: number): number {
    if (customer >= this.lastSegmentOf.length) this.growCustomerCaches(customer);
    if (this.lastSegmentOf[customer] === segment + 1) return this.lastSegmentRowOf[customer] as number;
    const before = this.customerKeys.size;
    const row = this.customerKeys.intern2(segment, customer);
    if (row === before) {
      this.ensureCustomerRows(row + 1);
      const facts = row * CUSTOMER_FACT_STRIDE;
      this.customerFactData[facts + CustomerFact.firstMonth] = month;
      this.customerFactData[facts + CustomerFact.lastMonth] = month;
    }
    this.lastSegmentOf[customer] = segment + 1;
    this.lastSegmentRowOf[customer] = row;
    return row;
  }

  private addMonth(row: number, line: LineFacts): void {
    const data = this.monthData;
    const at = row * this.monthStride;
    data[at] = (data[at] as number) + 1;
    data[at + 1] = (data[at + 1] as number) + line.revenue;
    data[at + 2] = (data[at + 2] as number) + line.cogs;
    data[at + 3] = (data[at + 3] as number) + line.profit;
    data[at + 4] = (data[at + 4] as number) + line.quantity;
    addDiscount(data, at + MonthFigure.discount, line.discount, line.discountFine);
    const costs = line.costs;
    for (let k = 0; k < costs.length; k++) {
      data[at + COST_OFFSET + k] = (data[at + COST_OFFSET + k] as number) + (costs[k] as number);
    }
  }

  private addCustomer(row: number, line: LineFacts, category: number): void {
    const amounts = row * CUSTOMER_AMOUNT_STRIDE;
    const facts = row * CUSTOMER_FACT_STRIDE;
    const amountData = this.customerAmountData;
    amountData[amounts] = (amountData[amounts] as number) + line.revenue;
    amountData[amounts + 1] = (amountData[amounts + 1] as number) + line.profit;
    amountData[amounts + 2] = (amountData[amounts + 2] as number) + 1;
    const factData = this.customerFactData;
    insertOrderHash(factData, facts, line.orderHash);
    markActiveMonth(factData, facts, line.month, 1, 0);
    if (category >= 0) markCategory(factData, facts, category);
  }

  private growSegmentCaches(segment: number): void {
    const size = Math.max(segment + 1, this.lastMonthOf.length * 2);
    this.lastMonthOf = enlarged(this.lastMonthOf, size);
    this.lastMonthRowOf = enlarged(this.lastMonthRowOf, size);
  }

  private growCustomerCaches(customer: number): void {
    const size = Math.max(customer + 1, this.lastSegmentOf.length * 2);
    this.lastSegmentOf = enlarged(this.lastSegmentOf, size);
    this.lastSegmentRowOf = enlarged(this.lastSegmentRowOf, size);
  }

  /** Adds a scheme of another cube whose ids are translated by the remaps. */
  mergeFrom(
    source: SchemeAggregate,
    dimensionRemaps: readonly Int32Array[],
    customerRemap: Int32Array,
    costRemap: Int32Array,
    categoryRemap: Int32Array | undefined,
  ): void {
    const segmentRemap = new Int32Array(source.segments.size);
    const tuple = new Int32Array(this.picks.length);
    const identity = Int32Array.from(tuple, (_, j) => j);
    for (let segment = 0; segment < source.segments.size; segment++) {
      for (let j = 0; j < tuple.length; j++) {
        tuple[j] = (dimensionRemaps[j] as Int32Array)[source.segments.keyAt(segment, j)] as number;
      }
      segmentRemap[segment] = this.segments.internPicked(tuple, identity);
    }

    for (let from = 0; from < source.monthKeys.size; from++) {
      const before = this.monthKeys.size;
      const row = this.monthKeys.intern2(
        segmentRemap[source.monthKeys.keyAt(from, 0)] as number,
        source.monthKeys.keyAt(from, 1),
      );
      if (row === before) this.ensureMonthRows(row + 1);
      const at = row * this.monthStride;
      const sourceAt = from * source.monthStride;
      for (let f = 0; f < MonthFigure.discount; f++) {
        this.monthData[at + f] =
          (this.monthData[at + f] as number) + (source.monthData[sourceAt + f] as number);
      }
      addDiscount(
        this.monthData,
        at + MonthFigure.discount,
        source.monthData[sourceAt + MonthFigure.discount] as number,
        source.monthData[sourceAt + MonthFigure.discountFine] as number,
      );
      for (let k = 0; k < costRemap.length; k++) {
        const target = at + COST_OFFSET + (costRemap[k] as number);
        this.monthData[target] =
          (this.monthData[target] as number) + (source.monthData[sourceAt + COST_OFFSET + k] as number);
      }
    }

    for (let from = 0; from < source.customerKeys.size; from++) {
      const before = this.customerKeys.size;
      const row = this.customerKeys.intern2(
        segmentRemap[source.customerKeys.keyAt(from, 0)] as number,
        customerRemap[source.customerKeys.keyAt(from, 1)] as number,
      );
      const sourceFacts = from * CUSTOMER_FACT_STRIDE;
      const facts = row * CUSTOMER_FACT_STRIDE;
      const sourceData = source.customerFactData;
      if (row === before) {
        this.ensureCustomerRows(row + 1);
        this.customerFactData[facts + CustomerFact.firstMonth] = sourceData[
          sourceFacts + CustomerFact.firstMonth
        ] as number;
        this.customerFactData[facts + CustomerFact.lastMonth] = sourceData[
          sourceFacts + CustomerFact.lastMonth
        ] as number;
      }
      for (let a = 0; a < CUSTOMER_AMOUNT_STRIDE; a++) {
        const target = row * CUSTOMER_AMOUNT_STRIDE + a;
        this.customerAmountData[target] =
          (this.customerAmountData[target] as number) +
          (source.customerAmountData[from * CUSTOMER_AMOUNT_STRIDE + a] as number);
      }
      // Read the arrays only now: making room for a new row may have replaced them.
      const factData = this.customerFactData;
      insertOrderHash(factData, facts, sourceData[sourceFacts + CustomerFact.orderLow] as number);
      insertOrderHash(factData, facts, sourceData[sourceFacts + CustomerFact.orderHigh] as number);
      factData[facts + CustomerFact.firstMonth] = Math.min(
        factData[facts + CustomerFact.firstMonth] as number,
        sourceData[sourceFacts + CustomerFact.firstMonth] as number,
      );
      markActiveMonth(
        factData,
        facts,
        sourceData[sourceFacts + CustomerFact.lastMonth] as number,
        sourceData[sourceFacts + CustomerFact.activeLow] as number,
        sourceData[sourceFacts + CustomerFact.activeHigh] as number,
      );
      if (categoryRemap) {
        forEachBit(
          sourceData[sourceFacts + CustomerFact.categoryLow] as number,
          sourceData[sourceFacts + CustomerFact.categoryHigh] as number,
          (bit) =>
            markCategory(
              factData,
              facts,
              bit === CATEGORY_OVERFLOW_BIT ? bit : (categoryRemap[bit] as number),
            ),
        );
      }
    }
  }

  /** Makes room for one more cost component per month row. */
  widenCosts(costComponentCount: number): void {
    const stride = COST_OFFSET + costComponentCount;
    if (stride === this.monthStride) return;
    const rows = this.monthData.length / this.monthStride;
    const widened = new Float64Array(rows * stride);
    for (let row = 0; row < this.monthKeys.size; row++) {
      widened.set(
        this.monthData.subarray(row * this.monthStride, (row + 1) * this.monthStride),
        row * stride,
      );
    }
    this.monthData = widened;
    this.monthStride = stride;
  }

  /** Restores raw rows decoded from the codec; the tables must be empty. */
  loadRows(
    segmentKeys: Int32Array,
    monthKeys: Int32Array,
    monthFigures: Float64Array,
    customerKeys: Int32Array,
    customerAmounts: Float64Array,
    customerFacts: Uint32Array,
  ): void {
    const width = this.picks.length;
    const identity = Int32Array.from({ length: width }, (_, j) => j);
    for (let at = 0; at < segmentKeys.length; at += width) {
      this.segments.internPicked(segmentKeys.subarray(at, at + width), identity);
    }
    const monthRows = monthKeys.length / 2;
    for (let row = 0; row < monthRows; row++)
      this.monthKeys.intern2(monthKeys[row * 2] as number, monthKeys[row * 2 + 1] as number);
    this.ensureMonthRows(monthRows);
    this.monthData.set(monthFigures);
    const customerRows = customerKeys.length / 2;
    for (let row = 0; row < customerRows; row++) {
      this.customerKeys.intern2(customerKeys[row * 2] as number, customerKeys[row * 2 + 1] as number);
    }
    this.ensureCustomerRows(customerRows);
    this.customerAmountData.set(customerAmounts);
    this.customerFactData.set(customerFacts);
  }

  private ensureMonthRows(rows: number): void {
    if (rows * this.monthStride <= this.monthData.length) return;
    const grown = new Float64Array(
      Math.max(rows, (this.monthData.length / this.monthStride) * 2) * this.monthStride,
    );
    grown.set(this.monthData);
    this.monthData = grown;
  }

  private ensureCustomerRows(rows: number): void {
    if (rows * CUSTOMER_FACT_STRIDE <= this.customerFactData.length) return;
    const capacity = Math.max(rows, (this.customerFactData.length / CUSTOMER_FACT_STRIDE) * 2);
    const amounts = new Float64Array(capacity * CUSTOMER_AMOUNT_STRIDE);
    amounts.set(this.customerAmountData);
    this.customerAmountData = amounts;
    const facts = new Uint32Array(capacity * CUSTOMER_FACT_STRIDE);
    facts.set(this.customerFactData);
    this.customerFactData = facts;
  }
}

/** A copy of `array` with room for `size` entries, the new ones 0. */
function enlarged(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(size);
  grown.set(array);
  return grown;
}

/** Keeps the two smallest distinct non-zero hashes: the union of such pairs is the pair of the union. */
function insertOrderHash(facts: Uint32Array, at: number, hash: number): void {
  if (hash === 0) return;
  const low = facts[at + CustomerFact.orderLow] as number;
  const high = facts[at + CustomerFact.orderHigh] as number;
  if (hash === low || hash === high) return;
  if (low === 0 || hash < low) {
    facts[at + CustomerFact.orderHigh] = low;
    facts[at + CustomerFact.orderLow] = hash;
  } else if (high === 0 || hash < high) {
    facts[at + CustomerFact.orderHigh] = hash;
  }
}

/**
 * ORs a 64-month activity window ending at `month` into the row's window, first sliding whichever
 * window is older so both end at the later month. Months more than 63 before the latest fall off.
 */
function markActiveMonth(facts: Uint32Array, at: number, month: number, low: number, high: number): void {
  const last = facts[at + CustomerFact.lastMonth] as number;
  let ownLow = facts[at + CustomerFact.activeLow] as number;
  let ownHigh = facts[at + CustomerFact.activeHigh] as number;
  if (month > last) {
    [ownLow, ownHigh] = shiftOlder(ownLow, ownHigh, month - last);
    facts[at + CustomerFact.lastMonth] = month;
  } else if (month < last) {
    [low, high] = shiftOlder(low, high, last - month);
  }
  facts[at + CustomerFact.activeLow] = (ownLow | low) >>> 0;
  facts[at + CustomerFact.activeHigh] = (ownHigh | high) >>> 0;
  if (month < (facts[at + CustomerFact.firstMonth] as number)) facts[at + CustomerFact.firstMonth] = month;
}

/** Moves a 64-bit window (low, high) `by` bits towards the high (older) end. */
function shiftOlder(low: number, high: number, by: number): [number, number] {
  if (by >= 64) return [0, 0];
  if (by >= 32) return [0, (low << (by - 32)) >>> 0];
  if (by === 0) return [low, high];
  return [(low << by) >>> 0, ((high << by) | (low >>> (32 - by))) >>> 0];
}

function markCategory(facts: Uint32Array, at: number, category: number): void {
  const bit = Math.min(category, CATEGORY_OVERFLOW_BIT);
  if (bit < 32)
    facts[at + CustomerFact.categoryLow] =
      ((facts[at + CustomerFact.categoryLow] as number) | (1 << bit)) >>> 0;
  else
    facts[at + CustomerFact.categoryHigh] =
      ((facts[at + CustomerFact.categoryHigh] as number) | (1 << (bit - 32))) >>> 0;
}

export function forEachBit(low: number, high: number, visit: (bit: number) => void): void {
  for (let bit = 0; bit < 32; bit++) if ((low >>> bit) & 1) visit(bit);
  for (let bit = 0; bit < 32; bit++) if ((high >>> bit) & 1) visit(bit + 32);
}
