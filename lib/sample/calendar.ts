/**
 * The days a sample file covers, month by month, each with its share of its month's volume: a B2B
 * business mostly works weekdays.
 */
import { WEEKDAY_VOLUME } from "#sample/market.ts";

export interface Month {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly days: readonly Day[];
}

interface Day {
  readonly date: string;
  /** The day's share of its month's volume. */
  readonly volumeShare: number;
}

function parseStartMonth(start: string): { year: number; month: number } {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(start);
  if (match === null) throw new RangeError(`start must be a month as YYYY-MM, got "${start}"`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

/** `months` months from `start` ("YYYY-MM"), every day of each with its share of the month's volume. */
export function createCalendar(start: string, months: number): Month[] {
  const first = parseStartMonth(start);
  const calendar: Month[] = [];
  for (let offset = 0; offset < months; offset++) {
    const year = first.year + Math.floor((first.month - 1 + offset) / 12);
    const month = ((first.month - 1 + offset) % 12) + 1;
    const dayCount = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const volumes: number[] = [];
    for (let day = 1; day <= dayCount; day++) {
      volumes.push(WEEKDAY_VOLUME[new Date(Date.UTC(year, month - 1, day)).getUTCDay()] ?? 1);
    }
    const total = volumes.reduce((sum, volume) => sum + volume, 0);
    const prefix = `${year}-${String(month).padStart(2, "0")}-`;
    const days = volumes.map((volume, day) => ({
      date: `${prefix}${String(day + 1).padStart(2, "0")}`,
      volumeShare: volume / total,
    }));
    calendar.push({ year, month, days });
  }
  return calendar;
}
