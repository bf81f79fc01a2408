/**
 * The period statistics cover: `[from, to)`, read from query parameters as
 * ISO dates (midnight China time, +08:00) or date-times with a zone, or as a
 * month `YYYY-MM` (China time). Default: the current month in China.
 */
import { validationError, type FieldError } from '../errors/index.js';

/** China's offset from UTC (ms): statistics count days and months as China does. */
const CHINA_OFFSET_MS = 8 * 3600_000;
/** The longest period one request may cover (ms): a leap year. */
export const MAX_PERIOD_MS = 366 * 86_400_000;

export interface Period {
  /** Start, inclusive (Unix ms). */
  readonly from: number;
  /** End, exclusive (Unix ms). */
  readonly to: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `YYYY-MM-DD` as midnight in China, or undefined when it is no calendar date. */
function chinaMidnight(year: number, month: number, day: number): number | undefined {
  const utc = Date.UTC(year, month - 1, day);
  const date = new Date(utc);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return utc - CHINA_OFFSET_MS;
}

/** An instant from a query parameter; pushes an error naming `/name` when it is not one. */
function readInstant(value: unknown, name: string, errors: FieldError[]): number | undefined {
  if (typeof value !== 'string') {
    errors.push({ pointer: `/${name}`, message: 'must be one ISO 8601 date (YYYY-MM-DD, China time) or date-time with a zone' });
    return undefined;
  }
  const date = DATE.exec(value);
  const instant = date ? chinaMidnight(Number(date[1]), Number(date[2]), Number(date[3]))
    : DATE_TIME.test(value) ? Date.parse(value) : undefined;
  if (instant === undefined || Number.isNaN(instant)) {
    errors.push({ pointer: `/${name}`, message: `must be an ISO 8601 date (YYYY-MM-DD, China time) or date-time with a zone (Z or ±hh:mm), got "${value.slice(0, 40)}"` });
    return undefined;
  }
  return instant;
}

/** The China-time month holding `now`: `[first day 00:00+08:00, first day of the next month)`. */
export function monthOf(now: number): Period {
  const china = new Date(now + CHINA_OFFSET_MS);
  return monthPeriod(china.getUTCFullYear(), china.getUTCMonth() + 1);
}

function monthPeriod(year: number, month: number): Period {
  return { from: Date.UTC(year, month - 1, 1) - CHINA_OFFSET_MS, to: Date.UTC(year, month, 1) - CHINA_OFFSET_MS };
}

/**
 * Reads `from` and `to` (either may be absent: the current China month's bound).
 * @throws TongbanError VALIDATION_FAILED naming `/from` or `/to`: not a date, `from` not before `to`, longer than 366 days.
 */
export function readPeriod(query: { from?: unknown; to?: unknown }, now: number): Period {
  const errors: FieldError[] = [];
  const month = monthOf(now);
  const from = query.from === undefined ? month.from : readInstant(query.from, 'from', errors);
  const to = query.to === undefined ? month.to : readInstant(query.to, 'to', errors);
  if (errors.length > 0) throw validationError(errors);
  if (from! >= to!) throw validationError([{ pointer: '/to', message: 'must be after from' }]);
  if (to! - from! > MAX_PERIOD_MS) throw validationError([{ pointer: '/to', message: 'the period may cover at most 366 days' }]);
  return { from: from!, to: to! };
}

/**
 * Reads a report month `YYYY-MM` (China time); absent: the current month.
 * @throws TongbanError VALIDATION_FAILED naming `/month`.
 */
export function readMonth(value: unknown, now: number): Period & { readonly month: string } {
  if (value === undefined) {
    const period = monthOf(now);
    return { ...period, month: chinaIso(period.from).slice(0, 7) };
  }
  const match = typeof value === 'string' ? MONTH.exec(value) : null;
  if (!match) throw validationError([{ pointer: '/month', message: 'must be a month YYYY-MM (China time)' }]);
  return { ...monthPeriod(Number(match[1]), Number(match[2])), month: value as string };
}

/** An instant as ISO 8601 in China time (`2026-12-01T00:00:00+08:00`). */
export function chinaIso(ms: number): string {
  return `${new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}
