import type { InitialStates, Seasonality } from "#domain/ets-initial-states.ts";

/**
 * The exponential-smoothing recurrence over one series, run a few hundred times per series by the
 * parameter search: the hot loop of every fit. It is an object with preallocated typed arrays, reused
 * from series to series, so that an evaluation allocates nothing; the loops read fields into locals and
 * do plain arithmetic, one loop per kind of season so that no month branches on the model.
 *
 * The point the search proposes lies in the unit box and is mapped onto the admissible region of
 * Hyndman et al. (2008): 0 < β < α < 1, 0 < γ < 1 − α, 0.8 ≤ φ ≤ 0.98. Its layout is α, then the share
 * of α that is β and the place of φ in its range when the model has a trend, then the share of 1 − α
 * that is γ when it has a season: shares keep the box exactly the admissible region.
 */
export class EtsRecurrence {
  /** The series, oldest month first, in the first `count` entries. */
  observations = new Float64Array(64);
  count = 0;
  seasonMonths = 12;
  seasonality: Seasonality = "none";
  trended = false;
  private start: InitialStates = { level: 0, trend: 0, season: new Float64Array(0) };
  alpha = 0;
  beta = 0;
  gamma = 0;
  phi = 1;
  /** States after the last run: level, trend, and seasonal states in a ring by month of season. */
  level = 0;
  trend = 0;
  seasonStates = new Float64Array(12);
  /** The ring offset of the month after the series, once run. */
  nextSeason = 0;

  /** Copies the series in; a month that is not a finite number is an error naming the month. */
  load(series: ArrayLike<number>): void {
    const count = series.length;
    if (this.observations.length < count) {
      this.observations = new Float64Array(Math.max(count, 2 * this.observations.length));
    }
    for (let t = 0; t < count; t++) {
      const value = series[t] as number;
      if (!Number.isFinite(value))
        throw new RangeError(`month ${t} of the series is ${value}, not a finite number`);
      this.observations[t] = value;
    }
    this.count = count;
  }

  /** Sets the model to run: its kind of season and trend, the season's length and the initial states. */
  prepare(seasonality: Seasonality, trended: boolean, seasonMonths: number, start: InitialStates): void {
    this.seasonality = seasonality;
    this.trended = trended;
    this.seasonMonths = seasonMonths;
    this.start = start;
    if (this.seasonStates.length < seasonMonths) this.seasonStates = new Float64Array(seasonMonths);
  }

  /** Dimensions of the search for the prepared model: α, then β and φ, then γ. */
  get dimension(): number {
    return 1 + (this.trended ? 2 : 0) + (this.seasonality === "none" ? 0 : 1);
  }

  setParameters(point: Float64Array): void {
    const alpha = share(point[0] as number);
    this.alpha = alpha;
    this.beta = this.trended ? alpha * share(point[1] as number) : 0;
    this.phi = this.trended ? PHI_MIN + (PHI_MAX - PHI_MIN) * (point[2] as number) : 1;
    const gammaAt = this.trended ? 3 : 1;
    this.gamma = this.seasonality === "none" ? 0 : (1 - alpha) * share(point[gammaAt] as number);
  }

  /** Sets the parameters directly; those the prepared model has not are neutral (β, γ 0, φ 1). */
  setSmoothing(alpha: number, beta: number, gamma: number, phi: number): void {
    this.alpha = alpha;
    this.beta = this.trended ? beta : 0;
    this.phi = this.trended ? phi : 1;
    this.gamma = this.seasonality === "none" ? 0 : gamma;
  }

  /** Writes the search point of the given parameters (the inverse of setParameters) into `point`. */
  pointOf(alpha: number, betaShare: number, gammaShare: number, phi: number, point: Float64Array): void {
    point[0] = unitOfShare(alpha);
    if (this.trended) {
      point[1] = unitOfShare(betaShare);
      point[2] = (phi - PHI_MIN) / (PHI_MAX - PHI_MIN);
    }
    point[this.trended ? 3 : 1] = unitOfShare(gammaShare);
  }

  /**
   * Runs the set parameters over the series from the initial states: the sum of squared one-step
   * errors, +Infinity if it diverges or a multiplicative base or factor leaves the positive (so NaN
   * never reaches the search). Leaves the final states behind.
   */
  sumOfSquaredErrors(): number {
    const sse =
      this.seasonality === "none"
        ? this.runWithoutSeason()
        : this.seasonality === "additive"
          ? this.runAdditiveSeason()
          : this.runMultiplicativeSeason();
    return Number.isFinite(sse) ? sse : Number.POSITIVE_INFINITY;
  }

