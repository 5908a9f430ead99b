/**
 * Nelder–Mead downhill simplex over the unit box [0, 1]^d, for the few (≤ 4) smoothing parameters of
 * an exponential-smoothing model. Callers map the box onto their own bounds, so every point the search
 * proposes is admissible: a trial point that leaves the box is projected back onto it, which lets an
 * optimum on a bound (α → 0 on a flat series, φ at its cap) be reached instead of approached forever.
 *
 * It runs tens of times per segment when a scheme is scored, so one search reuses the arrays of its
 * `SimplexSearch`: no evaluation allocates, and the objective reads the point in place.
 */

/** The function minimised: reads the point (length ≥ dimension); +Infinity for a point it rejects. */
export type Objective = (point: Float64Array) => number;

export interface SimplexSettings {
  /** Edge of the starting simplex along each axis, in box units. */
  readonly initialStep: number;
  /** Stop when the simplex's values differ by at most relativeTolerance·|best| + absoluteTolerance… */
  readonly relativeTolerance: number;
  readonly absoluteTolerance: number;
  /** …or after this many evaluations of the objective. */
  readonly maxEvaluations: number;
}

/** Standard coefficients: reflect through the centroid, expand ×2, contract and shrink by half. */
const EXPANSION = 2;
const CONTRACTION = 0.5;
const SHRINK = 0.5;

/** A reusable search: the arrays are sized once for the largest dimension it will be asked to search. */
export class SimplexSearch {
  /** The best point of the last search (its first `dimension` entries). */
  readonly best: Float64Array;
  /** Vertex v of the simplex at offsets v·maxDimension…: one array, so moving a vertex is a plain loop. */
  private readonly vertices: Float64Array;
  private readonly values: Float64Array;
  private readonly centroid: Float64Array;
  private readonly reflected: Float64Array;
  private readonly trial: Float64Array;
  /** Evaluations the last search spent, for benchmarks and tests of the stopping rule. */
  evaluations = 0;

  constructor(readonly maxDimension: number) {
    this.best = new Float64Array(maxDimension);
    this.vertices = new Float64Array((maxDimension + 1) * maxDimension);
    this.values = new Float64Array(maxDimension + 1);
    this.centroid = new Float64Array(maxDimension);
    this.reflected = new Float64Array(maxDimension);
    this.trial = new Float64Array(maxDimension);
  }

  /** Minimises `objective` over [0, 1]^dimension from `start`: the best value, its point left in `best`. */
  minimise(
    objective: Objective,
    start: ArrayLike<number>,
    dimension: number,
    settings: SimplexSettings,
  ): number {
    if (dimension < 1 || dimension > this.maxDimension) {
      throw new RangeError(`a simplex search of dimension ${dimension} needs 1–${this.maxDimension}`);
    }
    const { values, centroid, reflected, trial } = this;
    const vertexCount = dimension + 1;
    this.startSimplex(start, dimension, settings.initialStep);
    for (let v = 0; v < vertexCount; v++) values[v] = this.evaluateVertex(objective, v, dimension);
    this.evaluations = vertexCount;

    for (;;) {
      let best = 0;
      let worst = 0;
      for (let v = 1; v < vertexCount; v++) {
        if ((values[v] as number) < (values[best] as number)) best = v;
        if ((values[v] as number) >= (values[worst] as number)) worst = v;
      }
      // Only an objective returning NaN could leave worst on best; keep them apart regardless.
      if (worst === best) worst = best === 0 ? 1 : 0;
      let secondWorst = best;
      for (let v = 0; v < vertexCount; v++) {
        if (v !== worst && (values[v] as number) > (values[secondWorst] as number)) secondWorst = v;
      }
      const bestValue = values[best] as number;
      const worstValue = values[worst] as number;
      // Written so that a simplex still at +Infinity everywhere (spread NaN) keeps searching.
      const converged =
        worstValue - bestValue <=
        settings.relativeTolerance * Math.abs(bestValue) + settings.absoluteTolerance;
      if (converged || this.evaluations >= settings.maxEvaluations) {
        this.copyVertex(best, this.best, dimension);
        return bestValue;
      }

      this.centroidWithout(worst, dimension);
      this.moveFromCentroid(worst, -1, reflected, dimension);
      const reflectedValue = this.evaluate(objective, reflected);
      if (reflectedValue < bestValue) {
        this.moveFromCentroid(worst, -EXPANSION, trial, dimension);
        const expandedValue = this.evaluate(objective, trial);
        if (expandedValue < reflectedValue) this.replaceVertex(worst, trial, expandedValue, dimension);
        else this.replaceVertex(worst, reflected, reflectedValue, dimension);
        continue;
      }
      if (reflectedValue < (values[secondWorst] as number)) {
        this.replaceVertex(worst, reflected, reflectedValue, dimension);
        continue;
      }
      // Contract: halfway from the centroid to the reflection if it beat the worst, else to the worst.
      const outside = reflectedValue < worstValue;
      if (outside) {
        for (let i = 0; i < dimension; i++) {
          const middle = centroid[i] as number;
          trial[i] = middle + CONTRACTION * ((reflected[i] as number) - middle);
        }
      } else {
        this.moveFromCentroid(worst, CONTRACTION, trial, dimension);
      }
      const contractedValue = this.evaluate(objective, trial);
      if (contractedValue < (outside ? reflectedValue : worstValue)) {
        this.replaceVertex(worst, trial, contractedValue, dimension);
        continue;
      }
      this.shrinkTowards(best, objective, dimension);
    }
  }

