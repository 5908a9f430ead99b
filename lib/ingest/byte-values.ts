import { AMOUNT_SCALE, toAmountUnits } from "#domain/amount.ts";
import { FIRST_YEAR, LAST_YEAR, monthIndex } from "#domain/month.ts";
import { LOWER_E, MINUS, NINE, PLUS, SPACE, TAB, UPPER_E, ZERO } from "#ingest/bytes.ts";
import type { DateFormat } from "#ingest/mapping.ts";

/**
 * Field values straight from bytes: numbers to amount units and dates to month indexes without
 * building a string per field. Failures come back as sentinel values so the hot loop allocates
 * nothing; the caller turns them into a Reject with the reason below.
 */

/** Amounts beyond this size (in currency units) are refused: sums must stay exact below 2^53 units. */
export const MAX_ABS_AMOUNT = 1e11;

/** Why a number was refused. */
export const NumberProblem = { none: 0, empty: 1, notANumber: 2, notFinite: 3, outOfRange: 4 } as const;
export type NumberProblem = (typeof NumberProblem)[keyof typeof NumberProblem];

export function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i] as number;
    if (b !== SPACE && b !== TAB) return false;
  }
  return true;
}

export function trimStart(bytes: Uint8Array, start: number, end: number): number {
  while (start < end && (bytes[start] === SPACE || bytes[start] === TAB)) start++;
  return start;
}

export function trimEnd(bytes: Uint8Array, start: number, end: number): number {
  while (end > start && (bytes[end - 1] === SPACE || bytes[end - 1] === TAB)) end--;
  return end;
}

/**
 * Reads decimal numbers into amount units (1/10,000), rounding half away from zero. `decimal` is the
 * decimal separator's byte; `group` the thousands separator's, accepted only between groups of
 * exactly three digits so that `1,5` is never read as 15. A refused number comes back as NaN, with
 * the reason in `problem`, so the hot loop allocates nothing.
 */
export class AmountReader {
  problem: NumberProblem = NumberProblem.none;

  constructor(
    private readonly decimal: number,
    private readonly group: number,
  ) {}

  read(bytes: Uint8Array, start: number, end: number): number {
    const decimal = this.decimal;
    const group = this.group;
    this.problem = NumberProblem.none;
    let i = trimStart(bytes, start, end);
    end = trimEnd(bytes, i, end);
    if (i === end) return this.fail(NumberProblem.empty);
    let negative = false;
    if (bytes[i] === MINUS || bytes[i] === PLUS) {
      negative = bytes[i] === MINUS;
      i++;
    }
    let whole = 0;
    let digits = 0;
    let groupDigits = -1; // digits since the last group separator, or −1 before any
    for (; i < end; i++) {
      const b = bytes[i] as number;
      if (b >= ZERO && b <= NINE) {
        whole = whole * 10 + (b - ZERO);
        digits++;
        if (groupDigits >= 0) groupDigits++;
      } else if (b === group && digits > 0 && (groupDigits === -1 ? digits <= 3 : groupDigits === 3)) {
        groupDigits = 0;
      } else break;
    }
    if (groupDigits >= 0 && groupDigits !== 3) return this.fail(NumberProblem.notANumber);
    let fraction = 0;
    if (i < end && bytes[i] === decimal) {
      i++;
      let scale = AMOUNT_SCALE / 10;
      let fractionDigits = 0;
      let roundUp = false;
      for (; i < end; i++) {
        const b = bytes[i] as number;
        if (b < ZERO || b > NINE) break;
        if (scale >= 1) fraction += (b - ZERO) * scale;
        else if (fractionDigits === 4) roundUp = b >= ZERO + 5;
        scale /= 10;
        fractionDigits++;
      }
      if (fractionDigits === 0 && digits === 0) return this.fail(NumberProblem.notANumber);
      if (roundUp) fraction += 1;
    } else if (digits === 0) {
      return this.readUnusual(bytes, start, end);
    }
    if (i < end) {
      if (bytes[i] === LOWER_E || bytes[i] === UPPER_E) return this.readUnusual(bytes, start, end);
      return this.fail(NumberProblem.notANumber);
    }
    if (whole >= MAX_ABS_AMOUNT) return this.fail(NumberProblem.outOfRange);
    const units = whole * AMOUNT_SCALE + fraction;
    return negative ? -units : units;
  }

  /** The slow path: exponents and words such as NaN or Infinity, which are rare in ERP exports. */
  private readUnusual(bytes: Uint8Array, start: number, end: number): number {
    const decimal = this.decimal;
    let text = new TextDecoder().decode(bytes.subarray(start, end)).trim();
    if (/^[+-]?(inf|infinity|nan)$/i.test(text)) return this.fail(NumberProblem.notFinite);
    if (decimal !== 0x2e) text = text.replace(String.fromCharCode(decimal), ".");
    if (!/^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/.test(text)) return this.fail(NumberProblem.notANumber);
    const value = Number(text);
    if (!Number.isFinite(value)) return this.fail(NumberProblem.notFinite);
    if (Math.abs(value) >= MAX_ABS_AMOUNT) return this.fail(NumberProblem.outOfRange);
    return toAmountUnits(value);
  }

  private fail(problem: NumberProblem): number {
    this.problem = problem;
    return Number.NaN;
  }
}

