/**
 * Holt's linear trend with damping (additive damped trend) on a monthly series:
 *
 *   level    ℓ_t = α·y_t + (1 − α)·(ℓ_{t−1} + φ·b_{t−1})
 *   trend    b_t = β·(ℓ_t − ℓ_{t−1}) + (1 − β)·φ·b_{t−1}
 *   forecast ŷ_{t+h} = ℓ_t + (φ + φ² + … + φ^h)·b_t  →  ℓ_t + φ·b_t / (1 − φ) as h → ∞
 *
 * The damping φ makes the trend fade, so a segment that grew last year is not projected to grow the
 * same amount every year for ever. It runs once per segment and series when a scheme is scored
 * (hundreds of thousands of segments), so the fit is one loop over the series that allocates nothing
 * but its result.
 */
export interface HoltParameters {
  /** Level smoothing α in [0, 1]: how much each new month moves the level. */
  readonly alpha: number;
  /** Trend smoothing β in [0, 1]: how much each change of level moves the trend. */
  readonly beta: number;
  /** Damping φ in [0, 1]; 1 is Holt's undamped linear trend. */
  readonly damping: number;
}

/** The smoothed level and trend after the last observation. */
export interface HoltState {
  readonly level: number;
  readonly trend: number;
}

/**
 * Fits the level and trend to a series, oldest first. An empty series has level 0 and trend 0.
 *
 * Initialisation: ℓ_0 = y_0 and b_0 = y_1 − y_0 (0 for a single point), then the recurrence runs from
 * y_1 on. This is the textbook simple start: it needs no fitting of its own, uses only the data, and
 * reproduces a straight line exactly when φ = 1, whatever α and β. On the short histories segments have
 * (months, not decades) a start averaged over a season or fitted by regression would spend much of the
 * data on the initial state.
 */
export function holtDampedFit(series: readonly number[], parameters: HoltParameters): HoltState {
  const first = series[0];
  if (first === undefined) return { level: 0, trend: 0 };
  const { alpha, beta, damping } = parameters;
  let level = first;
  let trend = series.length >= 2 ? (series[1] as number) - first : 0;
  for (let t = 1; t < series.length; t++) {
    const observed = series[t] as number;
    const previousLevel = level;
    level = alpha * observed + (1 - alpha) * (previousLevel + damping * trend);
    trend = beta * (level - previousLevel) + (1 - beta) * damping * trend;
  }
  return { level, trend };
}

/** The forecasts for h = 1 … steps months after the last observation. */
export function holtDampedForecast(state: HoltState, damping: number, steps: number): number[] {
  const forecast: number[] = [];
  let dampingPower = 1;
  let dampedSteps = 0;
  for (let h = 1; h <= steps; h++) {
    dampingPower *= damping;
    dampedSteps += dampingPower;
    forecast.push(state.level + dampedSteps * state.trend);
  }
  return forecast;
}

/**
 * Where the forecast settles far ahead: ℓ + φ·b / (1 − φ). Undamped (φ = 1) a non-zero trend never
 * settles, so the limit is ±Infinity, and a zero trend stays at the level.
 */
export function holtDampedLimit(state: HoltState, damping: number): number {
  if (damping >= 1) return state.trend === 0 ? state.level : state.trend * Number.POSITIVE_INFINITY;
  return state.level + (damping * state.trend) / (1 - damping);
}
