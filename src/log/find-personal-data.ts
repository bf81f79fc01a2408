/**
 * Finds personal data in a normalised text (see normalise-text.ts) and says
 * what to write instead. What counts as personal, and what does not:
 *
 * - ID numbers (GB 11643, residence permits of Hong Kong, Macao and Taiwan
 *   residents included), with separators between digits (`440104 19900101
 *   1234`, `4401 0419 …`), `x` or `X`: digits 7–14 (the birth date) masked.
 *   An 18-digit run counts when digits 7–14 could be a birth date; one that is
 *   a valid credit code and not a valid ID number is a credit code.
 * - Mobile numbers (`138-1234-5678`, `+86 138 …`, `0086…`): digits 4–7 masked.
 * - Bank card numbers (16–19 digits starting 3–6 that pass Luhn): all but
 *   the first 6 and last 4 digits masked.
 * - E-mail addresses: the local part but its first character masked.
 * - Credit codes of 个体工商户 (positions 1–2 `92`): one person's business,
 *   masked like the old rule (`9244**********1234`). Other credit codes are
 *   public registration data (国家企业信用信息公示系统) and are left as they
 *   are, so issuers, departments and the type and issuer parts of licence
 *   identifiers stay readable.
 * - Names, addresses and secrets in `key=value`, `"key":"value"` (JSON inside
 *   a string, escaped once or not) and `姓名：value` pairs, by key
 *   (personal-data-keys.ts). A name in running text with no key is not
 *   recognisable and is not masked.
 */
import { idNumberCheckChar, validateCreditCode } from '../domain/identifiers/index.js';
import { maskField, textFieldKind } from './personal-data-keys.js';

/** `text.slice(index, index + length)` is to be written as `replacement`. */
export interface Finding {
  readonly index: number;
  readonly length: number;
  readonly replacement: string;
}

// Between two digits: nothing, or spaces around at most one dash (not a dot: `1.2.156.3005` is a licence identifier).
const GAP = '(?:[ \\t\\u00a0]{0,2}[-\\u2010-\\u2015\\u2212]?[ \\t\\u00a0]{0,2})';
const digits = (count: string): string => `\\d(?:${GAP}\\d)${count}`;
// Not part of a longer word or number, nor either side of a decimal point (`ms=139322.13305293233`).
const NOT_AFTER = '(?<![0-9A-Za-z])(?<!\\d\\.)';
const NOT_BEFORE = '(?![0-9A-Za-z])(?!\\.\\d)';

const ID_NUMBER = new RegExp(`${NOT_AFTER}${digits('{16}')}${GAP}[\\dXx]${NOT_BEFORE}`, 'g');
const MOBILE = new RegExp(`${NOT_AFTER}(?:(?:(?:\\+|00)?86|\\(\\+?86\\))${GAP})?1${GAP}[3-9]${GAP}${digits('{8}')}${NOT_BEFORE}`, 'g');
const BANK_CARD = new RegExp(`${NOT_AFTER}[3-6]${GAP}${digits('{14,17}')}${NOT_BEFORE}`, 'g');
const SOLE_TRADER_CREDIT_CODE = /(?<![0-9A-Za-z])92\d{6}[0-9A-HJ-NP-RTUW-Y]{10}(?![0-9A-Za-z])/g;
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
/**
 * A key, then `"key":"value"` (quotes escaped once or not), `key=value`, or
 * `key: value` / `姓名：value`; group 1 the key, group 2 the value.
 */
