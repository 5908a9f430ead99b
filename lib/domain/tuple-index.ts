/**
 * Interns tuples of small non-negative integers (dictionary ids, months) into dense row numbers
 * 0, 1, 2… in first-seen order. It is the lookup at the heart of aggregation, so it is an
 * open-addressing table over typed arrays: no per-entry objects for the garbage collector, about
 * 12 bytes per entry for pairs, and no hashing of strings.
 */
export class TupleIndex {
  /** The tuples in row order: row r holds keys[r × width … r × width + width − 1]. */
  private keys: Int32Array;
  /** slot → row + 1; 0 marks an empty slot. Unused for width 1. */
  private slots: Int32Array;
  /** For width 1: key → row + 1; 0 marks a key not seen. */
  private direct = new Int32Array(0);
  private mask: number;
  private rows = 0;

  constructor(
    readonly width: number,
    expectedRows = 64,
  ) {
    let capacity = 16;
    while (capacity < expectedRows * 2) capacity *= 2;
    this.slots = new Int32Array(width === 1 ? 0 : capacity);
    this.mask = capacity - 1;
    this.keys = new Int32Array(Math.max(expectedRows, 8) * width);
  }

  get size(): number {
    return this.rows;
  }

  /** Every row's tuple, row after row (a view, not a copy). */
  get keyData(): Int32Array {
    return this.keys.subarray(0, this.rows * this.width);
  }

  /** The j-th key of row `row`. */
  keyAt(row: number, j: number): number {
    return this.keys[row * this.width + j] as number;
  }

  /** Single keys are dense dictionary ids, so they index an array directly instead of a hash table. */
  intern1(a: number): number {
    if (a >= this.direct.length || a < 0) this.growDirect(a);
    const entry = this.direct[a] as number;
    if (entry !== 0) return entry - 1;
    const row = this.rows++;
    if (this.rows > this.keys.length) this.growKeys();
    this.keys[row] = a;
    this.direct[a] = row + 1;
    return row;
  }

  intern2(a: number, b: number): number {
    let slot = mix(a, b) & this.mask;
    const keys = this.keys;
    for (;;) {
      const entry = this.slots[slot] as number;
      if (entry === 0) return this.insert2(slot, a, b);
      const at = (entry - 1) * 2;
      if (keys[at] === a && keys[at + 1] === b) return entry - 1;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Interns the tuple (values[picks[0]], values[picks[1]], …); `picks.length` must equal the width. */
  internPicked(values: Int32Array, picks: Int32Array): number {
    if (this.width === 1) return this.intern1(values[picks[0] as number] as number);
    if (this.width === 2)
      return this.intern2(values[picks[0] as number] as number, values[picks[1] as number] as number);
    let hash = 0;
    for (let j = 0; j < picks.length; j++) hash = mix(hash, values[picks[j] as number] as number);
    let slot = hash & this.mask;
    for (;;) {
      const entry = this.slots[slot] as number;
      if (entry === 0) {
        const row = this.claimRow(slot);
        for (let j = 0; j < picks.length; j++)
          this.keys[row * this.width + j] = values[picks[j] as number] as number;
        return this.afterInsert(row);
      }
      const at = (entry - 1) * this.width;
      let same = true;
      for (let j = 0; j < picks.length && same; j++) same = this.keys[at + j] === values[picks[j] as number];
      if (same) return entry - 1;
      slot = (slot + 1) & this.mask;
    }
  }

  private insert2(slot: number, a: number, b: number): number {
    const row = this.claimRow(slot);
    this.keys[row * 2] = a;
    this.keys[row * 2 + 1] = b;
    return this.afterInsert(row);
  }

  private claimRow(slot: number): number {
    const row = this.rows++;
    if (this.rows * this.width > this.keys.length) this.growKeys();
    this.slots[slot] = row + 1;
    return row;
  }

  private growKeys(): void {
    const grown = new Int32Array(this.keys.length * 2);
    grown.set(this.keys);
    this.keys = grown;
  }

  private growDirect(key: number): void {
    if (key < 0) throw new RangeError(`tuple keys must be non-negative, got ${key}`);
    const grown = new Int32Array(Math.max(key + 1, this.direct.length * 2));
    grown.set(this.direct);
    this.direct = grown;
  }

  private afterInsert(row: number): number {
    // Keep the table at most half full so that probe chains stay short.
    if (this.rows * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    return row;
  }

  private rehash(capacity: number): void {
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let row = 0; row < this.rows; row++) {
      let hash: number;
      if (this.width === 2) hash = mix(this.keys[row * 2] as number, this.keys[row * 2 + 1] as number);
      else {
        hash = 0;
        for (let j = 0; j < this.width; j++) hash = mix(hash, this.keys[row * this.width + j] as number);
      }
      let slot = hash & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = row + 1;
    }
  }
}

/** A cheap integer mix (multiply-xorshift) that spreads consecutive ids over the table. */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x27d4eb2d, 0x9e3779b1) ^ b;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}