  /** The start and one vertex a step along each axis, stepping back instead where forward leaves the box. */
  private startSimplex(start: ArrayLike<number>, dimension: number, step: number): void {
    const { vertices, maxDimension } = this;
    for (let v = 0; v <= dimension; v++) {
      for (let i = 0; i < dimension; i++) {
        const coordinate = clampToBox(start[i] as number);
        const stepped = coordinate + step <= 1 ? coordinate + step : coordinate - step;
        vertices[v * maxDimension + i] = i === v - 1 ? stepped : coordinate;
      }
    }
  }

  private centroidWithout(worst: number, dimension: number): void {
    const { vertices, centroid, maxDimension } = this;
    for (let i = 0; i < dimension; i++) {
      let total = 0;
      for (let v = 0; v <= dimension; v++) if (v !== worst) total += vertices[v * maxDimension + i] as number;
      centroid[i] = total / dimension;
    }
  }

  /** target = clamp(centroid + factor·(vertex − centroid)): −1 reflects, −2 expands, ½ contracts. */
  private moveFromCentroid(vertex: number, factor: number, target: Float64Array, dimension: number): void {
    const { vertices, centroid, maxDimension } = this;
    for (let i = 0; i < dimension; i++) {
      const middle = centroid[i] as number;
      target[i] = clampToBox(middle + factor * ((vertices[vertex * maxDimension + i] as number) - middle));
    }
  }

  private replaceVertex(vertex: number, point: Float64Array, value: number, dimension: number): void {
    const offset = vertex * this.maxDimension;
    for (let i = 0; i < dimension; i++) this.vertices[offset + i] = point[i] as number;
    this.values[vertex] = value;
  }

  private copyVertex(vertex: number, target: Float64Array, dimension: number): void {
    const offset = vertex * this.maxDimension;
    for (let i = 0; i < dimension; i++) target[i] = this.vertices[offset + i] as number;
  }

  private shrinkTowards(best: number, objective: Objective, dimension: number): void {
    const { vertices, maxDimension } = this;
    for (let v = 0; v <= dimension; v++) {
      if (v === best) continue;
      for (let i = 0; i < dimension; i++) {
        const anchor = vertices[best * maxDimension + i] as number;
        const at = v * maxDimension + i;
        vertices[at] = anchor + SHRINK * ((vertices[at] as number) - anchor);
      }
      this.values[v] = this.evaluateVertex(objective, v, dimension);
      this.evaluations++;
    }
  }

  /** Evaluates a vertex through `trial`, since the objective reads a point from index 0. */
  private evaluateVertex(objective: Objective, vertex: number, dimension: number): number {
    this.copyVertex(vertex, this.trial, dimension);
    return objective(this.trial);
  }

  private evaluate(objective: Objective, point: Float64Array): number {
    this.evaluations++;
    return objective(point);
  }
}

function clampToBox(coordinate: number): number {
  return Math.min(Math.max(coordinate, 0), 1);
}
