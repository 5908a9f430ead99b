/**
 * A synthetic ERP batch: invoice lines of a B2B distributor of industrial supplies, with the structure
 * segment scoring exists to find (Pareto customers, channels with very different cost-to-serve, volume
 * discounts, returns, segments that grow and shrink). Deterministic per seed, so a test can regenerate
 * the exact bytes a CLI run wrote; streamed, so memory is bounded by the customer table (at most
 * 100,000 customers), never by the number of rows.
 */

import { createCalendar } from "#sample/calendar.ts";
import { type Customer, createCustomers, customerCount } from "#sample/customers.ts";
import { cellDemand, type MonthDemand, monthDemand, monthVolume } from "#sample/demand.ts";
import {
  CHANNELS,
  COST_OF_CAPITAL,
  MAX_DISCOUNT,
  PRICE_INCREASE_PER_YEAR,
  PROMOTION_CHANCE,
  PROMOTION_DISCOUNT,
  RETURN_DELAY_DAYS,
} from "#sample/market.ts";
import { createProducts, type Product } from "#sample/products.ts";
import { Random, WeightedChoice } from "#sample/random.ts";

export interface GenerateOptions {
  /** Data lines to produce, returns included; the header is not counted. */
  readonly rows: number;
  readonly seed: number;
  /** First month of the data, "YYYY-MM". */
  readonly start: string;
  readonly months: number;
}

/** The header of a sample file: canonical column names, so the file needs no column mapping. */
export const SAMPLE_COLUMNS = [
  "transaction_id",
  "date",
  "customer_id",
  "order_id",
  "revenue",
  "quantity",
  "cogs",
  "discount_rate",
  "cost_freight",
  "cost_handling",
  "cost_order_processing",
  "cost_returns",
  "cost_payment_terms",
  "channel",
  "region",
  "category",
  "product",
  "customer_type",
] as const;

/** Lines are yielded in blocks of about this many characters: one string per block keeps the stream fast. */
const BLOCK_CHARACTERS = 256 * 1024;

// ---------------------------------------------------------------------------------------------------
// The lines.

/** A return waiting for its day: everything but the ids and the date, which are given when it is written. */
interface PendingReturn {
  readonly customerId: string;
  readonly fieldsAfterOrderId: string;
}

/** What outlives a single order: the running numbers and the returns not yet due. */
interface Ledger {
  transactionNumber: number;
  orderNumber: number;
  /** Lines decided so far: those written plus the returns waiting for their day. */
  committedLines: number;
  /**
   * Returns by due day, in a ring longer than the longest delay: a bucket is always emptied before it
   * is reused, so memory stays bounded by a month of returns whatever the file size.
   */
  readonly returnsDue: PendingReturn[][];
}

/** What every order of a file draws on. */
interface Market {
  readonly random: Random;
  readonly products: readonly Product[];
  /** Per channel: the number of lines of an order, less one. */
  readonly extraLinesPerOrder: readonly WeightedChoice[];
  readonly dayCount: number;
}

function transactionId(number: number): string {
  return `T${String(number).padStart(8, "0")}`;
}

function orderId(number: number): string {
  return `O${String(number).padStart(7, "0")}`;
}

function money(amount: number): string {
  return amount.toFixed(2);
}

function pickCustomer(demand: MonthDemand, random: Random): Customer {
  const cell = demand.cellChoice.pick(random);
  const members = demand.cellCustomers[cell];
  const customer = members?.customers[members.choice.pick(random)];
  if (customer === undefined) throw new Error(`no active customer in cell ${cell}`);
  return customer;
}

/**
 * One order of `customer` on day `dayIndex`, at most `maxLines` lines, as CSV text. Return-prone lines
 * may schedule a return, which counts against `maxLines` too.
 */
