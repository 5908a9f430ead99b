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
  CUSTOMERS_PER_ROW,
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
  /** Months (from the start) in which the customer buys: [activeFrom, activeUntil). */
  readonly activeFrom: number;
  readonly activeUntil: number;
  readonly region: Region;
  readonly customerType: string;
}

export function createCustomers(random: Random, count: number, months: number): Customer[] {
  const regionChoice = new WeightedChoice(REGIONS.map((region) => region.customerShare));
  const channelShares = cumulativeShares(CHANNELS.map((channel) => channel.customerShare));
  // Each customer takes its own stratum of the size distribution, in random order: the sizes then follow
  // the distribution closely in every file, instead of one lucky draw deciding who dominates.
  const sizeRanks = random.shuffle(Array.from({ length: count }, (_, rank) => rank));
  const sizeCap = Math.min(
    CUSTOMER_SIZE_CAP.max,
    Math.max(CUSTOMER_SIZE_CAP.min, count * CUSTOMER_SIZE_CAP.perCustomer),
  );
  const customers: Customer[] = [];
  for (let index = 0; index < count; index++) {
    // Channels by quota rather than by draw, so that even a small file has every channel in proportion.
    const quota = channelShares.findIndex((share) => (index + 0.5) / count < share);
    // Rounding can leave the last cumulative share a hair under 1; the last channel takes the rest.
    const channelIndex = quota === -1 ? CHANNELS.length - 1 : quota;
    const channel = CHANNELS[channelIndex];
    const regionIndex = regionChoice.pick(random);
    const region = REGIONS[regionIndex];
    if (channel === undefined || region === undefined) throw new Error("the market has no channel or region");

    const sizeQuantile = ((sizeRanks[index] ?? 0) + random.next()) / count;
    const paretoSize = Math.min(sizeCap, paretoQuantile(sizeQuantile, CUSTOMER_SIZE_SHAPE, 1));
    // 0 for the smallest account, 1 for the largest: drives discounts, account type and stickiness.
    const sizeScore = Math.log(paretoSize) / Math.log(sizeCap);
    const joins = months > 1 && random.chance(channel.acquisition);
    const activeFrom = joins ? random.integer(1, months - 1) : 0;
    // The first customer buys throughout, so that every month has at least one buyer whatever the seed.
    const churns = index > 0 && random.chance(channel.churn * (1 - sizeScore));
    const activeUntil = churns ? random.integer(activeFrom + 1, months) : months;

    customers.push({
      id: `C${String(index + 1).padStart(6, "0")}`,
      channel,
      channelIndex,
      cell: channelIndex * REGIONS.length + regionIndex,
      // Size shows in both how often and how much a customer orders; the exponents add up to 1, so
      // revenue follows the Pareto size itself (a heavier tail would let one account be the market).
      orderFrequency: paretoSize ** 0.65 * channel.ordersPerCustomer,
      lineScale: paretoSize ** 0.35,
      // Negotiated discounts come in steps of half a percent.
      discountRate: Math.round((channel.baseDiscount + channel.volumeDiscount * sizeScore) * 200) / 200,
      activeFrom,
      activeUntil,
      region,
      customerType: customerType(channel, sizeScore, random),
    });
  }
  return customers;
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
