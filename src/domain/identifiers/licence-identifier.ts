import { validateCreditCode } from './credit-code.js';
import { fail, notAString, succeed, type ValidationResult } from './result.js';

/**
 * 电子证照标识 (GB/T 36904) electronic licence identifiers:
 * `1.2.156.3005.2.<type>.<issuer>.<serial>.<version>.<check>`.
 *
 * - `<type>` 21 chars: credit code of the authority defining the licence type
 *   + 3-digit sequence, e.g. `11100000000013338W011`.
 * - `<issuer>` the issuing authority's 18-char credit code.
 * - `<serial>` 7–32 upper-case letters or digits.
 * - `<version>` 3 digits.
 * - `<check>` ISO/IEC 7064 MOD 37,36 over type+issuer+serial+version joined
 *   without dots (alphabet `0-9A-Z`). A hybrid MOD 37,36 system detects every
 *   single-character substitution.
 *
 * Embedded credit codes (decision): both the issuer and the first 18
 * characters of the type are required to be valid credit codes. The three
 * real identifiers in docs/domain.md were recomputed: their issuers
 * (`11430000006122244L`, `11110000000021135M`, `11220000013544541J`) and
 * their type prefix (`11100000000013338W`) all pass GB 32100, and a credit
 * code that fails its own check is a typo the gateway should name precisely.
 */

/** The GB/T 36904 root arc. */
export const LICENCE_IDENTIFIER_ROOT = '1.2.156.3005.2';

/** MOD 37,36 alphabet; a character's value is its index. */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * The MOD 37,36 check character of a body: type+issuer+serial+version, with
 * or without the dots between them (never with the root).
 *
 * @throws RangeError when the body has a character outside `0-9A-Z` (a programming error, not input validation).
 */
export function licenceIdentifierCheckChar(body: string): string {
  const characters = body.replaceAll('.', '');
  if (characters.length === 0) throw new RangeError('licenceIdentifierCheckChar: empty body');
  let product = 36;
  for (const character of characters) {
    const value = ALPHABET.indexOf(character);
    if (value < 0) throw new RangeError(`licenceIdentifierCheckChar: "${character}" is not 0-9A-Z in "${body}"`);
    let sum = (product + value) % 36;
    if (sum === 0) sum = 36;
    product = (2 * sum) % 37;
  }
  return ALPHABET.charAt((37 - product) % 36);
}

export interface LicenceIdentifierParts {
  /** 21 chars: `definingAuthorityCreditCode` + `typeSequence`. */
  readonly typeCode: string;
  /** First 18 chars of the type: the credit code of the authority that defined the licence type. */
  readonly definingAuthorityCreditCode: string;
  /** Last 3 digits of the type. */
  readonly typeSequence: string;
  /** The issuing authority's credit code. */
  readonly issuerCreditCode: string;
  readonly serial: string;
  /** 3 digits, e.g. `001`. */
  readonly version: string;
  readonly checkChar: string;
}

/**
 * Splits an identifier into its parts and checks each part's shape (root,
 * lengths, characters). Does not verify the check character or the embedded
 * credit codes; {@link validateLicenceIdentifier} does.
 */
export function parseLicenceIdentifier(value: unknown): ValidationResult<LicenceIdentifierParts> {
  if (typeof value !== 'string') return notAString('licence identifier', value);
  if (!value.startsWith(`${LICENCE_IDENTIFIER_ROOT}.`)) {
    return fail('root', `licence identifier "${value}" does not start with "${LICENCE_IDENTIFIER_ROOT}."`);
  }
  const parts = value.slice(LICENCE_IDENTIFIER_ROOT.length + 1).split('.');
  if (parts.length !== 5) {
    return fail('format', `licence identifier "${value}" has ${parts.length} parts after the root, expected 5 (type.issuer.serial.version.check)`);
  }
  const [typeCode, issuerCreditCode, serial, version, checkChar] = parts as [string, string, string, string, string];
  const problem =
    partProblem('type', typeCode, /^[0-9A-Z]{18}\d{3}$/, '21 characters: an 18-character credit code + 3 digits')
    ?? partProblem('issuer', issuerCreditCode, /^[0-9A-Z]{18}$/, '18 upper-case letters or digits (a credit code)')
    ?? partProblem('serial', serial, /^[0-9A-Z]{7,32}$/, '7–32 upper-case letters or digits')
    ?? partProblem('version', version, /^\d{3}$/, '3 digits')
    ?? partProblem('check', checkChar, /^[0-9A-Z]$/, 'one upper-case letter or digit');
  if (problem) return fail('format', `licence identifier "${value}": ${problem}`);
  return succeed({
    typeCode,
    definingAuthorityCreditCode: typeCode.slice(0, 18),
    typeSequence: typeCode.slice(18),
    issuerCreditCode,
    serial,
    version,
    checkChar,
  });
}

function partProblem(name: string, part: string, shape: RegExp, expected: string): string | undefined {
  return shape.test(part) ? undefined : `${name} part "${part}" is not ${expected}`;
}

/**
 * Validates an electronic licence identifier: shape, the credit codes in the
 * type and issuer parts, then the MOD 37,36 check character.
 */
export function validateLicenceIdentifier(value: unknown): ValidationResult<LicenceIdentifierParts> {
  const parsed = parseLicenceIdentifier(value);
  if (!parsed.ok) return parsed;
  const text = value as string;
  const definer = validateCreditCode(parsed.definingAuthorityCreditCode);
  if (!definer.ok) return fail('embedded_identifier', `licence identifier "${text}": type part: ${definer.reason}`);
  const issuer = validateCreditCode(parsed.issuerCreditCode);
  if (!issuer.ok) return fail('embedded_identifier', `licence identifier "${text}": issuer part: ${issuer.reason}`);
  const expected = licenceIdentifierCheckChar(parsed.typeCode + parsed.issuerCreditCode + parsed.serial + parsed.version);
  if (parsed.checkChar !== expected) {
    return fail('check_character', `licence identifier "${text}": check character is "${parsed.checkChar}", expected "${expected}"`);
  }
  return parsed;
}

export interface MakeLicenceIdentifierInput {
  /** 21 chars: a valid credit code + 3 digits. */
  readonly typeCode: string;
  /** A valid 18-char credit code. */
  readonly issuerCreditCode: string;
  /** 7–32 upper-case letters or digits. */
  readonly serial: string;
  /** 0–999, or a 3-digit string. */
  readonly version: number | string;
}

/**
 * Builds a valid identifier with its check character, for simulators.
 *
 * @throws RangeError when an input is malformed or an embedded credit code is invalid.
 */
export function makeLicenceIdentifier(input: MakeLicenceIdentifierInput): string {
  const version = typeof input.version === 'number'
    ? (Number.isInteger(input.version) && input.version >= 0 && input.version <= 999 ? String(input.version).padStart(3, '0') : '')
    : input.version;
  const body = `${input.typeCode}.${input.issuerCreditCode}.${input.serial}.${version}`;
  // The check character is a placeholder; validation below reports any malformed part.
  const draft = `${LICENCE_IDENTIFIER_ROOT}.${body}.0`;
  const parsed = parseLicenceIdentifier(draft);
  if (!parsed.ok) throw new RangeError(`makeLicenceIdentifier: ${parsed.reason}`);
  const identifier = `${LICENCE_IDENTIFIER_ROOT}.${body}.${licenceIdentifierCheckChar(body)}`;
  const validated = validateLicenceIdentifier(identifier);
  if (!validated.ok) throw new RangeError(`makeLicenceIdentifier: ${validated.reason}`);
  return identifier;
}
