/** Department systems write local China time (UTC+8, no daylight saving) with its offset. */

const OFFSET_MS = 8 * 3600_000;

/** `2026-11-24T10:15:00+08:00`. */
export function chinaIso(date: Date): string {
  return `${new Date(date.getTime() + OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** `2026-11-24`, the calendar date in China. */
export function chinaDate(date: Date): string {
  return new Date(date.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}