const KEY_VALUE = /(?<![\p{L}\p{N}_])([A-Za-z_][A-Za-z0-9_]*|\p{Script=Han}{1,30})(?:\\?"\s*:\s*\\?"((?:[^"\\]|\\[^"])*)|=([^&\s"',;#<>]*)|\s*[:：]\s*([^\s,，;；、。"'&<>]+))/gdu;

/** Every piece of personal data in `text`, in order, none overlapping. */
export function findPersonalData(text: string): Finding[] {
  const found: Finding[] = [
    ...scan(text, ID_NUMBER, maskIdNumber),
    ...scan(text, MOBILE, inGroups(maskMobile)),
    ...scan(text, BANK_CARD, inGroups(maskBankCard)),
    ...scan(text, SOLE_TRADER_CREDIT_CODE, (match) => `${match.slice(0, 4)}${'*'.repeat(10)}${match.slice(14)}`),
    ...scan(text, EMAIL, (match) => `${match.charAt(0)}***${match.slice(match.indexOf('@'))}`),
    ...keyValues(text),
  ];
  found.sort((a, b) => a.index - b.index || b.length - a.length);
  const kept: Finding[] = [];
  let end = 0;
  for (const finding of found) {
    if (finding.index < end) continue;
    kept.push(finding);
    end = finding.index + finding.length;
  }
  return kept;
}

/** Matches of `pattern` that `mask` accepts (`undefined`: not personal; the scan goes on from the next character). */
function scan(text: string, pattern: RegExp, mask: (match: string) => string | undefined): Finding[] {
  const found: Finding[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const replacement = mask(match[0]);
    if (replacement === undefined) {
      pattern.lastIndex = match.index + 1;
      continue;
    }
    found.push({ index: match.index, length: match[0].length, replacement });
  }
  return found;
}

/**
 * `mask`, for digits written as people write such numbers: together, or in
 * groups of two to twelve (`138 1234 5678`, `440104 19900101 1234`). Runs that
 * only line up digit by digit (`1e-19 1 2 156 …`), or a long number next to
 * another (`34010491563225 2007-01-01`), are several numbers, not one.
 */
function inGroups(mask: (match: string) => string | undefined): (match: string) => string | undefined {
  return (match) => {
    const groups = match.split(/[^0-9Xx]+/).filter((group) => group.length > 0);
    const grouped = groups.length === 1 || groups.every((group) => group.length >= 2 && group.length <= 12);
    return grouped ? mask(match) : undefined;
  };
}

/** `match` with the digits at 0-based positions `from`…`to` (exclusive, counting digits only) masked, separators kept. */
function maskDigits(match: string, from: number, to: number): string {
  let position = -1;
  return match.replace(/[0-9Xx]/g, (digit) => {
    position++;
    return position >= from && position < to ? '*' : digit;
  });
}

/**
 * An ID number whose check character holds is one however its digits are
 * spaced; one whose check fails (a typo is still someone's number) only when
 * written in groups, and not when it is a valid credit code instead.
 */
function maskIdNumber(match: string): string | undefined {
  const body = match.replace(/[^0-9Xx]/g, '').toUpperCase();
  if (!couldBeBirthDate(body.slice(6, 14))) return undefined;
  if (idNumberCheckChar(body.slice(0, 17)) === body.charAt(17)) return maskDigits(match, 6, 14);
  if (body === match && validateCreditCode(body).ok && !body.startsWith('92')) return undefined;
  return inGroups((grouped) => maskDigits(grouped, 6, 14))(match);
}

function couldBeBirthDate(date: string): boolean {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(4, 6));
  const day = Number(date.slice(6, 8));
  return year >= 1800 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

function maskMobile(match: string): string {
  // The prefix (+86, 0086, (86)) is left; the 11 digits are the last 11 digits of the match.
  const total = match.replace(/\D/g, '').length;
  return maskDigits(match, total - 8, total - 4);
}

function maskBankCard(match: string): string | undefined {
  const body = match.replace(/\D/g, '');
  return passesLuhn(body) ? maskDigits(match, 6, body.length - 4) : undefined;
}

function passesLuhn(number: string): boolean {
  let sum = 0;
  for (let index = 0; index < number.length; index++) {
    let digit = Number(number.charAt(number.length - 1 - index));
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function keyValues(text: string): Finding[] {
  const found: Finding[] = [];
  KEY_VALUE.lastIndex = 0;
  for (let match = KEY_VALUE.exec(text); match; match = KEY_VALUE.exec(text)) {
    const group = [2, 3, 4].find((index) => match![index] !== undefined)!;
    const value = match[group]!;
    const kind = textFieldKind(match[1]!, value);
    if (kind === 'other' || value.length === 0) {
      // The value may itself hold a key (`a=name=张三`), so go on from just after the key.
      KEY_VALUE.lastIndex = match.indices![1]![1];
      continue;
    }
    const [start, end] = match.indices![group]!;
    found.push({ index: start, length: end - start, replacement: maskField(kind, value) });
  }
  return found;
}
