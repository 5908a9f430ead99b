import { AMOUNT_SCALE } from "#domain/amount.ts";
import type { Cube, LineFacts } from "#domain/cube.ts";
import { discountFromAmount, discountFromRate, RATE_UNITS_PER_ONE } from "#domain/list-discount.ts";
import { monthLabel } from "#domain/month.ts";
import { ByteDictionary } from "#ingest/byte-dictionary.ts";
import {
  AmountReader,
  DATE_NOT_IN_CALENDAR,
  DATE_OUT_OF_RANGE,
  DATE_UNPARSEABLE,
  describeNumberProblem,
  hashBytes,
  hashBytesAlt,
  MAX_ABS_AMOUNT,
  NumberProblem,
  parseDateMonth,
  trimEnd,
  trimStart,
} from "#ingest/byte-values.ts";
import type { FieldRecord } from "#ingest/csv-records.ts";
import type { ColumnLayout, DateFormat } from "#ingest/mapping.ts";
import { MAX_REJECT_VALUE_LENGTH, type Reject } from "#ingest/reject.ts";
import { TransactionIdSet } from "#ingest/transaction-id-set.ts";

export interface InvoiceLineReaderOptions {
  readonly file: string;
  readonly layout: ColumnLayout;
  readonly dateFormat: DateFormat;
  readonly decimal: "." | ",";
  /** Dates outside [earliestMonth, latestMonth] are implausible and rejected. */
  readonly earliestMonth: number;
  readonly latestMonth: number;
}

const decoder = new TextDecoder("utf-8");
/** Amounts are refused from 10^11 in size; so is the discount a rate implies off the list price. */
const MAX_LIST_DISCOUNT_UNITS = MAX_ABS_AMOUNT * AMOUNT_SCALE;

/**
 * Turns one record into the canonical facts of an invoice line, or into a Reject naming the line,
 * the column, the value and what was expected. The cube's dimension dictionaries are filled on the
 * way; nothing is added to the cube here (the caller decides, after the duplicate check).
 */
export class InvoiceLineReader {
  readonly facts: LineFacts;
  private readonly amounts: AmountReader;
  private readonly transactionIds = new TransactionIdSet();
  private readonly customers: ByteDictionary;
  private readonly dimensionColumns: Int32Array;
  private readonly dimensionIndexes: Int32Array;
  private readonly dimensionDictionaries: ByteDictionary[];
  private readonly costColumns: Int32Array;
  private readonly costIndexes: Int32Array;
  private readonly columnCount: number;
  private record!: FieldRecord;
  private reject: Reject | null = null;
  private idStart = 0;
  private idEnd = 0;

  constructor(
    cube: Cube,
    private readonly options: InvoiceLineReaderOptions,
  ) {
    const { layout } = options;
    this.amounts = new AmountReader(options.decimal.charCodeAt(0), options.decimal === "," ? 0x2e : 0x2c);
    this.customers = new ByteDictionary(cube.dictionary(0));
    this.dimensionColumns = Int32Array.from(layout.dimensions, (d) => d.column);
    this.dimensionIndexes = Int32Array.from(layout.dimensions, (d) => cube.dimension(d.name));
    this.dimensionDictionaries = layout.dimensions.map(
      (d) => new ByteDictionary(cube.dictionary(cube.dimension(d.name))),
    );
    this.costColumns = Int32Array.from(layout.costs, (c) => c.column);
    this.costIndexes = Int32Array.from(layout.costs, (c) => cube.costComponent(c.component));
    this.columnCount = layout.headers.length;
    this.facts = cube.newLineFacts();
  }

  /** The reason the last `read` returned false. */
  get lastReject(): Reject {
    if (!this.reject) throw new Error("the last line was not rejected");
    return this.reject;
  }

