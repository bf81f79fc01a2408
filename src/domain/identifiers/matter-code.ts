import { isProvinceCode } from './area-code.js';
import { validateCreditCode } from './credit-code.js';
import { fail, firstCharacterOutside, notAString, succeed, type ValidationResult } from './result.js';

/**
 * 政务服务事项编码 (GB/T 39554.1-2020) service matter codes.
 *
 * Glossary: basic code 基本编码 (12 chars) names a matter in a catalogue;
 * implementation code 实施编码 (31 chars) names one body's implementation of
 * it; handling-item code 业务办理项编码 (33 chars) names a handling variant.
 *
 * - basic: 2-digit area (`00` national catalogue, else a province code)
 *   + 2-digit matter type + 5-digit main item + 3-digit sub item
 *   (`000` none, `00Y` has sub-items, `001`–`999` a sub-item).
 * - implementation: implementing body's credit code (18, valid) + exercise
 *   level (1 national, 2 province, 3 city, 4 county) + basic code.
 * - handling item: implementation code + 2 digits.
 *
 * These codes carry no check character of their own: only the embedded
 * credit code detects typos, so a changed digit in the main item, for one,
 * still yields a well-formed code.
 */

/** The matter types of GB/T 39554.1, by 2-digit code. */
export const MATTER_TYPES = Object.freeze({
  '01': { name: '行政许可', englishName: 'administrative licensing' },
  '02': { name: '行政处罚', englishName: 'administrative penalty' },
  '03': { name: '行政强制', englishName: 'administrative compulsion' },
  '04': { name: '行政征收', englishName: 'administrative levy' },
  '05': { name: '行政给付', englishName: 'administrative benefit' },
  '06': { name: '行政检查', englishName: 'administrative inspection' },
  '07': { name: '行政确认', englishName: 'administrative confirmation' },
  '08': { name: '行政奖励', englishName: 'administrative reward' },
  '09': { name: '行政裁决', englishName: 'administrative adjudication' },
  '10': { name: '其他行政权力', englishName: 'other administrative power' },
  '20': { name: '公共服务', englishName: 'public service' },
} as const);

/** A 2-digit matter type code. */
export type MatterType = keyof typeof MATTER_TYPES;

/** The matter type codes in ascending order (object keys like `10` would otherwise sort before `01`). */
export const MATTER_TYPE_CODES: readonly MatterType[] = Object.freeze(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '20']);

/** Exercise levels of an implementation code. */
export const EXERCISE_LEVELS = Object.freeze({
  1: { name: '国家级', englishName: 'national' },
  2: { name: '省级', englishName: 'province' },
  3: { name: '市级', englishName: 'city' },
  4: { name: '县级', englishName: 'county' },
} as const);

export type ExerciseLevel = keyof typeof EXERCISE_LEVELS;

/** What the 3-digit sub-item part says. */
export type SubItemKind = 'none' | 'has_sub_items' | 'sub_item';

export interface BasicCodeDetails {
  readonly basicCode: string;
  /** Digits 1–2: `00` or a province code. */
  readonly areaCode: string;
  /** Whether the matter is in the national catalogue (area `00`). */
  readonly national: boolean;
  readonly matterType: MatterType;
  /** Chinese name of the matter type, e.g. `行政许可`. */
  readonly matterTypeName: string;
  /** Digits 5–9. */
  readonly mainItem: string;
  /** Characters 10–12. */
  readonly subItem: string;
  readonly subItemKind: SubItemKind;
}

export interface ImplementationCodeDetails extends BasicCodeDetails {
  readonly implementationCode: string;
  /** Credit code of the implementing body. */
  readonly creditCode: string;
  readonly exerciseLevel: ExerciseLevel;
}

export interface HandlingItemCodeDetails extends ImplementationCodeDetails {
  readonly handlingItemCode: string;
  /** The last 2 digits. */
  readonly handlingVariant: string;
}

function isMatterType(code: string): code is MatterType {
  return Object.hasOwn(MATTER_TYPES, code);
}

function subItemKind(subItem: string): SubItemKind | undefined {
  if (subItem === '000') return 'none';
  if (subItem === '00Y') return 'has_sub_items';
  return /^\d{3}$/.test(subItem) ? 'sub_item' : undefined;
}

/** Validates a 12-character basic code. */
export function validateBasicCode(value: unknown): ValidationResult<BasicCodeDetails> {
  if (typeof value !== 'string') return notAString('basic matter code', value);
  if (value.length !== 12) return fail('length', `basic matter code "${value}" has ${value.length} characters, expected 12`);
  return checkBasic(value, `basic matter code "${value}"`);
}