export function describeNumberProblem(problem: NumberProblem, decimal: string): string {
  switch (problem) {
    case NumberProblem.empty:
      return "a number is required here";
    case NumberProblem.notFinite:
      return "expected a finite number";
    case NumberProblem.outOfRange:
      return `expected a number smaller than ${MAX_ABS_AMOUNT.toExponential()} in size`;
    default:
      return `expected a number with "${decimal}" as the decimal separator`;
  }
}

export const DATE_UNPARSEABLE = -1;
export const DATE_NOT_IN_CALENDAR = -2;
/** A real day in a year a month index cannot hold (before 1900 or after 2199): implausible, not impossible. */
export const DATE_OUT_OF_RANGE = -3;

/**
 * Parses a date in the given format to a month index, or DATE_UNPARSEABLE / DATE_NOT_IN_CALENDAR /
 * DATE_OUT_OF_RANGE.
 */
export function parseDateMonth(bytes: Uint8Array, start: number, end: number, format: DateFormat): number {
  start = trimStart(bytes, start, end);
  end = trimEnd(bytes, start, end);
  switch (format) {
    case "ISO":
    case "YYYY-MM-DD": {
      // YYYY-MM-DD, and with ISO a time part after "T" or a space, which does not move the month.
      if (end - start < 10 || bytes[start + 4] !== MINUS || bytes[start + 7] !== MINUS)
        return DATE_UNPARSEABLE;
      if (end - start > 10 && (format !== "ISO" || !isTimeSuffix(bytes, start + 10, end)))
        return DATE_UNPARSEABLE;
      return calendarMonth(
        digitsAt(bytes, start, 4),
        digitsAt(bytes, start + 5, 2),
        digitsAt(bytes, start + 8, 2),
      );
    }
    case "YYYYMMDD":
      if (end - start !== 8) return DATE_UNPARSEABLE;
      return calendarMonth(
        digitsAt(bytes, start, 4),
        digitsAt(bytes, start + 4, 2),
        digitsAt(bytes, start + 6, 2),
      );
    case "MM/DD/YYYY":
    case "DD/MM/YYYY": {
      // One- or two-digit day and month, separated by "/", "." or "-".
      const first = smallNumber(bytes, start, end);
      if (first < 0) return DATE_UNPARSEABLE;
      const afterFirst = start + (first >= 10 || bytes[start] === ZERO ? 2 : 1);
      const separator = bytes[afterFirst];
      if (separator !== 0x2f && separator !== 0x2e && separator !== MINUS) return DATE_UNPARSEABLE;
      const second = smallNumber(bytes, afterFirst + 1, end);
      if (second < 0) return DATE_UNPARSEABLE;
      const afterSecond = afterFirst + 1 + (second >= 10 || bytes[afterFirst + 1] === ZERO ? 2 : 1);
      if (bytes[afterSecond] !== separator || end - (afterSecond + 1) !== 4) return DATE_UNPARSEABLE;
      const year = digitsAt(bytes, afterSecond + 1, 4);
      return format === "MM/DD/YYYY"
        ? calendarMonth(year, first, second)
        : calendarMonth(year, second, first);
    }
  }
}

function isTimeSuffix(bytes: Uint8Array, start: number, end: number): boolean {
  const separator = bytes[start];
  if (separator !== 0x54 && separator !== SPACE) return false;
  // HH:MM, then anything time-like: seconds, fractions, Z or an offset.
  if (end - start < 6 || bytes[start + 3] !== 0x3a) return false;
  if (digitsAt(bytes, start + 1, 2) > 23 || digitsAt(bytes, start + 4, 2) > 59) return false;
  for (let i = start + 6; i < end; i++) {
    const b = bytes[i] as number;
    if (!((b >= ZERO && b <= NINE) || b === 0x3a || b === 0x2e || b === PLUS || b === MINUS || b === 0x5a))
      return false;
  }
  return true;
}

/** The value of `count` ASCII digits at `at`, or −1 if any is not a digit. */
function digitsAt(bytes: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const b = bytes[i];
    if (b === undefined || b < ZERO || b > NINE) return -1;
    value = value * 10 + (b - ZERO);
  }
  return value;
}

/** A one- or two-digit number at `at`, or −1. */
function smallNumber(bytes: Uint8Array, at: number, end: number): number {
  const one = at < end ? digitsAt(bytes, at, 1) : -1;
  if (one < 0) return -1;
  const two = at + 1 < end ? digitsAt(bytes, at + 1, 1) : -1;
  return two < 0 ? one : one * 10 + two;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function calendarMonth(year: number, month: number, day: number): number {
  if (year < 0 || month < 0 || day < 0) return DATE_UNPARSEABLE;
  if (month < 1 || month > 12 || day < 1) return DATE_NOT_IN_CALENDAR;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  if (day > days) return DATE_NOT_IN_CALENDAR;
  if (year < FIRST_YEAR || year > LAST_YEAR) return DATE_OUT_OF_RANGE;
  return monthIndex(year, month);
}

/** FNV-1a over bytes: a fast 32-bit hash for order ids and dictionary lookups. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
  return hash >>> 0;
}

/** A second, independent 32-bit hash (multiply-rotate); together with hashBytes a 64-bit fingerprint. */
export function hashBytesAlt(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x9747b28c ^ (end - start);
  for (let i = start; i < end; i++) {
    hash = Math.imul(hash ^ (bytes[i] as number), 0x5bd1e995);
    hash = (hash << 13) | (hash >>> 19);
  }
  hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d);
  return (hash ^ (hash >>> 12)) >>> 0;
}