  /** Fills `facts` from the record; false (with `lastReject`) when the row cannot be used. */
  read(record: FieldRecord): boolean {
    this.record = record;
    this.reject = null;
    const { layout } = this.options;
    if (record.count !== this.columnCount) {
      const column = record.count < this.columnCount ? (layout.headers[record.count] ?? null) : null;
      return this.refuse(
        column,
        -1,
        `expected ${this.columnCount} fields as in the header, found ${record.count}`,
      );
    }
    const facts = this.facts;
    const bytes = record.bytes;

    if (!this.requiredId(layout.transactionId, "a transaction id is required")) return false;
    const idStart = this.idStart;
    const idEnd = this.idEnd;

    const month = parseDateMonth(
      bytes,
      record.starts[layout.date] as number,
      record.ends[layout.date] as number,
      this.options.dateFormat,
    );
    if (month === DATE_UNPARSEABLE) {
      return this.refuseField(layout.date, `expected a date as ${this.options.dateFormat}`);
    }
    if (month === DATE_NOT_IN_CALENDAR) return this.refuseField(layout.date, "not a day of the calendar");
    if (
      month === DATE_OUT_OF_RANGE ||
      month < this.options.earliestMonth ||
      month > this.options.latestMonth
    ) {
      return this.refuseField(
        layout.date,
        `implausible date: expected a month from ${monthLabel(this.options.earliestMonth)} to ${monthLabel(this.options.latestMonth)}`,
      );
    }
    facts.month = month;

    if (!this.requiredId(layout.customerId, "a customer id is required")) return false;
    const customerStart = this.idStart;
    const customerEnd = this.idEnd;

    const revenue = this.amount(layout.revenue, true);
    if (Number.isNaN(revenue)) return false;
    const quantity = this.amount(layout.quantity, false);
    if (Number.isNaN(quantity)) return false;
    const cogs = this.amount(layout.cogs, false);
    if (Number.isNaN(cogs)) return false;
    let costToServe = 0;
    for (let k = 0; k < this.costColumns.length; k++) {
      const cost = this.amount(this.costColumns[k] as number, false);
      if (Number.isNaN(cost)) return false;
      facts.costs[this.costIndexes[k] as number] = cost;
      costToServe += cost;
    }
    let profit = revenue - cogs - costToServe;
    if (layout.profit >= 0) {
      profit = this.amount(layout.profit, true);
      if (Number.isNaN(profit)) return false;
    }

    // The discount off list price: net × rate ÷ (1 − rate), or the amount given, held exactly.
    if (layout.discountRate >= 0) {
      const rateUnits = this.amount(layout.discountRate, false);
      if (Number.isNaN(rateUnits)) return false;
      if (rateUnits < 0 || rateUnits > RATE_UNITS_PER_ONE)
        return this.refuseField(layout.discountRate, "expected a discount rate from 0 to 1");
      if (rateUnits === RATE_UNITS_PER_ONE) {
        if (revenue !== 0) {
          return this.refuseField(
            layout.discountRate,
            "a discount rate of 1 leaves no revenue: expected a rate below 1 on a line with revenue",
          );
        }
        discountFromAmount(0, facts);
      } else {
        discountFromRate(revenue, rateUnits, facts);
        if (Math.abs(facts.discount) >= MAX_LIST_DISCOUNT_UNITS) {
          return this.refuseField(
            layout.discountRate,
            `the discount this rate implies off the list price (revenue × rate ÷ (1 − rate)) is not smaller than ${MAX_ABS_AMOUNT.toExponential()} in size`,
          );
        }
      }
    } else if (layout.discountAmount >= 0) {
      const discount = this.amount(layout.discountAmount, false);
      if (Number.isNaN(discount)) return false;
      const gross = revenue + discount;
      const discountRate = gross === 0 ? 0 : discount / gross;
      if (discountRate < 0 || discountRate > 1) {
        return this.refuseField(
          layout.discountAmount,
          "expected a discount between 0 and the line's gross revenue",
        );
      }
      discountFromAmount(discount, facts);
    } else {
      discountFromAmount(0, facts);
    }

    for (let d = 0; d < this.dimensionColumns.length; d++) {
      const column = this.dimensionColumns[d] as number;
      const start = trimStart(bytes, record.starts[column] as number, record.ends[column] as number);
      const end = trimEnd(bytes, start, record.ends[column] as number);
      facts.values[this.dimensionIndexes[d] as number] = (
        this.dimensionDictionaries[d] as ByteDictionary
      ).idOf(bytes, start, end);
    }

    // Only a row that is otherwise valid claims its id: the first usable occurrence is the one kept.
    const firstLine = this.transactionIds.add(
      hashBytes(bytes, idStart, idEnd),
      hashBytesAlt(bytes, idStart, idEnd),
      record.line,
    );
    if (firstLine !== 0) {
      return this.refuseField(
        layout.transactionId,
        `duplicate transaction id: first seen on line ${firstLine}`,
      );
    }

    facts.values[0] = this.customers.idOf(bytes, customerStart, customerEnd);
    facts.revenue = revenue;
    facts.quantity = quantity;
    facts.cogs = cogs;
    facts.profit = profit;
    // Without order ids, each distinct invoice date of a customer counts as one order.
    const orderColumn = layout.orderId >= 0 ? layout.orderId : layout.date;
    facts.orderHash =
      hashBytes(bytes, record.starts[orderColumn] as number, record.ends[orderColumn] as number) || 1;
    return true;
  }

  /**
   * Trims a required id column into idStart/idEnd, or refuses the row when it is blank. The span
   * comes back in fields, not an object, so that the per-row path allocates nothing.
   */
  private requiredId(column: number, reasonWhenBlank: string): boolean {
    const record = this.record;
    const end = record.ends[column] as number;
    this.idStart = trimStart(record.bytes, record.starts[column] as number, end);
    this.idEnd = trimEnd(record.bytes, this.idStart, end);
    if (this.idStart !== this.idEnd) return true;
    return this.refuse(this.options.layout.headers[column] ?? null, -1, reasonWhenBlank);
  }

  /** Reads an amount column; an absent column or a blank optional field counts as zero. */
  private amount(column: number, required: boolean): number {
    if (column < 0) return 0;
    const value = this.amounts.read(
      this.record.bytes,
      this.record.starts[column] as number,
      this.record.ends[column] as number,
    );
    if (!Number.isNaN(value)) return value;
    if (this.amounts.problem === NumberProblem.empty && !required) return 0;
    this.refuseField(column, describeNumberProblem(this.amounts.problem, this.options.decimal));
    return Number.NaN;
  }

  private refuseField(column: number, reason: string): false {
    return this.refuse(this.options.layout.headers[column] ?? null, column, reason);
  }

  private refuse(columnName: string | null, column: number, reason: string): false {
    const value =
      column < 0
        ? ""
        : decoder
            .decode(
              this.record.bytes.subarray(
                this.record.starts[column] as number,
                this.record.ends[column] as number,
              ),
            )
            .slice(0, MAX_REJECT_VALUE_LENGTH);
    this.reject = { line: this.record.line, column: columnName, value, reason };
    return false;
  }
}