  /**
   * Without a season the errors are linear in the initial level and trend, so the initial states that
   * minimise the SSE for the set α, β, φ are found exactly, not guessed: one run from zero states also
   * carries how each error moves with the start, r_t = ∂ŷ_t/∂x₀ (the start's effect through
   * D = F − g·w′, one 2×2 product a month), and the least-squares start solves the 2×2 normal
   * equations (1×1 without a trend). A start guessed from the first season held the level of a
   * slowly-smoothed series (α near 0) at its first year's mean for ever.
   */
  private runWithoutSeason(): number {
    const { observations, count, alpha, beta, phi, trended } = this;
    let level = 0;
    let trend = 0;
    // Sensitivity of the states to the start: S = ∂(level, trend)/∂(level₀, trend₀), from the identity.
    let s00 = 1;
    let s01 = 0;
    let s10 = 0;
    let s11 = 1;
    let sse = 0;
    let re0 = 0;
    let re1 = 0;
    let rr00 = 0;
    let rr01 = 0;
    let rr11 = 0;
    const keepLevel = 1 - alpha;
    for (let t = 0; t < count; t++) {
      const damped = phi * trend;
      const base = level + damped;
      const error = (observations[t] as number) - base;
      const r0 = s00 + phi * s10;
      const r1 = s01 + phi * s11;
      sse += error * error;
      re0 += r0 * error;
      re1 += r1 * error;
      rr00 += r0 * r0;
      rr01 += r0 * r1;
      rr11 += r1 * r1;
      level = base + alpha * error;
      trend = damped + beta * error;
      const n00 = keepLevel * s00 + phi * keepLevel * s10;
      const n01 = keepLevel * s01 + phi * keepLevel * s11;
      s10 = -beta * s00 + phi * (1 - beta) * s10;
      s11 = -beta * s01 + phi * (1 - beta) * s11;
      s00 = n00;
      s01 = n01;
    }
    let start0 = 0;
    let start1 = 0;
    const determinant = rr00 * rr11 - rr01 * rr01;
    if (trended && determinant > 1e-12 * rr00 * rr11) {
      start0 = (rr11 * re0 - rr01 * re1) / determinant;
      start1 = (rr00 * re1 - rr01 * re0) / determinant;
    } else if (rr00 > 0) {
      start0 = re0 / rr00;
    }
    this.finish(level + s00 * start0 + s01 * start1, trended ? trend + s10 * start0 + s11 * start1 : 0, 0);
    return Math.max(0, sse - (re0 * start0 + re1 * start1));
  }

  private runAdditiveSeason(): number {
    const { observations, count, alpha, beta, gamma, phi, seasonStates, seasonMonths } = this;
    seasonStates.set(this.start.season);
    let level = this.start.level;
    let trend = this.start.trend;
    let sse = 0;
    let month = 0;
    for (let t = 0; t < count; t++) {
      const damped = phi * trend;
      const base = level + damped;
      const seasonal = seasonStates[month] as number;
      const error = (observations[t] as number) - base - seasonal;
      level = base + alpha * error;
      trend = damped + beta * error;
      seasonStates[month] = seasonal + gamma * error;
      sse += error * error;
      month = month + 1 === seasonMonths ? 0 : month + 1;
    }
    this.finish(level, trend, month);
    return sse;
  }

  private runMultiplicativeSeason(): number {
    const { observations, count, alpha, beta, gamma, phi, seasonStates, seasonMonths } = this;
    seasonStates.set(this.start.season);
    let level = this.start.level;
    let trend = this.start.trend;
    let sse = 0;
    let month = 0;
    for (let t = 0; t < count; t++) {
      const damped = phi * trend;
      const base = level + damped;
      const seasonal = seasonStates[month] as number;
      if (!(base > 0 && seasonal > 0)) return Number.POSITIVE_INFINITY;
      const error = (observations[t] as number) - base * seasonal;
      // One division instead of two (e/s and e/base), the slowest arithmetic of the loop.
      const scaled = error / (base * seasonal);
      const deseasonalised = scaled * base;
      level = base + alpha * deseasonalised;
      trend = damped + beta * deseasonalised;
      seasonStates[month] = seasonal + gamma * scaled * seasonal;
      sse += error * error;
      month = month + 1 === seasonMonths ? 0 : month + 1;
    }
    this.finish(level, trend, month);
    return sse;
  }

  private finish(level: number, trend: number, nextSeason: number): void {
    this.level = level;
    this.trend = trend;
    this.nextSeason = nextSeason;
  }
}

const SHARE_MIN = 1e-4;
const SHARE_MAX = 1 - 1e-4;
const PHI_MIN = 0.8;
const PHI_MAX = 0.98;

/** A share strictly inside (0, 1), so that the strict inequalities of the admissible region hold. */
function share(unit: number): number {
  return SHARE_MIN + (SHARE_MAX - SHARE_MIN) * unit;
}

function unitOfShare(value: number): number {
  return (value - SHARE_MIN) / (SHARE_MAX - SHARE_MIN);
}
