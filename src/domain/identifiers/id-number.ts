import { RESIDENCE_PERMIT_AREA_CODES, validateAreaCode } from './area-code.js';
import { fail, firstCharacterOutside, notAString, succeed, type ValidationResult } from './result.js';

/**
 * 居民身份证号 (GB 11643-1999) citizen ID numbers, check character by
 * ISO 7064 MOD 11-2.
 *
 * Layout: 6-digit area code (GB/T 2260) + 8-digit birth date YYYYMMDD +
 * 3-digit sequence (odd = male, even = female) + 1 check character.
 *
 * Residence permits of Hong Kong, Macao and Taiwan residents (港澳台居民居住证)
 * have the same form and check, with the address code `810000`, `820000` or
 * `830000` ({@link RESIDENCE_PERMIT_AREA_CODES}); they are accepted wherever
 * an ID number is, and the result says which region issued them.
 *
 * The MOD 11-2 weights are 2^(18−i) mod 11, all non-zero modulo the prime 11,
 * so changing any single digit always changes Σ mod 11: every single-character
 * substitution is detected.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';

/**
 * Birth years before this are rejected as impossible: resident ID cards exist
 * since 1984, so no holder was born before 1800 (deceased holders, still seen
 * in inheritance and funeral matters, were born long after).
 */
const EARLIEST_BIRTH_YEAR = 1800;

/** China has one time zone, UTC+8, and no daylight saving time. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * The check character for the first 17 digits of an ID number: `"10X98765432"[Σ mod 11]`.
 *
 * @param first17 exactly 17 ASCII digits.
 * @throws RangeError when `first17` is not 17 digits (a programming error, not input validation).
 */
export function idNumberCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError(`idNumberCheckChar: expected 17 digits, got "${first17}"`);
  let sum = 0;
  for (let index = 0; index < 17; index++) sum += Number(first17.charAt(index)) * WEIGHTS[index]!;
  return CHECK_CHARACTERS.charAt(sum % 11);
}

export interface IdNumberDetails {
  /** Birth date as `YYYY-MM-DD`. */
  readonly birthDate: string;
  /** From the parity of digit 17: odd male, even female. */
  readonly sex: 'male' | 'female';
  /** Digits 1–6 (GB/T 2260 area code at the time of issue, or a residence-permit address code). */
  readonly areaCode: string;
  /** The region of a Hong Kong, Macao or Taiwan residence permit; `null` for a resident ID number. */
  readonly residencePermitOf: 'hong_kong' | 'macao' | 'taiwan' | null;
}

export interface ValidateIdNumberOptions {
  /** "Now" for the future-birth-date rule; its calendar date in China (UTC+8) is used. Default: the current time. */
  readonly today?: Date;
}

/**
 * Validates an 18-character resident ID number: characters, area code
 * province prefix, a birth date that exists and is not after today (China
 * time; born today is accepted, for birth registration), then the check
 * character. An upper-case `X` is the only letter accepted.
 */
export function validateIdNumber(value: unknown, options: ValidateIdNumberOptions = {}): ValidationResult<IdNumberDetails> {
  if (typeof value !== 'string') return notAString('ID number', value);
  if (value.length !== 18) return fail('length', `ID number "${value}" has ${value.length} characters, expected 18`);
  const badDigit = firstCharacterOutside(value.slice(0, 17), /[0-9]/);
  if (badDigit) {
    return fail('characters', `ID number "${value}": character ${badDigit.position} "${badDigit.character}" is not a digit`);
  }
  const given = value.charAt(17);
  if (given === 'x') return fail('characters', `ID number "${value}": check character must be upper-case "X", got "x"`);
  if (!/[0-9X]/.test(given)) {
    return fail('characters', `ID number "${value}": character 18 "${given}" is not a digit or "X"`);
  }

  const areaCode = value.slice(0, 6);
  if (!isIdNumberAreaCode(areaCode)) {
    return fail('area_code', `ID number "${value}": area code "${areaCode}" neither starts with a province code nor is a residence-permit code (810000, 820000, 830000)`);
  }

  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (!isCalendarDate(year, month, day) || year < EARLIEST_BIRTH_YEAR) {
    return fail('birth_date', `ID number "${value}": birth date "${value.slice(6, 14)}" is not a possible date`);
  }
  const today = chinaDate(options.today ?? new Date());
  if (value.slice(6, 14) > today) {
    return fail('birth_date_in_future', `ID number "${value}": birth date "${value.slice(6, 14)}" is after today (${today})`);
  }

  const expected = idNumberCheckChar(value.slice(0, 17));
  if (given !== expected) {
    return fail('check_character', `ID number "${value}": check character is "${given}", expected "${expected}"`);
  }
  return succeed<IdNumberDetails>({
    birthDate,
    sex: Number(value.charAt(16)) % 2 === 1 ? 'male' : 'female',
    areaCode,
    residencePermitOf: RESIDENCE_PERMIT_AREA_CODES[areaCode] ?? null,
  });
}

/** A GB/T 2260 code with a province prefix, or a residence-permit address code. */
function isIdNumberAreaCode(areaCode: string): boolean {
  return Object.hasOwn(RESIDENCE_PERMIT_AREA_CODES, areaCode) || validateAreaCode(areaCode).ok;
}

export interface MakeIdNumberInput {
  /** 6-digit GB/T 2260 area code with a province prefix, or a residence-permit code (`810000`, `820000`, `830000`). */
  readonly areaCode: string;
  /** `YYYY-MM-DD` (or `YYYYMMDD`); must exist on the calendar, year ≥ 1800. */
  readonly birthDate: string;
  /** 0–999 (or a 3-digit string); odd for male, even for female. */
  readonly sequence: number | string;
}

/**
 * Builds a valid ID number with its check character, for simulators that
 * generate people. Does not check the birth date against today.
 *
 * @throws RangeError when an input is malformed.
 */
export function makeIdNumber(input: MakeIdNumberInput): string {
  const { areaCode, birthDate, sequence } = input;
  if (!/^\d{6}$/.test(areaCode) || !isIdNumberAreaCode(areaCode)) {
    throw new RangeError(`makeIdNumber: areaCode "${areaCode}" is neither a 6-digit area code with a province prefix nor a residence-permit code`);
  }
  const date = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(birthDate);
  if (!date || !isCalendarDate(Number(date[1]), Number(date[2]), Number(date[3])) || Number(date[1]) < EARLIEST_BIRTH_YEAR) {
    throw new RangeError(`makeIdNumber: birthDate "${birthDate}" is not a possible YYYY-MM-DD date`);
  }
  const sequenceText = typeof sequence === 'number'
    ? (Number.isInteger(sequence) && sequence >= 0 && sequence <= 999 ? String(sequence).padStart(3, '0') : '')
    : sequence;
  if (!/^\d{3}$/.test(sequenceText)) throw new RangeError(`makeIdNumber: sequence "${sequence}" is not 0–999`);
  const first17 = `${areaCode}${date[1]}${date[2]}${date[3]}${sequenceText}`;
  return first17 + idNumberCheckChar(first17);
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  // Day 0 of the next month is the last day of this one; UTC avoids DST gaps.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/** `YYYYMMDD` of the calendar date in China at `instant`. */
function chinaDate(instant: Date): string {
  const shifted = new Date(instant.getTime() + CHINA_OFFSET_MS);
  const year = String(shifted.getUTCFullYear()).padStart(4, '0');
  const month = String(shifted.getUTCMonth() + 1).padStart(2, '0');
  const day = String(shifted.getUTCDate()).padStart(2, '0');
  return `${year}${month}${day}`;
}
