/**
 * Orders and their returns as invoice lines: an order's lines share its customer, date and order id;
 * a return comes back days later as a negative line on a credit note of its own.
 */
import type { Customer } from "#sample/customers.ts";
import type { MonthDemand } from "#sample/demand.ts";
import {
  COST_OF_CAPITAL,
  MAX_DISCOUNT,
  PROMOTION_CHANCE,
  PROMOTION_DISCOUNT,
  RETURN_DELAY_DAYS,
} from "#sample/market.ts";
import type { Product } from "#sample/products.ts";
import type { Random, WeightedChoice } from "#sample/random.ts";

/** A return waiting for its day: everything but the ids and the date, which are given when it is written. */
interface PendingReturn {
  readonly customerId: string;
  readonly fieldsAfterOrderId: string;
}

/** What outlives a single order: the running numbers and the returns not yet due. */
export interface Ledger {
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

export function createLedger(): Ledger {
  return {
    transactionNumber: 0,
    orderNumber: 0,
    committedLines: 0,
    returnsDue: Array.from({ length: RETURN_DELAY_DAYS.max + 1 }, () => []),
  };
}

/** What every order of a file draws on. */
export interface Market {
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

export function pickCustomer(demand: MonthDemand, random: Random): Customer {
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
export function orderText(
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
export function returnsText(ledger: Ledger, date: string, dayIndex: number): string {
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
