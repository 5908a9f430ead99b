/**
 * npm run bench:ets — µs per series to fit each ETS model and to select among all six, on generated
 * monthly series like segments' (seasonal, trending, both, noisy, sparse with zero months), seeded so every
 * run fits the same series.
 *
 *   npm run bench:ets -- [--series 10000] [--months 36]
 */
import { parseArgs } from "node:util";
import { ETS_MODELS, type EtsModel, fitEts, selectEts } from "#domain/ets.ts";
import { Random } from "#sample/random.ts";

const { values } = parseArgs({
  options: {
    series: { type: "string", default: "10000" },
    months: { type: "string", default: "36" },
  },
});
const seriesCount = Number(values.series);
const months = Number(values.months);

const segments = generatedSegments(seriesCount, months, 20_261_208);
console.log(`${seriesCount.toLocaleString("en")} series × ${months} months (1 core), CPU µs per series:`);

for (const model of ETS_MODELS) {
  let fitted = 0;
  const micros = timedPerSeries(() => {
    fitted = 0;
    for (const segment of segments) if (fitEts(segment, model) !== undefined) fitted++;
  });
  console.log(
    `  fitEts ${model.padEnd(5)} ${micros.toFixed(1).padStart(7)} µs  (${fitted} of ${seriesCount} fittable)`,
  );
}

const chosen = new Map<EtsModel, number>();
const micros = timedPerSeries(() => {
  chosen.clear();
  for (const segment of segments) {
    const model = selectEts(segment).model;
    chosen.set(model, (chosen.get(model) ?? 0) + 1);
  }
});
const tally = ETS_MODELS.map((model) => `${model} ${chosen.get(model) ?? 0}`).join(", ");
console.log(`  selectEts   ${micros.toFixed(1).padStart(7)} µs  (chosen: ${tally})`);

/**
 * Runs once to warm up, then times a second run in CPU time (user + system) of this process: the machine
 * may be shared, and wall time would count other processes' turns on the cores.
 */
function timedPerSeries(run: () => void): number {
  run();
  const started = process.cpuUsage();
  run();
  const spent = process.cpuUsage(started);
  return (spent.user + spent.system) / seriesCount;
}

/** A fifth each: seasonal, seasonal and trending, trending, noisy level, sparse with zero months. */
function generatedSegments(count: number, length: number, seed: number): Float64Array[] {
  const source = new Random(seed);
  const random = () => source.next();
  const segments: Float64Array[] = [];
  for (let s = 0; s < count; s++) {
    const series = new Float64Array(length);
    const level = 100 + 900 * random();
    const kind = s % 5;
    const amplitude = 0.1 + 0.4 * random();
    const slope = (random() - 0.3) * 0.02 * level;
    for (let t = 0; t < length; t++) {
      const noise = (random() + random() + random() - 1.5) * 0.2 * level;
      const seasonal = level * amplitude * Math.sin((2 * Math.PI * t) / 12);
      if (kind === 0) series[t] = level + seasonal + noise * 0.5;
      else if (kind === 1) series[t] = level + slope * t + seasonal + noise * 0.5;
      else if (kind === 2) series[t] = level + slope * t + noise * 0.5;
      else if (kind === 3) series[t] = level + noise;
      else series[t] = random() < 0.4 ? 0 : level * random();
    }
    segments.push(series);
  }
  return segments;
}
