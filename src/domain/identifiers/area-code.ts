import { fail, firstCharacterOutside, notAString, succeed, type ValidationResult } from './result.js';

/**
 * 行政区划代码 (GB/T 2260) administrative area codes.
 *
 * Glossary: province 省级 (digits 1–2), prefecture 地级 (3–4), county 县级
 * (5–6); the 12-digit statistical extension used by government platforms adds
 * township 乡级 (7–9) and village 村级 (10–12), e.g. `511602000000`.
 *
 * Only the province prefix is checked against a table: the full GB/T 2260 list
 * changes every year, and a gateway that rejected a newly created county would
 * be wrong, while a province prefix outside this list is certainly a typo.
 */

/** The 34 province-level codes (GB/T 2260) with their short Chinese names. */
export const PROVINCE_CODES: Readonly<Record<string, string>> = Object.freeze({
  '11': '北京', '12': '天津', '13': '河北', '14': '山西', '15': '内蒙古',
  '21': '辽宁', '22': '吉林', '23': '黑龙江',
  '31': '上海', '32': '江苏', '33': '浙江', '34': '安徽', '35': '福建', '36': '江西', '37': '山东',
  '41': '河南', '42': '湖北', '43': '湖南', '44': '广东', '45': '广西', '46': '海南',
  '50': '重庆', '51': '四川', '52': '贵州', '53': '云南', '54': '西藏',
  '61': '陕西', '62': '甘肃', '63': '青海', '64': '宁夏', '65': '新疆',
  '71': '台湾', '81': '香港', '82': '澳门',
});

/**
 * Address codes of residence permits for Hong Kong, Macao and Taiwan residents
 * (港澳台居民居住证, 2018): the number has the GB 11643 form and MOD 11-2 check
 * of an ID number, with one of these in place of a birthplace. `830000` is
 * not a GB/T 2260 code (Taiwan is `71`), so it is valid in an ID number only.
 */
export const RESIDENCE_PERMIT_AREA_CODES: Readonly<Record<string, 'hong_kong' | 'macao' | 'taiwan'>> = Object.freeze({
  '810000': 'hong_kong', '820000': 'macao', '830000': 'taiwan',
});

/** Whether `prefix` (two digits) is a province-level code. */
export function isProvinceCode(prefix: string): boolean {
  return Object.hasOwn(PROVINCE_CODES, prefix);
}

/** The most specific level an area code names (from its trailing zero groups). */
export type AreaLevel = 'province' | 'prefecture' | 'county' | 'township' | 'village';

export interface AreaCodeDetails {
  /** The code as given (6 or 12 digits). */
  readonly areaCode: string;
  /** Digits 1–2. */
  readonly provinceCode: string;
  /** Short Chinese name of the province, e.g. `四川`. */
  readonly provinceName: string;
  /** Digits 1–6: the GB/T 2260 code proper (equal to `areaCode` for 6-digit input). */
  readonly countyLevelCode: string;
  readonly level: AreaLevel;
}

/**
 * Validates a GB/T 2260 area code: 6 digits, or the 12-digit statistical
 * extension, whose first two digits are a province code.
 */
export function validateAreaCode(value: unknown): ValidationResult<AreaCodeDetails> {
  if (typeof value !== 'string') return notAString('area code', value);
  if (value.length !== 6 && value.length !== 12) {
    return fail('length', `area code "${value}" has ${value.length} characters, expected 6 (GB/T 2260) or 12 (statistical extension)`);
  }
  const bad = firstCharacterOutside(value, /[0-9]/);
  if (bad) return fail('characters', `area code "${value}": character ${bad.position} "${bad.character}" is not a digit`);
  const provinceCode = value.slice(0, 2);
  const provinceName = PROVINCE_CODES[provinceCode];
  if (provinceName === undefined) {
    return fail('area_code', `area code "${value}": "${provinceCode}" is not a province code`);
  }
  return succeed({
    areaCode: value,
    provinceCode,
    provinceName,
    countyLevelCode: value.slice(0, 6),
    level: areaLevel(value),
  });
}

function areaLevel(code: string): AreaLevel {
  if (code.length === 12) {
    if (code.slice(9, 12) !== '000') return 'village';
    if (code.slice(6, 9) !== '000') return 'township';
  }
  if (code.slice(4, 6) !== '00') return 'county';
  if (code.slice(2, 4) !== '00') return 'prefecture';
  return 'province';
}