function checkBasic(basicCode: string, label: string): ValidationResult<BasicCodeDetails> {
  const bad = firstCharacterOutside(basicCode.slice(0, 9), /[0-9]/);
  if (bad) return fail('characters', `${label}: character ${bad.position} of the basic code "${bad.character}" is not a digit`);
  const areaCode = basicCode.slice(0, 2);
  if (areaCode !== '00' && !isProvinceCode(areaCode)) {
    return fail('area_code', `${label}: area "${areaCode}" is neither "00" (national) nor a province code`);
  }
  const matterType = basicCode.slice(2, 4);
  if (!isMatterType(matterType)) {
    return fail('matter_type', `${label}: matter type "${matterType}" is not one of ${MATTER_TYPE_CODES.join(', ')}`);
  }
  const subItem = basicCode.slice(9, 12);
  const kind = subItemKind(subItem);
  if (kind === undefined) return fail('sub_item', `${label}: sub item "${subItem}" is not "000", "00Y" or "001"–"999"`);
  return succeed({
    basicCode,
    areaCode,
    national: areaCode === '00',
    matterType,
    matterTypeName: MATTER_TYPES[matterType].name,
    mainItem: basicCode.slice(4, 9),
    subItem,
    subItemKind: kind,
  });
}

/** Validates a 31-character implementation code: valid credit code + level 1–4 + basic code. */
export function validateImplementationCode(value: unknown): ValidationResult<ImplementationCodeDetails> {
  if (typeof value !== 'string') return notAString('implementation code', value);
  if (value.length !== 31) return fail('length', `implementation code "${value}" has ${value.length} characters, expected 31`);
  return checkImplementation(value, `implementation code "${value}"`);
}

function checkImplementation(implementationCode: string, label: string): ValidationResult<ImplementationCodeDetails> {
  const creditCode = implementationCode.slice(0, 18);
  const credit = validateCreditCode(creditCode);
  if (!credit.ok) return fail('embedded_identifier', `${label}: implementing body: ${credit.reason}`);
  const level = implementationCode.charAt(18);
  if (!/^[1-4]$/.test(level)) return fail('exercise_level', `${label}: exercise level "${level}" is not 1–4`);
  const basic = checkBasic(implementationCode.slice(19, 31), label);
  if (!basic.ok) return basic;
  return succeed({ ...stripOk(basic), implementationCode, creditCode, exerciseLevel: Number(level) as ExerciseLevel });
}

/** Validates a 33-character handling-item code: implementation code + 2 digits. */
export function validateHandlingItemCode(value: unknown): ValidationResult<HandlingItemCodeDetails> {
  if (typeof value !== 'string') return notAString('handling-item code', value);
  if (value.length !== 33) return fail('length', `handling-item code "${value}" has ${value.length} characters, expected 33`);
  const label = `handling-item code "${value}"`;
  const implementation = checkImplementation(value.slice(0, 31), label);
  if (!implementation.ok) return implementation;
  const handlingVariant = value.slice(31, 33);
  if (!/^\d{2}$/.test(handlingVariant)) return fail('characters', `${label}: handling variant "${handlingVariant}" is not 2 digits`);
  return succeed({ ...stripOk(implementation), handlingItemCode: value, handlingVariant });
}

function stripOk<T extends { ok: true }>(result: T): Omit<T, 'ok'> {
  const { ok: _ok, ...details } = result;
  return details;
}

export interface MakeBasicCodeInput {
  /** `00` (national catalogue) or a 2-digit province code. */
  readonly area: string;
  readonly matterType: MatterType;
  /** 0–99999, or a 5-digit string. */
  readonly mainItem: number | string;
  /** `000` (default), `00Y`, 1–999, or a 3-digit string. */
  readonly subItem?: number | string;
}

/**
 * Builds a basic code, for simulators.
 *
 * @throws RangeError when an input is malformed.
 */
export function makeBasicCode(input: MakeBasicCodeInput): string {
  const code = input.area + input.matterType + pad(input.mainItem, 5) + pad(input.subItem ?? '000', 3);
  const result = validateBasicCode(code);
  if (!result.ok) throw new RangeError(`makeBasicCode: ${result.reason}`);
  return code;
}

export interface MakeImplementationCodeInput {
  /** Valid credit code of the implementing body. */
  readonly creditCode: string;
  readonly exerciseLevel: ExerciseLevel;
  /** A valid basic code. */
  readonly basicCode: string;
}

/**
 * Builds an implementation code, for simulators.
 *
 * @throws RangeError when an input is malformed.
 */
export function makeImplementationCode(input: MakeImplementationCodeInput): string {
  const code = `${input.creditCode}${input.exerciseLevel}${input.basicCode}`;
  const result = validateImplementationCode(code);
  if (!result.ok) throw new RangeError(`makeImplementationCode: ${result.reason}`);
  return code;
}

export interface MakeHandlingItemCodeInput {
  /** A valid implementation code. */
  readonly implementationCode: string;
  /** 0–99, or a 2-digit string. */
  readonly handlingVariant: number | string;
}

/**
 * Builds a handling-item code, for simulators.
 *
 * @throws RangeError when an input is malformed.
 */
export function makeHandlingItemCode(input: MakeHandlingItemCodeInput): string {
  const code = input.implementationCode + pad(input.handlingVariant, 2);
  const result = validateHandlingItemCode(code);
  if (!result.ok) throw new RangeError(`makeHandlingItemCode: ${result.reason}`);
  return code;
}

/** Numbers are zero-padded to `width`; strings pass through for the validator to judge. */
function pad(part: number | string, width: number): string {
  if (typeof part === 'string') return part;
  return Number.isInteger(part) && part >= 0 && part < 10 ** width ? String(part).padStart(width, '0') : String(part);
}
