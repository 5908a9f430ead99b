import { type EtsFit, seasonalityOf } from "#domain/ets-model.ts";

/** Point forecasts for steps 1…horizon after the last observation. */
export function etsForecast(fit: EtsFit, horizon: number): Float64Array {
  const forecast = new Float64Array(horizon);
  const seasonality = seasonalityOf(fit.model);
  const seasonMonths = fit.season.length;
  let dampingPower = 1;
  let dampedSteps = 0;
  for (let h = 0; h < horizon; h++) {
    dampingPower *= fit.phi;
    dampedSteps += dampingPower;
    const base = fit.level + dampedSteps * fit.trend;
    if (seasonality === "none") forecast[h] = base;
    else {
      const seasonal = fit.season[h % seasonMonths] as number;
      forecast[h] = seasonality === "additive" ? base + seasonal : base * seasonal;
    }
  }
  return forecast;
}

/**
 * Variance of Σ_h w_h·(y_{n+h} − ŷ_{n+h}) for h = 1…weights.length. In innovations form the h-step error
 * is Σ_{j<h} ψ_{h,j}·ε_{n+h−j} with ψ_{h,0} = 1 and, for j ≥ 1, ψ = α + β·(φ + … + φ^j) + γ·[m divides j];
 * a weighted sum of errors is then linear in the innovations ε_{n+1…n+H}, and its variance is
 * σ²·Σ_k (Σ_{h≥k} w_h·ψ_{h,h−k})², σ² the fit's unbiased innovationVariance. With a multiplicative season
 * the innovation enters the level and trend divided by its month's factor and reaches month h multiplied
 * by month h's, and enters the season divided by its month's base ℓ + φb and reaches month h multiplied
 * by month h's: the first-order approximation around the point forecast (exact for additive seasons).
 * Year sums use w = 1 on that year's months; an NPV uses discount factors. The variance counts the
 * future innovations only, not the uncertainty of the fitted parameters: see the coverage tests.
 */
export function forecastErrorVariance(fit: EtsFit, weights: ArrayLike<number>): number {
  const horizon = weights.length;
  const { alpha, beta, gamma, phi, season } = fit;
  const seasonMonths = season.length;
  if (seasonalityOf(fit.model) !== "multiplicative") {
    return fit.innovationVariance * additiveErrorSum(weights, alpha, beta, gamma, phi, seasonMonths);
  }
  // trendReach[j] = φ + … + φ^j, how much of a trend innovation reaches j months later.
  const trendReach = new Float64Array(horizon);
  for (let j = 1, power = 1; j < horizon; j++) {
    power *= phi;
    trendReach[j] = (trendReach[j - 1] as number) + power;
  }
  const base = forecastBases(fit, horizon);
  let variance = 0;
  for (let k = 0; k < horizon; k++) {
    let coefficient = weights[k] as number;
    for (let h = k + 1; h < horizon; h++) {
      const lag = h - k;
      const seasonal = lag % seasonMonths === 0 ? gamma : 0;
      const smoothing = alpha + beta * (trendReach[lag] as number);
      const psi =
        smoothing * ratio(season[h % seasonMonths] as number, season[k % seasonMonths] as number) +
        seasonal * ratio(base[h] as number, base[k] as number);
      coefficient += (weights[h] as number) * psi;
    }
    variance += coefficient * coefficient;
  }
  return fit.innovationVariance * variance;
}

/**
 * Without a multiplicative season ψ_j = α + β·S_j + γ·[m divides j], S_j = φ + … + φ^j, depends on the
 * lag alone, and each innovation's coefficient c_k = w_k + Σ_{h>k} w_h·ψ_{h−k} follows from the
 * next one's sums: with A_k = Σ_{h>k} w_h, D_k = Σ_{h>k} w_h·S_{h−k} = φ·(A_k + D_{k+1}) (as
 * S_j = φ·(1 + S_{j−1})) and G_k = Σ_{j≥1} w_{k+jm} = w_{k+m} + G_{k+m}, c_k = w_k + α·A_k + β·D_k + γ·G_k.
 * One pass from the last month back: a scoring run asks about eleven of these sums per segment (each
 * year's revenue and profit, the NPV), for every segment of every scheme.
 */
let strided = new Float64Array(64);

function additiveErrorSum(
  weights: ArrayLike<number>,
  alpha: number,
  beta: number,
  gamma: number,
  phi: number,
  seasonMonths: number,
): number {
  const horizon = weights.length;
  const seasonal = seasonMonths > 0 && gamma !== 0;
  if (seasonal && strided.length < horizon) strided = new Float64Array(2 * horizon);
  let later = 0;
  let damped = 0;
  let variance = 0;
  for (let k = horizon - 1; k >= 0; k--) {
    damped = phi * (later + damped);
    let sameMonth = 0;
    if (seasonal) {
      const next = k + seasonMonths;
      sameMonth = next < horizon ? (weights[next] as number) + (strided[next] as number) : 0;
      strided[k] = sameMonth;
    }
    const weight = weights[k] as number;
    const coefficient = weight + alpha * later + beta * damped + gamma * sameMonth;
    variance += coefficient * coefficient;
    later += weight;
  }
  return variance;
}

/** ℓ + (φ + … + φ^h)·b for h = 1…horizon: the forecast before its seasonal factor. */
function forecastBases(fit: EtsFit, horizon: number): Float64Array {
  const bases = new Float64Array(horizon);
  for (let h = 0, power = 1, reach = 0; h < horizon; h++) {
    power *= fit.phi;
    reach += power;
    bases[h] = fit.level + reach * fit.trend;
  }
  return bases;
}

/** later ÷ earlier, or 1 where the earlier is not positive (a base damped below zero), to stay finite. */
function ratio(later: number, earlier: number): number {
  return earlier > 0 ? later / earlier : 1;
}
