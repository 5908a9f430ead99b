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
 * Without a multiplicative season ψ depends on the lag alone: computed once into a reused buffer, the
 * double sum is a tight loop. A scoring run asks for about eleven of these per segment (each year's
 * revenue and profit, the NPV), for every segment of every scheme.
 */
let psi = new Float64Array(64);
const psiOf = { alpha: Number.NaN, beta: 0, gamma: 0, phi: 0, seasonMonths: 0, length: 0 };

function additiveErrorSum(
  weights: ArrayLike<number>,
  alpha: number,
  beta: number,
  gamma: number,
  phi: number,
  seasonMonths: number,
): number {
  const horizon = weights.length;
  // A projection asks several sums of one fit in a row: ψ is kept until the parameters change.
  if (
    psiOf.length < horizon ||
    psiOf.alpha !== alpha ||
    psiOf.beta !== beta ||
    psiOf.gamma !== gamma ||
    psiOf.phi !== phi ||
    psiOf.seasonMonths !== seasonMonths
  ) {
    if (psi.length < horizon) psi = new Float64Array(2 * horizon);
    psi[0] = 1;
    for (let j = 1, power = 1, reach = 0; j < horizon; j++) {
      power *= phi;
      reach += power;
      psi[j] = alpha + beta * reach + (seasonMonths > 0 && j % seasonMonths === 0 ? gamma : 0);
    }
    Object.assign(psiOf, { alpha, beta, gamma, phi, seasonMonths, length: horizon });
  }
  // Months before the first weighted one add nothing to any innovation's coefficient.
  let first = 0;
  while (first < horizon && weights[first] === 0) first++;
  let variance = 0;
  for (let k = 0; k < horizon; k++) {
    let coefficient = 0;
    for (let h = Math.max(k, first); h < horizon; h++) {
      coefficient += (weights[h] as number) * (psi[h - k] as number);
    }
    variance += coefficient * coefficient;
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
