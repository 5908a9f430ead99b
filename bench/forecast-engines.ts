/**
 * The forecasters the forecast bench compares, behind one shape: the naive forecasts of the domain,
 * augurs' AutoETS and MSTL (WebAssembly, loaded from disk without fetch), and our own ETS once
 * `lib/domain/ets.ts` exists on this branch.
 */
import { readFileSync } from "node:fs";
import { AutoETS, initSync as initEtsWasm } from "@bsull/augurs/ets";
import { initSync as initMstlWasm, MSTL } from "@bsull/augurs/mstl";
import {
  type Forecaster,
  SEASON_MONTHS,
  seasonalNaive,
  trailingYearNaive,
} from "#domain/forecast-accuracy.ts";

/** The level of the prediction intervals the bench asks for and scores. */
export const INTERVAL_LEVEL = 0.8;

/** Point forecasts and, where the engine gives them, the bounds of the 80% interval of each month. */
export interface IntervalForecast {
  readonly point: readonly number[];
  readonly interval?: { readonly lower: readonly number[]; readonly upper: readonly number[] };
}

export interface ForecastEngine {
  readonly name: string;
  forecast(history: readonly number[], horizon: number): IntervalForecast;
}

function pointOnly(name: string, forecaster: Forecaster): ForecastEngine {
  return { name, forecast: (history, horizon) => ({ point: forecaster(history, horizon) }) };
}

export const TRAILING_YEAR_NAIVE = pointOnly("same as last 12 months", trailingYearNaive);
export const SEASONAL_NAIVE = pointOnly("seasonal naive", seasonalNaive);

/**
 * wasm-bindgen's default init fetches the .wasm by URL, which Node 20's fetch refuses for file: URLs;
 * initSync with the bytes read from beside the glue works in Node and in a Lambda bundle alike.
 */
function wasmBytes(entry: "ets" | "mstl"): Buffer {
  return readFileSync(new URL(`${entry}_bg.wasm`, import.meta.resolve(`@bsull/augurs/${entry}`)));
}

/**
 * augurs' AutoETS. Its 0.10 search has no seasonal models: every seasonal candidate fails, so "ZZZ"
 * picks the model "ZZN" does and "AAA" finds none. It searches error, trend and damped trend only.
 */
export function augursAutoEts(): ForecastEngine {
  initEtsWasm({ module: wasmBytes("ets") });
  return {
    name: "augurs AutoETS (ZZN)",
    forecast(history, horizon) {
      const search = new AutoETS(SEASON_MONTHS, "ZZN");
      try {
        search.fit(Float64Array.from(history));
        return fromAugurs(search.predict(horizon, INTERVAL_LEVEL));
      } finally {
        search.free();
      }
    },
  };
}

/** augurs' MSTL: STL takes out an additive season, AutoETS forecasts the rest. Needs two full years. */
export function augursMstl(): ForecastEngine {
  initMstlWasm({ module: wasmBytes("mstl") });
  return {
    name: "augurs MSTL + AutoETS",
    forecast(history, horizon) {
      const model = MSTL.ets([SEASON_MONTHS]);
      try {
        model.fit(Float64Array.from(history));
        return fromAugurs(model.predict(horizon, INTERVAL_LEVEL));
      } finally {
        model.free();
      }
    },
  };
}

function fromAugurs({ point, intervals }: ReturnType<AutoETS["predict"]>): IntervalForecast {
  return intervals ? { point, interval: { lower: intervals.lower, upper: intervals.upper } } : { point };
}

/**
 * Where our own ETS will live, and the part of its interface the bench uses. The specifier is a value,
 * not a literal, so that this branch type-checks before the module is merged into it.
 */
const OWN_ETS_MODULE = "#domain/ets.ts";

interface OwnEtsModule {
  selectEts(series: readonly number[]): unknown;
  etsForecast(fit: unknown, horizon: number): Float64Array;
  forecastErrorVariance(fit: unknown, weights: readonly number[]): number;
}

/** The z of a central 80% normal interval. */
const Z_80 = 1.2815515655446004;

/** Our own `selectEts`, or undefined while `lib/domain/ets.ts` is not on this branch. */
export async function ownEts(): Promise<ForecastEngine | undefined> {
  let ets: OwnEtsModule;
  try {
    ets = (await import(OWN_ETS_MODULE)) as OwnEtsModule;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") return undefined;
    throw error;
  }
  return {
    name: "our selectEts",
    forecast(history, horizon) {
      const fit = ets.selectEts(history);
      const point = Array.from(ets.etsForecast(fit, horizon));
      const lower: number[] = [];
      const upper: number[] = [];
      for (let step = 0; step < horizon; step++) {
        // One month's variance is that of the weighted sum with weight 1 on that month alone.
        const weights = Array.from({ length: horizon }, (_, month) => (month === step ? 1 : 0));
        const spread = Z_80 * Math.sqrt(ets.forecastErrorVariance(fit, weights));
        lower.push((point[step] ?? 0) - spread);
        upper.push((point[step] ?? 0) + spread);
      }
      return { point, interval: { lower, upper } };
    },
  };
}
