/**
 * One month's demand: who buys how much of what. Volume follows the active customers of each channel ×
 * region cell, grown by the cell's trend and the season; products follow popularity, channel affinity,
 * the category's trend and how strongly the category is seasonal.
 */
import type { Month } from "#sample/calendar.ts";
import type { Customer } from "#sample/customers.ts";
import { CHANNELS, type Channel, LOCAL_GROWTH, REGIONS, SEASONAL_VOLUME } from "#sample/market.ts";
import type { Product } from "#sample/products.ts";
import { WeightedChoice } from "#sample/random.ts";

/** How much a yearly growth rate has multiplied volume after `monthIndex` months. */
function growthFactor(growthPerYear: number, monthIndex: number): number {
  return (1 + growthPerYear) ** (monthIndex / 12);
}

/** Channel × region cells, in the order of `Customer.cell`. */
const CELLS: readonly { readonly channel: Channel; readonly growthPerYear: number }[] = CHANNELS.flatMap(
  (channel) =>
    REGIONS.map((region) => {
      const local = LOCAL_GROWTH.find((cell) => cell.channel === channel.name && cell.region === region.name);
      return {
        channel,
        growthPerYear: channel.growthPerYear + region.growthPerYear + (local?.growthPerYear ?? 0),
      };
    }),
);

/**
 * Per cell, how many orders it places in a month, relatively: the sizes of its active customers, grown
 * by the cell's trend. Customers joining and leaving move it too.
 */
export function cellDemand(customers: readonly Customer[], monthIndex: number): Float64Array {
  const demand = new Float64Array(CELLS.length);
  for (const customer of customers) {
    if (customer.activeFrom <= monthIndex && monthIndex < customer.activeUntil) {
      demand[customer.cell] = (demand[customer.cell] ?? 0) + customer.orderFrequency;
    }
  }
  CELLS.forEach((cell, index) => {
    demand[index] = (demand[index] ?? 0) * growthFactor(cell.growthPerYear, monthIndex);
  });
  return demand;
}

/** How many lines a month has, relatively: orders per cell times lines per order, times the season. */
export function monthVolume(demand: Float64Array, calendarMonth: Month): number {
  let volume = 0;
  CELLS.forEach((cell, index) => {
    volume += (demand[index] ?? 0) * meanLinesPerOrder(cell.channel);
  });
  return volume * (SEASONAL_VOLUME[calendarMonth.month - 1] ?? 1);
}

function meanLinesPerOrder(channel: Channel): number {
  const total = channel.linesPerOrder.reduce((sum, odds) => sum + odds, 0);
  return channel.linesPerOrder.reduce((sum, odds, index) => sum + (odds * (index + 1)) / total, 0);
}

export interface MonthDemand {
  readonly cellChoice: WeightedChoice;
  /** Per cell: its active customers and a choice among them weighted by order frequency. */
  readonly cellCustomers: readonly {
    readonly customers: readonly Customer[];
    readonly choice: WeightedChoice;
  }[];
  /** Per channel: a product choice weighted by popularity, channel affinity and category trend. */
  readonly productChoices: readonly WeightedChoice[];
  /** Per product: this month's list price and unit cost. */
  readonly listPrices: Float64Array;
  readonly unitCosts: Float64Array;
}

export function monthDemand(
  monthIndex: number,
  calendarMonth: Month,
  priceIndex: number,
  customers: readonly Customer[],
  products: readonly Product[],
): MonthDemand {
  const season = SEASONAL_VOLUME[calendarMonth.month - 1] ?? 1;
  const members: Customer[][] = CELLS.map(() => []);
  for (const customer of customers) {
    if (customer.activeFrom <= monthIndex && monthIndex < customer.activeUntil) {
      members[customer.cell]?.push(customer);
    }
  }
  return {
    cellChoice: new WeightedChoice(cellDemand(customers, monthIndex)),
    cellCustomers: members.map((cellMembers) => ({
      customers: cellMembers,
      // An empty cell has demand 0 and is never picked; it still gets a choice to keep the types plain.
      choice: new WeightedChoice(
        cellMembers.length > 0 ? cellMembers.map((customer) => customer.orderFrequency) : [1],
      ),
    })),
    productChoices: CHANNELS.map(
      (channel) =>
        new WeightedChoice(
          products.map(
            (product) =>
              product.popularity *
              channel.categoryAffinity[product.category.name] *
              growthFactor(product.category.growthPerYear, monthIndex) *
              // The month's volume follows the common season; each category's share swings by its own.
              ((1 + product.category.seasonality * (season - 1)) / season),
          ),
        ),
    ),
    listPrices: Float64Array.from(
      products,
      (product) => Math.round(product.listPrice * priceIndex * 100) / 100,
    ),
    unitCosts: Float64Array.from(products, (product) => product.unitCost * priceIndex),
  };
}
