import type { Seasonality } from "#domain/ets-initial-states.ts";

/**
 * Exponential smoothing (ETS) fitted to a monthly series: the smoothing parameters chosen by least
 * squares of the one-step-ahead errors, the model chosen by AICc. Every model has additive errors, so
 * their likelihoods are on one scale and AICc can compare them:
 *
 *   ANN   level only                     ŷ = ℓ
 *   AAdN  damped trend (Holt)            ŷ = ℓ + φb
 *   ANA   level + additive season        ŷ = ℓ + s
 *   AAdA  damped trend + additive season ŷ = ℓ + φb + s
 *   ANM   level × seasonal factor        ŷ = ℓ·s
 *   AAdM  damped trend × seasonal factor ŷ = (ℓ + φb)·s
 *
 * with e = y − ŷ and the innovations updates ℓ ← ℓ + φb + αe, b ← φb + βe, s ← s + γe (for a
 * multiplicative season, e/s into level and trend and e/(ℓ + φb) into the season).
 */
export type EtsModel = "ANN" | "AAdN" | "ANA" | "AAdA" | "ANM" | "AAdM";

export interface EtsFit {
  readonly model: EtsModel;
  /** Smoothing parameters; 0 where the model has none, φ 1 where it has no trend. */
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly phi: number;
  /** States after the last observation. */
  readonly level: number;
  readonly trend: number;
  /** Seasonal states for the next m months, next month first (empty for non-seasonal). */
  readonly season: Float64Array;
  /** Standard deviation of the one-step-ahead residuals (√(SSE/n)), the additive error scale. */
  readonly sigma: number;
  /**
   * SSE/(n − p), p the estimated parameters and initial states (k without σ; n − p at least 1): the
   * unbiased estimate of σ², which forecast error variances use. SSE/n understates σ² because the fit
   * spends p degrees of freedom on the same months, by about p/n: a third for a seasonal model on 36
   * months, enough to turn 80% intervals into 65% ones.
   */
  readonly innovationVariance: number;
  /** +Infinity when there are too few observations for it (n ≤ k + 1); −Infinity for an exact fit. */
  readonly aicc: number;
  readonly observations: number;
}

/** Simplest first, so that of models with equal AICc (exact fits) the simplest is chosen. */
export const ETS_MODELS: readonly EtsModel[] = ["ANN", "AAdN", "ANA", "ANM", "AAdA", "AAdM"];

/** Estimated parameters and initial states of a model, plus σ: the k of its AICc. */
export function parameterCount(model: EtsModel, seasonMonths: number): number {
  const trended = hasTrend(model) ? 3 : 0; // β, φ and the initial trend
  const seasonal = seasonalityOf(model) === "none" ? 0 : 1 + (seasonMonths - 1); // γ and m − 1 free states
  return 1 + 1 + trended + seasonal + 1; // α, initial level, …, σ
}

export function seasonalityOf(model: EtsModel): Seasonality {
  const last = model.at(-1);
  return last === "A" ? "additive" : last === "M" ? "multiplicative" : "none";
}

export function hasTrend(model: EtsModel): boolean {
  return model.startsWith("AAd");
}
