/**
 * The monthly revenue series the forecast bench backtests on: three seeded generated sets shaped like
 * the segments the product forecasts, and the segments of the generated ERP sample as `segfocus score`
 * reports them.
 */
import { execFileSync } from "node:child_process";
import { z } from "zod";
import { Random } from "#sample/random.ts";
import { sampleFile } from "./sample-files.ts";

/** A named set of monthly revenue series, oldest month first. */
export interface SeriesSet {
  readonly name: string;
  readonly series: readonly (readonly number[])[];
}

/**
 * Retail's year, as a share of the mean month: a February at 0.3 after the January sales and a
 * November at 1.8 before Christmas. The twelve shares average 1, so the level is the mean month.
 */
const RETAIL_YEAR = [0.7, 0.3, 0.8, 0.9, 1.0, 0.95, 0.9, 1.0, 1.0, 1.2, 1.8, 1.45];

/** The three generated sets, `count` series each, `months` long, the same for the same seed. */
export function generatedSets(count: number, months: number, seed: number): SeriesSet[] {
  const random = new Random(seed);
  return [
    { name: "retail-like (Feb 0.3×, Nov 1.8×)", series: repeat(count, () => retailSeries(random, months)) },
    {
      name: "distributor-like (stable, mild season)",
      series: repeat(count, () => distributorSeries(random, months)),
    },
    {
      name: "customer-like (sparse, many zeros)",
      series: repeat(count, () => customerSeries(random, months)),
    },
  ];
}

/** A strongly seasonal shop: a level of 100–10,000 a month, growing −10% to +20% a year, 8% noise. */
function retailSeries(random: Random, months: number): number[] {
  const level = 100 * 100 ** random.next();
  const yearlyGrowth = -0.1 + 0.3 * random.next();
  // Each shop's year differs a little from the archetype, as real shops' do.
  const year = RETAIL_YEAR.map((share) => share * (1 + random.normal(0, 0.05)));
  return Array.from(
    { length: months },
    (_, month) =>
      level * (1 + yearlyGrowth) ** (month / 12) * (year[month % 12] ?? 1) * random.logNormal(1, 0.08),
  );
}

/** A distributor: 1,000–100,000 a month, a ±5–15% season at a random peak month, drifting ±5% a year. */
function distributorSeries(random: Random, months: number): number[] {
  const level = 1000 * 100 ** random.next();
  const amplitude = 0.05 + 0.1 * random.next();
  const peak = random.integer(0, 11);
  const yearlyDrift = -0.05 + 0.1 * random.next();
  return Array.from(
    { length: months },
    (_, month) =>
      level *
      (1 + yearlyDrift) ** (month / 12) *
      (1 + amplitude * Math.cos((2 * Math.PI * (month - peak)) / 12)) *
      random.logNormal(1, 0.06),
  );
}

/**
 * A customer: buys in 20–70% of months, an order of a log-normal size when it does; one in six stops
 * buying for good part-way through, as churned customers do.
 */
function customerSeries(random: Random, months: number): number[] {
  const buyingShare = 0.2 + 0.5 * random.next();
  const medianOrder = 500 * 10 ** random.next();
  const lastMonth = random.chance(1 / 6) ? random.integer(months / 2, months - 1) : months;
  return Array.from({ length: months }, (_, month) =>
    month < lastMonth && random.chance(buyingShare) ? random.logNormal(medianOrder, 0.6) : 0,
  );
}

function repeat(count: number, make: () => number[]): number[][] {
  return Array.from({ length: count }, make);
}

/** The part of `segfocus score --format json` the bench reads: each segment's monthly revenue. */
const ScoreOutput = z.object({
  schemes: z.array(
    z.object({
      id: z.string(),
      segments: z.array(z.object({ history: z.object({ revenue: z.array(z.number()) }) })),
    }),
  ),
});

/**
 * The segments of the generated ERP sample of `rows` rows (seed 1, 36 months): the customer scheme as
 * one set, every other scheme's segments together as another.
 */
export async function sampleSets(rows: number): Promise<SeriesSet[]> {
  const file = await sampleFile(rows);
  const json = execFileSync(process.execPath, ["bin/segfocus.js", "score", file, "--format", "json"], {
    maxBuffer: 1 << 30,
    stdio: ["ignore", "pipe", "ignore"],
  });
  const { schemes } = ScoreOutput.parse(JSON.parse(json.toString("utf8")));
  const revenues = (keep: (schemeId: string) => boolean) =>
    schemes
      .filter(({ id }) => keep(id))
      .flatMap(({ segments }) => segments.map(({ history }) => history.revenue));
  return [
    {
      name: `sample ${rows.toLocaleString("en")} rows: customers`,
      series: revenues((id) => id === "customer"),
    },
    {
      name: `sample ${rows.toLocaleString("en")} rows: other segments`,
      series: revenues((id) => id !== "customer"),
    },
  ];
}
