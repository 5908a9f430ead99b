/**
 * The customers of a sample file, drawn once per file from the seed: each with a channel, a region, a
 * Pareto size that drives how much it buys and at what discount, and the months in which it buys.
 */
import {
  CHANNELS,
  type Channel,
  CUSTOMER_COUNT,
  CUSTOMER_SIZE_CAP,
  CUSTOMER_SIZE_SHAPE,
  CUSTOMER_SPREAD,
  CUSTOMERS_PER_ROW,
  LARGEST_LINE_SCALE,
  MAX_DISCOUNT,
  REGIONS,
  type Region,
} from "#sample/market.ts";
import { paretoQuantile, type Random, WeightedChoice } from "#sample/random.ts";

export interface Customer {
  readonly id: string;
  readonly channel: Channel;
  readonly channelIndex: number;
  /** Index of the channel × region cell, the unit of the volume trends. */
  readonly cell: number;
  /** Relative number of orders per month while active. */
  readonly orderFrequency: number;
  /** Multiplies the channel's line value: bigger customers buy more of each product. */
  readonly lineScale: number;
  readonly discountRate: number;
  /** Multiplies the channel's per-order and per-line costs to serve: 2 = twice as costly as its peers. */
  readonly serviceIntensity: number;
  /** Days the customer takes to pay. */
  readonly paymentDays: number;
  /** Months (from the start) in which the customer buys: [activeFrom, activeUntil). */
  readonly activeFrom: number;
  readonly activeUntil: number;
  readonly region: Region;
  readonly customerType: string;
}

export function createCustomers(random: Random, count: number, months: number): Customer[] {
  const regionChoice = new WeightedChoice(REGIONS.map((region) => region.customerShare));
  const channelShares = cumulativeShares(CHANNELS.map((channel) => channel.customerShare));
  // Channels by quota rather than by draw, so that even a small file has every channel in proportion:
  // each channel takes a block of consecutive customers.
  const channelIndexes = Array.from({ length: count }, (_, index) => {
    const quota = channelShares.findIndex((share) => (index + 0.5) / count < share);
    // Rounding can leave the last cumulative share a hair under 1; the last channel takes the rest.
    return quota === -1 ? CHANNELS.length - 1 : quota;
  });
  const sizeStrata = channelSizeStrata(random, channelIndexes);
  const customers: Customer[] = [];
  for (let index = 0; index < count; index++) {
    const channelIndex = channelIndexes[index] ?? 0;
    const channel = CHANNELS[channelIndex];
    const regionIndex = regionChoice.pick(random);
    const region = REGIONS[regionIndex];
    if (channel === undefined || region === undefined) throw new Error("the market has no channel or region");

    const stratum = sizeStrata[index] ?? { rank: 0, of: 1 };
    const sizeQuantile = (stratum.rank + random.next()) / stratum.of;
    // The cap grows with the channel's customers: a channel's revenue per unit of size (its order and
    // line values) differs twentyfold between channels, and no one account may be the market.
    const sizeCap = Math.min(
      CUSTOMER_SIZE_CAP.max,
      Math.max(CUSTOMER_SIZE_CAP.min, stratum.of * CUSTOMER_SIZE_CAP.perCustomer),
    );
    const paretoSize = Math.min(sizeCap, paretoQuantile(sizeQuantile, CUSTOMER_SIZE_SHAPE, 1));
    // 0 for the smallest account, 1 for the largest: drives discounts, account type and stickiness.
    const sizeScore = Math.log(paretoSize) / Math.log(sizeCap);
    const joins = months > 1 && random.chance(channel.acquisition);
    const activeFrom = joins ? random.integer(1, months - 1) : 0;
    // The first customer buys throughout, so that every month has at least one buyer whatever the seed.
    const churns = index > 0 && random.chance(channel.churn * (1 - sizeScore));
    const activeUntil = churns ? random.integer(activeFrom + 1, months) : months;

    // A customer ordering in small drops orders more often for the same spend, and pays for every drop.
    const dropSize = random.logNormal(1, CUSTOMER_SPREAD.dropSize);
    const lineScale = LARGEST_LINE_SCALE ** sizeScore * dropSize;
    const negotiated =
      channel.baseDiscount +
      channel.volumeDiscount * sizeScore +
      random.normal(0, CUSTOMER_SPREAD.discountPoints);

    customers.push({
      id: `C${String(index + 1).padStart(6, "0")}`,
      channel,
      channelIndex,
      cell: channelIndex * REGIONS.length + regionIndex,
      // Size shows in both how often and how much a customer orders, and revenue follows the Pareto size
      // itself (a heavier tail would let one account be the market). Lines grow with the size score, not
      // the size, so that the cost to serve a line is as heavy in a small file as in a large one.
      orderFrequency: (paretoSize * channel.ordersPerCustomer) / lineScale,
      lineScale,
      // Negotiated discounts come in steps of half a percent.
      discountRate: Math.round(Math.min(MAX_DISCOUNT, Math.max(0, negotiated)) * 200) / 200,
      serviceIntensity: random.logNormal(1, CUSTOMER_SPREAD.serviceIntensity),
      paymentDays: channel.paymentDays * random.logNormal(1, CUSTOMER_SPREAD.paymentDays),
      activeFrom,
      activeUntil,
      region,
      customerType: customerType(channel, sizeScore, random),
    });
  }
  return customers;
}

/**
 * Per customer, its stratum of the size distribution among the customers of its channel, in random
 * order: every channel then has its share of small and large accounts in every file, instead of one
 * lucky draw deciding which channel the largest accounts buy through, and with it the company's profit.
 */
function channelSizeStrata(
  random: Random,
  channelIndexes: readonly number[],
): { readonly rank: number; readonly of: number }[] {
  const strata: { rank: number; of: number }[] = [];
  let blockStart = 0;
  while (blockStart < channelIndexes.length) {
    let blockEnd = blockStart;
    while (channelIndexes[blockEnd] === channelIndexes[blockStart]) blockEnd++;
    const of = blockEnd - blockStart;
    for (const rank of random.shuffle(Array.from({ length: of }, (_, rank) => rank)))
      strata.push({ rank, of });
    blockStart = blockEnd;
  }
  return strata;
}

function customerType(channel: Channel, sizeScore: number, random: Random): string {
  if (sizeScore >= 0.5) return "enterprise";
  if (sizeScore >= 0.2) return "mid_market";
  return channel.sellsToConsumers && random.chance(0.6) ? "consumer" : "small_business";
}

function cumulativeShares(weights: readonly number[]): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let running = 0;
  return weights.map((weight) => {
    running += weight;
    return running / total;
  });
}

/** How many customers a file of `rows` lines has. */
export function customerCount(rows: number): number {
  return Math.min(CUSTOMER_COUNT.max, Math.max(CUSTOMER_COUNT.min, Math.round(rows * CUSTOMERS_PER_ROW)));
}
