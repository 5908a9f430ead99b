import type { ValueDictionary } from "#domain/value-dictionary.ts";
import { hashBytes } from "#ingest/byte-values.ts";

const decoder = new TextDecoder("utf-8");

/**
 * Dictionary-encodes a column straight from its bytes: a value seen before costs one hash and one
 * byte comparison, with no string built. Only a new value is decoded and interned in the cube's
 * dictionary, so the work per row does not depend on how long the values are as text.
 */
export class ByteDictionary {
  private slots = new Int32Array(1024);
  private mask = 1023;
  private count = 0;
  private hashes = new Uint32Array(512);
  private offsets = new Int32Array(512);
  private lengths = new Int32Array(512);
  private ids = new Int32Array(512);
  private pool = new Uint8Array(16 * 1024);
  private poolUsed = 0;

  constructor(private readonly target: ValueDictionary) {}

  /** The cube dictionary id of the UTF-8 text bytes[start, end). */
  idOf(bytes: Uint8Array, start: number, end: number): number {
    const hash = hashBytes(bytes, start, end);
    const length = end - start;
    let slot = hash & this.mask;
    for (;;) {
      const entry = this.slots[slot] as number;
      if (entry === 0) return this.insert(slot, hash, bytes, start, end);
      const e = entry - 1;
      if (this.hashes[e] === hash && this.lengths[e] === length && this.sameBytes(e, bytes, start, length)) {
        return this.ids[e] as number;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  private sameBytes(entry: number, bytes: Uint8Array, start: number, length: number): boolean {
    const offset = this.offsets[entry] as number;
    for (let i = 0; i < length; i++) if (this.pool[offset + i] !== bytes[start + i]) return false;
    return true;
  }

  private insert(slot: number, hash: number, bytes: Uint8Array, start: number, end: number): number {
    const entry = this.count++;
    if (entry === this.hashes.length) this.growEntries();
    const length = end - start;
    if (this.poolUsed + length > this.pool.length) {
      const pool = new Uint8Array(Math.max(this.pool.length * 2, this.poolUsed + length));
      pool.set(this.pool);
      this.pool = pool;
    }
    this.pool.set(bytes.subarray(start, end), this.poolUsed);
    this.hashes[entry] = hash;
    this.offsets[entry] = this.poolUsed;
    this.lengths[entry] = length;
    this.poolUsed += length;
    const id = this.target.intern(decoder.decode(bytes.subarray(start, end)));
    this.ids[entry] = id;
    this.slots[slot] = entry + 1;
    if (this.count * 2 > this.slots.length) this.rehash();
    return id;
  }

  private growEntries(): void {
    const capacity = this.hashes.length * 2;
    const grow = <T extends Uint32Array | Int32Array>(old: T, next: T): T => {
      next.set(old);
      return next;
    };
    this.hashes = grow(this.hashes, new Uint32Array(capacity));
    this.offsets = grow(this.offsets, new Int32Array(capacity));
    this.lengths = grow(this.lengths, new Int32Array(capacity));
    this.ids = grow(this.ids, new Int32Array(capacity));
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let entry = 0; entry < this.count; entry++) {
      let slot = (this.hashes[entry] as number) & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = entry + 1;
    }
  }
}
