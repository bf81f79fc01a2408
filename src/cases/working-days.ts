/**
 * Working days (工作日) for statutory time limits: weekends and statutory
 * holidays are not working days; make-up working days (调休) are. The
 * calendar (npm chinese-days) only knows the years the State Council has
 * published; a deadline that reaches a year it does not cover is flagged,
 * never computed as if every weekday were a working day.
 */
import { createRequire } from 'node:module';
import chineseDays from 'chinese-days';

interface CalendarData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const data = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as CalendarData;
const publishedYears = new Set(Object.keys(data.holidays).map((date) => Number(date.slice(0, 4))));

/** Years the holiday calendar covers. */
export const COVERED_YEARS: ReadonlySet<number> = publishedYears;

export type DueDate =
  | { readonly status: 'computed'; readonly dueDate: string }
  /** The count ran into a year without a published holiday calendar. */
  | { readonly status: 'uncovered'; readonly uncoveredYear: number; readonly countedWorkingDays: number; readonly lastCountedDate: string | null };

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Whether `YYYY-MM-DD` is a working day. @throws RangeError for a year the calendar does not cover. */
export function isWorkingDay(day: string): boolean {
  const year = Number(day.slice(0, 4));
  if (!publishedYears.has(year)) throw new RangeError(`the working-day calendar does not cover ${year}`);
  return chineseDays.isWorkday(day);
}

/**
 * The date `workingDays` working days after `start` (the start day itself is
 * not counted: a period begins the day after acceptance).
 * @param start `YYYY-MM-DD` (the acceptance date, China time).
 */
export function addWorkingDays(start: string, workingDays: number): DueDate {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start)) throw new RangeError(`start must be YYYY-MM-DD, got "${start}"`);
  if (!Number.isInteger(workingDays) || workingDays < 1) throw new RangeError(`workingDays must be a positive integer, got ${workingDays}`);
  const cursor = new Date(`${start}T00:00:00Z`);
  let counted = 0;
  let lastCounted: string | null = null;
  while (counted < workingDays) {
    cursor.setUTCDate(cursor.getUTCDate() + 1);
    const day = isoDay(cursor);
    const year = cursor.getUTCFullYear();
    if (!publishedYears.has(year)) return { status: 'uncovered', uncoveredYear: year, countedWorkingDays: counted, lastCountedDate: lastCounted };
    if (chineseDays.isWorkday(day)) {
      counted += 1;
      lastCounted = day;
    }
  }
  return { status: 'computed', dueDate: lastCounted! };
}

/** Today's date in China (UTC+8), `YYYY-MM-DD`. */
export function chinaDate(instant: Date = new Date()): string {
  return isoDay(new Date(instant.getTime() + 8 * 3600_000));
}

/**
 * How many working days lie after `from` up to and including `to` (both
 * `YYYY-MM-DD`): 0 when `to` is not after `from`. A 补正 pause from a Friday
 * to the next Monday took 1 working day.
 * @returns undefined when the range reaches a year the calendar does not cover.
 */
export function workingDaysBetween(from: string, to: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) throw new RangeError(`dates must be YYYY-MM-DD, got "${from}", "${to}"`);
  const cursor = new Date(`${from}T00:00:00Z`);
  let counted = 0;
  while (isoDay(cursor) < to) {
    cursor.setUTCDate(cursor.getUTCDate() + 1);
    if (!publishedYears.has(cursor.getUTCFullYear())) return undefined;
    if (chineseDays.isWorkday(isoDay(cursor))) counted += 1;
  }
  return counted;
}
