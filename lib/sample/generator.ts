/**
 * A synthetic ERP batch: invoice lines of a B2B distributor of industrial supplies, with the structure
 * segment scoring exists to find (Pareto customers, channels with very different cost-to-serve, volume
 * discounts, returns, segments that grow and shrink). Deterministic per seed, so a test can regenerate
 * the exact bytes a CLI run wrote; streamed, so memory is bounded by the customer table (at most
 * 100,000 customers), never by the number of rows.
 */

import { createCalendar } from "#sample/calendar.ts";
import { createCustomers, customerCount } from "#sample/customers.ts";
import { cellDemand, monthDemand, monthVolume } from "#sample/demand.ts";
import { csvLine, SAMPLE_HEADER } from "#sample/invoice-line.ts";
import { CHANNELS, PRICE_INCREASE_PER_YEAR } from "#sample/market.ts";
import { createLedger, dueReturnLines, type Market, orderLines, pickCustomer } from "#sample/orders.ts";
import { createProducts } from "#sample/products.ts";
import { Random, WeightedChoice } from "#sample/random.ts";

export interface GenerateOptions {
  /** Data lines to produce, returns included; the header is not counted. */
  readonly rows: number;
  readonly seed: number;
  /** First month of the data, "YYYY-MM". */
  readonly start: string;
  readonly months: number;
}

/** Lines are yielded in blocks of about this many characters: one string per block keeps the stream fast. */
const BLOCK_CHARACTERS = 256 * 1024;

/**
 * Yields the sample file as CSV text: the header line first, then blocks of data lines, each line ending
 * in "\n". Exactly `options.rows` data lines, in date order; the lines of one order are adjacent.
 */
export function* generateRows(options: GenerateOptions): Generator<string> {
  const { rows, seed, start, months } = options;
  if (!Number.isSafeInteger(rows) || rows < 0) {
    throw new RangeError(`rows must be a whole number ≥ 0, got ${rows}`);
  }
  if (!Number.isSafeInteger(months) || months < 1) {
    throw new RangeError(`months must be a whole number ≥ 1, got ${months}`);
  }
  const calendar = createCalendar(start, months);
  const random = new Random(seed);
  const products = createProducts(random);
  const customers = createCustomers(random, customerCount(rows), months);
  const market: Market = {
    random,
    products,
    extraLinesPerOrder: CHANNELS.map((channel) => new WeightedChoice(channel.linesPerOrder)),
    dayCount: calendar.reduce((sum, calendarMonth) => sum + calendarMonth.days.length, 0),
  };
  // Every month's volume up front, so that each day knows its share of `rows`.
  const volumes = calendar.map((calendarMonth, monthIndex) =>
    monthVolume(cellDemand(customers, monthIndex), calendarMonth),
  );
  const totalVolume = volumes.reduce((sum, volume) => sum + volume, 0);
  const firstYear = calendar[0]?.year ?? 0;
  const ledger = createLedger();

  yield SAMPLE_HEADER;

  let cumulativeVolume = 0;
  let dayIndex = 0;
  let block = "";
  for (const [monthIndex, calendarMonth] of calendar.entries()) {
    const priceIndex = (1 + PRICE_INCREASE_PER_YEAR) ** (calendarMonth.year - firstYear);
    const demand = monthDemand(monthIndex, calendarMonth, priceIndex, customers, products);
    for (const day of calendarMonth.days) {
      cumulativeVolume += (volumes[monthIndex] ?? 0) * day.volumeShare;
      // Rows are shared out by cumulative volume, so rounding never drifts and the last day lands on `rows`.
      const targetLines =
        dayIndex === market.dayCount - 1 ? rows : Math.round((rows * cumulativeVolume) / totalVolume);
      while (ledger.committedLines < targetLines) {
        const customer = pickCustomer(demand, random);
        const maxLines = targetLines - ledger.committedLines;
        for (const line of orderLines(ledger, market, demand, customer, day.date, dayIndex, maxLines)) {
          block += csvLine(line);
        }
        if (block.length >= BLOCK_CHARACTERS) {
          yield block;
          block = "";
        }
      }
      // The day's returns follow its orders, so the file stays in date order.
      for (const line of dueReturnLines(ledger, day.date, dayIndex)) block += csvLine(line);
      dayIndex++;
    }
  }
  if (block.length > 0) yield block;
}
