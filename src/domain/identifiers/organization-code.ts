import { fail, firstCharacterOutside, notAString, succeed, type ValidationResult } from './result.js';

/**
 * 组织机构代码 (GB 11714) organisation codes: 8 body characters + 1 check,
 * often written with a hyphen before the check (`D2143569-X`).
 *
 * Character values: digits are themselves, letters A=10 … Z=35 (so `Y` is 34
 * here, but 30 in the credit-code alphabet).
 *
 * Error detection is weaker than the other identifiers: the weights are
 * non-zero modulo 11, so any digit-for-digit substitution is caught, but a
 * letter differing from the original by 11 or 22 in value (`0`↔`B`↔`M`,
 * `1`↔`C`↔`N`, …) leaves Σ mod 11 unchanged and is not detected.
 */

const WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/** Value of one body character: `0`–`9` → 0–9, `A`–`Z` → 10–35. */
function characterValue(character: string): number {
  return Number.parseInt(character, 36);
}

/**
 * The check character of an 8-character body: C9 = 11 − (Σ mod 11), 10 → `X`, 11 → `0`.
 *
 * @param first8 8 characters from `0-9A-Z`.
 * @throws RangeError when `first8` is malformed (a programming error, not input validation).
 */
export function organizationCodeCheckChar(first8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(first8)) throw new RangeError(`organizationCodeCheckChar: expected 8 characters 0-9A-Z, got "${first8}"`);
  let sum = 0;
  for (let index = 0; index < 8; index++) sum += characterValue(first8.charAt(index)) * WEIGHTS[index]!;
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

export interface OrganizationCodeDetails {
  /** The 9 characters without the hyphen, e.g. `D2143569X`. */
  readonly organizationCode: string;
}

/**
 * Validates an organisation code, `D2143569X` or `D2143569-X`: 8 upper-case
 * letters or digits, then the check character (`0`–`9` or `X`).
 */
export function validateOrganizationCode(value: unknown): ValidationResult<OrganizationCodeDetails> {
  if (typeof value !== 'string') return notAString('organisation code', value);
  if (value.length !== 9 && value.length !== 10) {
    return fail('length', `organisation code "${value}" has ${value.length} characters, expected 9 (or 10 with the hyphen)`);
  }
  if (value.length === 10 && value.charAt(8) !== '-') {
    return fail('format', `organisation code "${value}": a 10-character code must have "-" before the check character, got "${value.charAt(8)}"`);
  }
  const code = value.length === 10 ? value.slice(0, 8) + value.charAt(9) : value;
  const bad = firstCharacterOutside(code.slice(0, 8), /[0-9A-Z]/);
  if (bad) {
    return fail('characters', `organisation code "${value}": character ${bad.position} "${bad.character}" is not a digit or upper-case letter`);
  }
  const given = code.charAt(8);
  if (!/[0-9X]/.test(given)) {
    return fail('characters', `organisation code "${value}": check character "${given}" is not a digit or "X"`);
  }
  const expected = organizationCodeCheckChar(code.slice(0, 8));
  if (given !== expected) {
    return fail('check_character', `organisation code "${value}": check character is "${given}", expected "${expected}"`);
  }
  return succeed({ organizationCode: code });
}
