/**
 * Orders and their returns as invoice lines: an order's lines share its customer, date and order id;
 * a return comes back days later as a negative line on a credit note of its own.
 */
import type { Customer } from "#sample/customers.ts";
import type { MonthDemand } from "#sample/demand.ts";
import type { InvoiceLine } from "#sample/invoice-line.ts";
import {
  COST_OF_CAPITAL,
  MAX_DISCOUNT,
  PROMOTION_CHANCE,
  PROMOTION_DISCOUNT,
  RETURN_DELAY_DAYS,
} from "#sample/market.ts";
import type { Product } from "#sample/products.ts";
import type { Random, WeightedChoice } from "#sample/random.ts";

/** What a line books, in units and unrounded amounts; a return books negative units, revenue and cogs. */
interface LineFigures {
  readonly quantity: number;
  readonly revenue: number;
  readonly cogs: number;
  readonly discountRate: number;
  readonly freight: number;
  readonly handling: number;
  readonly orderProcessing: number;
  readonly returns: number;
  readonly paymentTerms: number;
}

/**
 * A return waiting for its day: everything but the ids and the date, which are given when it is written.
 * It keeps figures rather than the sale's record: a record held for weeks would outlive V8's young
 * generation with every string it points to, and that copying costs a third more time per file.
 */
interface PendingReturn {
  readonly customer: Customer;
  readonly product: Product;
  readonly figures: LineFigures;
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

/** The record of one line: its ids, the customer's and product's names, its figures rounded as written. */
function invoiceLine(
  transaction: string,
  date: string,
  order: string,
  customer: Customer,
  product: Product,
  figures: LineFigures,
): InvoiceLine {
  return {
    transaction_id: transaction,
    date,
    customer_id: customer.id,
    order_id: order,
    revenue: money(figures.revenue),
    quantity: figures.quantity,
    cogs: money(figures.cogs),
    discount_rate: figures.discountRate.toFixed(4),
    cost_freight: money(figures.freight),
    cost_handling: money(figures.handling),
    cost_order_processing: money(figures.orderProcessing),
    cost_returns: money(figures.returns),
    cost_payment_terms: money(figures.paymentTerms),
    channel: customer.channel.name,
    region: customer.region.name,
    category: product.category.name,
    product: product.code,
    customer_type: customer.customerType,
  };
}

export function pickCustomer(demand: MonthDemand, random: Random): Customer {
  const cell = demand.cellChoice.pick(random);
  const members = demand.cellCustomers[cell];
  const customer = members?.customers[members.choice.pick(random)];
  if (customer === undefined) throw new Error(`no active customer in cell ${cell}`);
  return customer;
}

/**
 * The lines of one order of `customer` on day `dayIndex`, at most `maxLines`. Return-prone lines may
 * schedule a return, which counts against `maxLines` too.
 */
export function orderLines(
  ledger: Ledger,
  market: Market,
  demand: MonthDemand,
  customer: Customer,
  date: string,
  dayIndex: number,
  maxLines: number,
): InvoiceLine[] {
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
  const order = orderId(ledger.orderNumber);
  // Per-order costs are shared equally by the order's lines.
  const service = customer.serviceIntensity;
  const freightPerLine = (channel.freightPerOrder * service * random.logNormal(1, 0.25)) / lineCount;
  const processingPerLine =
    (channel.orderProcessingPerOrder * service * random.logNormal(1, 0.25)) / lineCount;
  const handlingPerLine = channel.handlingPerLine * service;

  const lines: InvoiceLine[] = [];
  for (let lineNumber = 0; lineNumber < lineCount; lineNumber++) {
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
    const handling = handlingPerLine + channel.handlingRate * listValue;
    const returnsCost = product.returnProne ? channel.returnProvision * revenue : 0;
    const paymentTerms = (revenue * customer.paymentDays * COST_OF_CAPITAL) / 365;

    ledger.transactionNumber++;
    ledger.committedLines++;
    lines.push(
      invoiceLine(transactionId(ledger.transactionNumber), date, order, customer, product, {
        quantity,
        revenue,
        cogs: quantity * unitCost,
        discountRate,
        freight,
        handling,
        orderProcessing: processingPerLine,
        returns: returnsCost,
        paymentTerms,
      }),
    );

    // A return comes back as a negative line of its own; one due after the last day is not in the file.
    const returnChance = product.returnProne ? channel.returnRate : channel.returnRate * 0.05;
    if (ledger.committedLines < lastCommittedLine && random.chance(returnChance)) {
      const dueDay = dayIndex + random.integer(RETURN_DELAY_DAYS.min, RETURN_DELAY_DAYS.max);
      if (dueDay < market.dayCount) {
        const returned = random.integer(1, quantity);
        // The credit note reverses the units' revenue and cost of goods; the costs to serve stay on the sale.
        const figures: LineFigures = {
          quantity: -returned,
          revenue: -returned * unitNetPrice,
          cogs: -returned * unitCost,
          discountRate,
          freight: 0,
          handling: 0,
          orderProcessing: 0,
          returns: 0,
          paymentTerms: 0,
        };
        ledger.returnsDue[dueDay % ledger.returnsDue.length]?.push({ customer, product, figures });
        ledger.committedLines++;
      }
    }
  }
  return lines;
}

/** The returns due on day `dayIndex`, each on a credit note (order id) of its own. */
export function dueReturnLines(ledger: Ledger, date: string, dayIndex: number): InvoiceLine[] {
  const due = ledger.returnsDue[dayIndex % ledger.returnsDue.length] ?? [];
  const lines = due.map(({ customer, product, figures }) => {
    ledger.transactionNumber++;
    ledger.orderNumber++;
    const transaction = transactionId(ledger.transactionNumber);
    return invoiceLine(transaction, date, orderId(ledger.orderNumber), customer, product, figures);
  });
  due.length = 0;
  return lines;
}
