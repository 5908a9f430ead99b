/**
 * A seeded pseudo-random source: the same seed gives the same sequence on every run, so a sample file is
 * reproducible from its seed alone. The algorithm is sfc32 (Chris Doty-Humphrey's "small fast counting"
 * generator): 128 bits of state, passes PractRand, and needs only 32-bit integer arithmetic, which is
 * fast in JavaScript. Not for cryptography.
 */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  /** Box-Muller makes normals in pairs; the second one waits here for the next call. */
  #spareNormal: number | undefined;

  constructor(seed: number) {
    // splitmix32 spreads an integer seed over the 128-bit state, so that seeds 1 and 2 start far apart.
    let s = seed >>> 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.#a = splitmix();
    this.#b = splitmix();
    this.#c = splitmix();
    this.#d = 1;
    // The first outputs of sfc32 still show the seed's structure; the reference implementation skips them.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniform number in [0, 1). */
  next(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    this.#c = (((c << 21) | (c >>> 11)) + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** A uniform whole number in [min, max], both ends included. */
  integer(min: number, max: number): number {
    return min + Math.floor((max - min + 1) * this.next());
  }

  /** True with the given probability. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** A normally distributed number (Box-Muller transform). */
  normal(mean = 0, standardDeviation = 1): number {
    const spare = this.#spareNormal;
    if (spare !== undefined) {
      this.#spareNormal = undefined;
      return mean + standardDeviation * spare;
    }
    // 1 - next() lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    const angle = 2 * Math.PI * this.next();
    this.#spareNormal = radius * Math.sin(angle);
    return mean + standardDeviation * radius * Math.cos(angle);
  }

  /** A log-normal number: `median` times e to a normal with standard deviation `sigma`; always positive. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Puts the items in a uniformly random order, in place (Fisher-Yates), and returns them. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor((i + 1) * this.next());
      const item = items[i] as T;
      items[i] = items[j] as T;
      items[j] = item;
    }
    return items;
  }
}

/**
 * The Pareto value below which a share `probability` (in [0, 1)) of all values lie. A shape near 1.16
 * gives the 80/20 rule: a fifth of the values carry four fifths of the total.
 */
export function paretoQuantile(probability: number, shape: number, minimum: number): number {
  return minimum / (1 - probability) ** (1 / shape);
}

/**
 * Picks an index with probability proportional to its weight, in constant time per pick (Vose's alias
 * method): the generator picks a customer and a product for every order line, so a pick must not cost
 * a search. Building the table is linear in the number of weights.
 */
export class WeightedChoice {
  readonly size: number;
  /** Per slot: the probability of keeping the slot's own index rather than its alias. */
  readonly #keep: Float64Array;
  readonly #alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const size = weights.length;
    let total = 0;
    for (let i = 0; i < size; i++) {
      const weight = weights[i] ?? 0;
      if (!(weight >= 0) || weight === Number.POSITIVE_INFINITY) {
        throw new RangeError(`weight ${i} must be a finite number ≥ 0, got ${weight}`);
      }
      total += weight;
    }
    if (!(total > 0)) throw new RangeError("at least one weight must be positive");

    this.size = size;
    this.#keep = new Float64Array(size);
    this.#alias = new Int32Array(size);
    // Scale so the average slot holds exactly 1, then let each slot under 1 borrow from one over 1.
    const scaled = new Float64Array(size);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < size; i++) {
      const value = ((weights[i] ?? 0) * size) / total;
      scaled[i] = value;
      (value < 1 ? small : large).push(i);
    }
    let under = small.pop();
    let over = large.pop();
    while (under !== undefined && over !== undefined) {
      const underValue = scaled[under] ?? 0;
      this.#keep[under] = underValue;
      this.#alias[under] = over;
      const rest = (scaled[over] ?? 0) + underValue - 1;
      scaled[over] = rest;
      // A donor left under 1 becomes a borrower itself; otherwise it keeps lending.
      if (rest < 1) {
        small.push(over);
        over = large.pop();
      }
      under = small.pop();
    }
    // What remains holds (up to rounding) exactly 1: it always keeps its own index.
    for (const index of [...small, ...large, under, over]) {
      if (index !== undefined) this.#keep[index] = 1;
    }
  }

  /** An index in [0, size), each with probability weight / total weight. */
  pick(random: Random): number {
    const position = random.next() * this.size;
    const slot = position | 0;
    return position - slot < (this.#keep[slot] ?? 1) ? slot : (this.#alias[slot] ?? slot);
  }
}