function orderText(
  ledger: Ledger,
  market: Market,
  demand: MonthDemand,
  customer: Customer,
  date: string,
  dayIndex: number,
  maxLines: number,
): string {
  const { random, products } = market;
  const channel = customer.channel;
  const productChoice = demand.productChoices[customer.channelIndex];
  const extraLines = market.extraLinesPerOrder[customer.channelIndex];
  if (productChoice === undefined || extraLines === undefined) {
    throw new Error(`no products or order sizes for channel ${channel.name}`);
  }
  const lineCount = Math.min(maxLines, 1 + extraLines.pick(random));
  const lastCommittedLine = ledger.committedLines + maxLines;
  ledger.orderNumber++;
  const lineStart = `${date},${customer.id},${orderId(ledger.orderNumber)},`;
  // Per-order costs are shared equally by the order's lines.
  const freightPerLine = (channel.freightPerOrder * random.logNormal(1, 0.25)) / lineCount;
  const processingPerLine = (channel.orderProcessingPerOrder * random.logNormal(1, 0.25)) / lineCount;

  let text = "";
  for (let line = 0; line < lineCount; line++) {
    const productIndex = productChoice.pick(random);
    const product = products[productIndex];
    if (product === undefined) throw new Error(`no product ${productIndex}`);
    const listPrice = demand.listPrices[productIndex] ?? product.listPrice;
    const unitCost = demand.unitCosts[productIndex] ?? product.unitCost;

    const wantedValue = channel.lineValue * customer.lineScale * random.logNormal(1, 0.6);
    const quantity = Math.max(1, Math.round(wantedValue / listPrice));
    const promotion = random.chance(PROMOTION_CHANCE) ? PROMOTION_DISCOUNT : 0;
    const discountRate = Math.min(MAX_DISCOUNT, customer.discountRate + promotion);
    const listValue = quantity * listPrice;
    const unitNetPrice = listPrice * (1 - discountRate);
    const revenue = quantity * unitNetPrice;
    const freight = freightPerLine + channel.freightRate * listValue;
    const handling = channel.handlingPerLine + channel.handlingRate * listValue;
    const returnsCost = product.returnProne ? channel.returnProvision * revenue : 0;
    const paymentTerms = (revenue * channel.paymentDays * COST_OF_CAPITAL) / 365;

    ledger.transactionNumber++;
    ledger.committedLines++;
    text +=
      `${transactionId(ledger.transactionNumber)},${lineStart}${money(revenue)},${quantity},` +
      `${money(quantity * unitCost)},${discountRate.toFixed(4)},${money(freight)},${money(handling)},` +
      `${money(processingPerLine)},${money(returnsCost)},${money(paymentTerms)},${customer.csvFields},` +
      `${product.csvFields},${customer.customerType}\n`;

    // A return comes back as a negative line of its own; one due after the last day is not in the file.
    const returnChance = product.returnProne ? channel.returnRate : channel.returnRate * 0.05;
    if (ledger.committedLines < lastCommittedLine && random.chance(returnChance)) {
      const dueDay = dayIndex + random.integer(RETURN_DELAY_DAYS.min, RETURN_DELAY_DAYS.max);
      if (dueDay < market.dayCount) {
        const returned = random.integer(1, quantity);
        ledger.returnsDue[dueDay % ledger.returnsDue.length]?.push({
          customerId: customer.id,
          fieldsAfterOrderId:
            `${money(-returned * unitNetPrice)},${-returned},${money(-returned * unitCost)},` +
            `${discountRate.toFixed(4)},0.00,0.00,0.00,0.00,0.00,${customer.csvFields},` +
            `${product.csvFields},${customer.customerType}\n`,
        });
        ledger.committedLines++;
      }
    }
  }
  return text;
}

/** The returns due on day `dayIndex` as CSV text, each on a credit note (order id) of its own. */
function returnsText(ledger: Ledger, date: string, dayIndex: number): string {
  const due = ledger.returnsDue[dayIndex % ledger.returnsDue.length] ?? [];
  let text = "";
  for (const pending of due) {
    ledger.transactionNumber++;
    ledger.orderNumber++;
    text +=
      `${transactionId(ledger.transactionNumber)},${date},${pending.customerId},` +
      `${orderId(ledger.orderNumber)},${pending.fieldsAfterOrderId}`;
  }
  due.length = 0;
  return text;
}

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
  const ledger: Ledger = {
    transactionNumber: 0,
    orderNumber: 0,
    committedLines: 0,
    returnsDue: Array.from({ length: RETURN_DELAY_DAYS.max + 1 }, () => []),
  };

  yield `${SAMPLE_COLUMNS.join(",")}\n`;

  let cumulativeVolume = 0;
  let dayIndex = 0;
  let block = "";
  for (const [monthIndex, calendarMonth] of calendar.entries()) {
    const priceIndex = (1 + PRICE_INCREASE_PER_YEAR) ** (calendarMonth.year - firstYear);
    const demand = monthDemand(monthIndex, priceIndex, customers, products);
    for (const day of calendarMonth.days) {
      cumulativeVolume += (volumes[monthIndex] ?? 0) * day.volumeShare;
      // Rows are shared out by cumulative volume, so rounding never drifts and the last day lands on `rows`.
      const targetLines =
        dayIndex === market.dayCount - 1 ? rows : Math.round((rows * cumulativeVolume) / totalVolume);
      while (ledger.committedLines < targetLines) {
        const customer = pickCustomer(demand, random);
        block += orderText(
          ledger,
          market,
          demand,
          customer,
          day.date,
          dayIndex,
          targetLines - ledger.committedLines,
        );
        if (block.length >= BLOCK_CHARACTERS) {
          yield block;
          block = "";
        }
      }
      // The day's returns follow its orders, so the file stays in date order.
      block += returnsText(ledger, day.date, dayIndex);
      dayIndex++;
    }
  }
  if (block.length > 0) yield block;
}
