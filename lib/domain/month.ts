/**
 * Months are small integers: (year − 1900) × 12 + (month − 1). They sort, subtract and index arrays
 * without any date arithmetic in the hot loop.
 */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2199;

export function monthIndex(year: number, month: number): number {
  return (year - FIRST_YEAR) * 12 + (month - 1);
}

/** `2024-03` for the month index of March 2024. */
export function monthLabel(index: number): string {
  const year = FIRST_YEAR + Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${year}-${month < 10 ? "0" : ""}${month}`;
}

/** Parses `YYYY-MM` into a month index, or returns undefined. */
export function parseMonthLabel(label: string): number | undefined {
  const match = /^(\d{4})-(\d{2})$/.exec(label);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  if (month < 1 || month > 12 || year < FIRST_YEAR || year > LAST_YEAR) return undefined;
  return monthIndex(year, month);
}

export function monthOfDate(date: Date): number {
  return monthIndex(date.getUTCFullYear(), date.getUTCMonth() + 1);
}
