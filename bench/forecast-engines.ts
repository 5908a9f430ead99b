/**
 * The forecasters the forecast bench compares, behind one shape: the naive forecasts of the domain,
 * augurs' AutoETS and MSTL (WebAssembly, loaded from disk without fetch), our own ETS engine on each
 * series alone, and the product's projection, which treats each set as a scheme.
 */
import { readFileSync } from "node:fs";
import { AutoETS, initSync as initEtsWasm } from "@bsull/augurs/ets";
import { initSync as initMstlWasm, MSTL } from "@bsull/augurs/mstl";
import { etsForecast, forecastErrorVariance, selectEts } from "#domain/ets.ts";
import {
  type Forecaster,
  SEASON_MONTHS,
  seasonalNaive,
  trailingYearNaive,
} from "#domain/forecast-accuracy.ts";
import { schemeContext } from "#domain/scheme-forecast.ts";
import { totalOf } from "#domain/seasonal-profile.ts";
import { forecastSegment, forecastSpread } from "#domain/segment-forecast.ts";

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
  /** An engine that draws on the whole set at a cut-off: its forecaster of each series by index. */
  forScheme?(
    training: readonly (readonly number[])[],
  ): (history: readonly number[], horizon: number) => IntervalForecast;
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

/** The z of a central 80% normal interval. */
const Z_80 = 1.2815515655446004;

/** Our own ETS engine on each series alone: the model of lowest AICc among all six. */
export const OWN_SELECT_ETS: ForecastEngine = {
  name: "our selectEts",
  forecast(history, horizon) {
    const fit = selectEts(history);
    const point = Array.from(etsForecast(fit, horizon));
    const lower: number[] = [];
    const upper: number[] = [];
    for (let step = 0; step < horizon; step++) {
      // One month's variance is that of the weighted sum with weight 1 on that month alone.
      const weights = Array.from({ length: horizon }, (_, month) => (month === step ? 1 : 0));
      const spread = Z_80 * Math.sqrt(forecastErrorVariance(fit, weights));
      lower.push((point[step] ?? 0) - spread);
      upper.push((point[step] ?? 0) + spread);
    }
    return { point, interval: { lower, upper } };
  },
};

/**
 * The product's projection as a scoring run makes it (lib/domain/segment-forecast.ts): each set of
 * series taken as one scheme, so that a series may borrow the scheme's season, small series fit less,
 * and thin ones repeat their last year. Revenue only: profit is not measured here.
 */
export const SEGFOCUS_PROJECTION: ForecastEngine = {
  name: "segfocus projection",
  forecast() {
    throw new Error("the segfocus projection forecasts a whole scheme at a cut-off: use forScheme");
  },
  forScheme(training) {
    const contextOf = schemeContext(totalOf(training));
    return (revenue, horizon) => {
      const history = { revenue, profit: revenue.map(() => 0) };
      const forecast = forecastSegment(history, contextOf(history), horizon);
      const lower: number[] = [];
      const upper: number[] = [];
      for (let step = 0; step < horizon; step++) {
        const weights = new Float64Array(step + 1);
        weights[step] = 1;
        const spread = Z_80 * forecastSpread(forecast, weights, undefined);
        lower.push((forecast.revenue[step] as number) - spread);
        upper.push((forecast.revenue[step] as number) + spread);
      }
      return { point: Array.from(forecast.revenue), interval: { lower, upper } };
    };
  },
};
