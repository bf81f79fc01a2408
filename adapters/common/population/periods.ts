/**
 * The current validity period of a licence that is renewed period after
 * period (ID cards, driving licences, qualifications): holders renew up to
 * 90 days before expiry, except those who did not renew, whose last licence
 * has expired.
 */
import type { Context } from './context.js';
import { addDays, addYears, ageOn } from './dates.js';

export interface Period { start: string; end: string | null }

/**
 * @param lengthYears years of the period starting at `start` (`null` = 长期).
 * @param renews false: the holder stopped renewing, so the period found may have ended.
 */
export function currentPeriod(context: Context, firstIssuedOn: string, lengthYears: (start: string, index: number) => number | null, renews: boolean): Period {
  let start = firstIssuedOn;
  for (let index = 0; ; index++) {
    const years = lengthYears(start, index);
    if (years === null) return { start, end: null };
    const end = addYears(start, years);
    if (end >= context.asOf || !renews) return { start, end };
    const renewedOn = addDays(end, -context.tools.int(0, 90));
    start = renewedOn > context.asOf ? context.asOf : renewedOn;
  }
}

/** 居民身份证 validity by age at issue (Resident Identity Card Law art. 5): <16 five years, 16–25 ten, 26–45 twenty, 46+ 长期. */
export function idCardYears(birthDate: string): (start: string) => number | null {
  return (start) => {
    const age = ageOn(birthDate, start);
    return age < 16 ? 5 : age <= 25 ? 10 : age <= 45 ? 20 : null;
  };
}

/** 机动车驾驶证: first period six years, then ten, then 长期. */
export function drivingLicenceYears(_start: string, index: number): number | null {
  return index === 0 ? 6 : index === 1 ? 10 : null;
}
