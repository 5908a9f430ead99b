/**
 * Remembers every transaction id of a batch by a 64-bit fingerprint (two independent 32-bit hashes)
 * and the line that brought it, to refuse duplicates. 12 bytes a slot, the table at most three
 * quarters full: 16 to 32 bytes per row, the one part of ingestion that grows with rows rather than
 * segments (a fuller table would probe longer; a sparser one would cost memory the 5-million-row
 * budget does not have). Two different
 * ids share a fingerprint with probability about n² / 2^65 (one in 1.5 million for 5 million rows).
 */
export class TransactionIdSet {
  private first = new Uint32Array(1 << 16);
  private second = new Uint32Array(1 << 16);
  /** Line of the first occurrence; 0 marks an empty slot (lines start at 1). */
  private lines = new Uint32Array(1 << 16);
  private mask = (1 << 16) - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Records the id seen on `line`; returns 0 if new, or the line where it was first seen. */
  add(hashA: number, hashB: number, line: number): number {
    let slot = hashA & this.mask;
    for (;;) {
      const seen = this.lines[slot] as number;
      if (seen === 0) {
        this.first[slot] = hashA;
        this.second[slot] = hashB;
        this.lines[slot] = line;
        if (++this.count * 4 > this.lines.length * 3) this.grow();
        return 0;
      }
      if (this.first[slot] === hashA && this.second[slot] === hashB) return seen;
      slot = (slot + 1) & this.mask;
    }
  }

  private grow(): void {
    const { first, second, lines } = this;
    const capacity = lines.length * 2;
    this.first = new Uint32Array(capacity);
    this.second = new Uint32Array(capacity);
    this.lines = new Uint32Array(capacity);
    this.mask = capacity - 1;
    for (let old = 0; old < lines.length; old++) {
      const line = lines[old] as number;
      if (line === 0) continue;
      let slot = (first[old] as number) & this.mask;
      while (this.lines[slot] !== 0) slot = (slot + 1) & this.mask;
      this.first[slot] = first[old] as number;
      this.second[slot] = second[old] as number;
      this.lines[slot] = line;
    }
  }
}
