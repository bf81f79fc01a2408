/**
 * Calendar-date arithmetic on `YYYY-MM-DD` strings (UTC, no time zone
 * surprises): the population never depends on the wall clock.
 */

const DAY_MS = 86_400_000;

function toUtc(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

function fromUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromUtc(toUtc(date) + days * DAY_MS);
}

/** Same month and day `years` later; 29 February becomes 28 February in common years. */
export function addYears(date: string, years: number): string {
  const year = Number(date.slice(0, 4)) + years;
  const monthDay = date.slice(5);
  const candidate = `${String(year).padStart(4, '0')}-${monthDay}`;
  return monthDay === '02-29' && fromUtc(toUtc(candidate)) !== candidate ? `${year}-02-28` : candidate;
}

export function daysBetween(from: string, to: string): number {
  return Math.round((toUtc(to) - toUtc(from)) / DAY_MS);
}

/** Whole years from `birthDate` to `on`. */
export function ageOn(birthDate: string, on: string): number {
  let age = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  if (on.slice(5) < birthDate.slice(5)) age -= 1;
  return age;
}

/** A date uniformly between `from` and `to` inclusive. */
export function dateBetween(random: () => number, from: string, to: string): string {
  const span = Math.max(0, daysBetween(from, to));
  return addDays(from, Math.floor(random() * (span + 1)));
}

/** `YYYYMMDD`. */
export function compact(date: string): string {
  return date.replaceAll('-', '');
}

export function minDate(...dates: string[]): string {
  return dates.reduce((a, b) => (a < b ? a : b));
}

export function maxDate(...dates: string[]): string {
  return dates.reduce((a, b) => (a > b ? a : b));
}
