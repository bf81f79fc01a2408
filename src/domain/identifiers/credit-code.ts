import { randomInt } from 'node:crypto';
import { organizationCodeCheckChar, validateOrganizationCode } from './organization-code.js';
import { fail, firstCharacterOutside, notAString, succeed, type ValidationResult } from './result.js';

/**
 * 统一社会信用代码 (GB 32100-2015) unified social credit codes.
 *
 * Layout: 1 registering authority, 2 organisation category, 3–8 area code,
 * 9–17 organisation code (GB 11714, with its own check), 18 check.
 * Alphabet of 31 symbols without I O S V Z; value = index in the alphabet.
 *
 * The weights are 3^(i−1) mod 31 and 3 generates the multiplicative group
 * mod 31, so every weight is non-zero modulo the prime 31 and any single
 * substitution within the alphabet changes Σ mod 31: all are detected.
 *
 * Positions 1–2 must be a registration authority and one of the
 * organisation categories GB 32100 (with its amendments) allows under it:
 * {@link CREDIT_CODE_AUTHORITIES} is the one table of them.
 *
 * The area code (3–8) is not checked against the province list: bodies
 * registered at national level use `100000` (e.g. `11100000000013338W`).
 *
 * Embedded organisation code (decision): the result reports
 * `organizationCodeValid` instead of failing. Every credit code in
 * the domain reference (docs/domain.md#identifiers) was recomputed and its positions 9–17 do satisfy GB 11714
 * (`M000100Y4`: Σ = 139, 11 − 7 = 4; `71526726X`: Σ = 199 → X; `000013338`:
 * Σ = 47 → 8; likewise `006122244`, `000021135`, `013544541`), but GB 32100
 * makes character 18 the code's check, and codes issued in bulk to bodies that
 * never had an organisation code are not guaranteed to carry a GB 11714 check
 * *(unverified)*. Rejecting a code whose own check holds would refuse a real
 * registrant, so the flag is there for callers that want the stricter rule.
 */

/** The 31 symbols, in value order. */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** A registration authority (position 1) and the organisation categories (position 2) it may assign. */
export interface CreditCodeAuthority {
  /** Chinese name of the registration authority, e.g. `工商`. */
  readonly name: string;
  /** Category code → Chinese name, e.g. `{ '1': '企业', … }`. */
  readonly categories: Readonly<Record<string, string>>;
}

/**
 * 登记管理部门代码 (position 1) → 机构类别代码 (position 2) of GB 32100-2015
 * as amended (外交 … 工会, A 中央军委改革和编制办公室 and N 农业 were added
 * after the first edition). No other pair is issued.
 */
export const CREDIT_CODE_AUTHORITIES: Readonly<Record<string, CreditCodeAuthority>> = Object.freeze({
  '1': { name: '机构编制', categories: { '1': '机关', '2': '事业单位', '3': '中央编办直接管理机构编制的群众团体', '9': '其他' } },
  '2': { name: '外交', categories: { '1': '外国常驻新闻机构', '9': '其他' } },
  '3': { name: '司法行政', categories: { '1': '律师执业机构', '2': '公证处', '3': '基层法律服务所', '4': '司法鉴定机构', '5': '仲裁委员会', '9': '其他' } },
  '4': { name: '文化', categories: { '1': '外国在华文化中心', '9': '其他' } },
  '5': { name: '民政', categories: { '1': '社会团体', '2': '民办非企业单位', '3': '基金会', '9': '其他' } },
  '6': { name: '旅游', categories: { '1': '外国旅游部门常驻代表机构', '2': '港澳台地区旅游部门常驻内地（大陆）代表机构', '9': '其他' } },
  '7': { name: '宗教', categories: { '1': '宗教活动场所', '2': '宗教院校', '9': '其他' } },
  '8': { name: '工会', categories: { '1': '基层工会', '9': '其他' } },
  '9': { name: '工商', categories: { '1': '企业', '2': '个体工商户', '3': '农民专业合作社' } },
  'A': { name: '中央军委改革和编制办公室', categories: { '1': '军队事业单位', '9': '其他' } },
  'N': { name: '农业', categories: { '1': '组级集体经济组织', '2': '村级集体经济组织', '3': '乡镇级集体经济组织', '9': '其他' } },
  'Y': { name: '其他', categories: { '1': '其他' } },
});

/** Why positions 1–2 are not an authority and a category it assigns, or `undefined` when they are. */
function authorityCategoryProblem(registrationAuthority: string, category: string): string | undefined {
  const authority = Object.hasOwn(CREDIT_CODE_AUTHORITIES, registrationAuthority) ? CREDIT_CODE_AUTHORITIES[registrationAuthority] : undefined;
  if (authority === undefined) {
    return `character 1 "${registrationAuthority}" is not a registration authority (${Object.keys(CREDIT_CODE_AUTHORITIES).join(', ')})`;
  }
  if (!Object.hasOwn(authority.categories, category)) {
    return `characters 1–2 "${registrationAuthority}${category}": category "${category}" is not one of ${authority.name} (${registrationAuthority}): ${Object.keys(authority.categories).join(', ')}`;
  }
  return undefined;
}

const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/**
 * The check character of the first 17 characters: value 31 − (Σ mod 31), 31 → 0.
 *
 * @param first17 17 characters from {@link CREDIT_CODE_ALPHABET}.
 * @throws RangeError when `first17` is malformed (a programming error, not input validation).
 */
export function creditCodeCheckChar(first17: string): string {
  if (first17.length !== 17) throw new RangeError(`creditCodeCheckChar: expected 17 characters, got "${first17}"`);
  let sum = 0;
  for (let index = 0; index < 17; index++) {
    const value = CREDIT_CODE_ALPHABET.indexOf(first17.charAt(index));
    if (value < 0) throw new RangeError(`creditCodeCheckChar: "${first17.charAt(index)}" is not in the credit-code alphabet`);
    sum += value * WEIGHTS[index]!;
  }
  return CREDIT_CODE_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

export interface CreditCodeDetails {
  /** Character 1, e.g. `9` market regulation (工商); a key of {@link CREDIT_CODE_AUTHORITIES}. */
  readonly registrationAuthority: string;
  /** Character 2, e.g. `1` enterprise under authority `9`. */
  readonly category: string;
  /** Characters 3–8: GB/T 2260 area code of the registering authority (`100000` national). */
  readonly areaCode: string;
  /** Characters 9–17: the GB 11714 organisation code, body + its check. */
  readonly organizationCode: string;
  /** Whether characters 9–17 satisfy the GB 11714 check (reported, not enforced; see the module comment). */
  readonly organizationCodeValid: boolean;
}

/**
 * Validates an 18-character unified social credit code: alphabet, check
 * character, then positions 1–2 against {@link CREDIT_CODE_AUTHORITIES} (a
 * typo is named as a wrong check character first).
 */
export function validateCreditCode(value: unknown): ValidationResult<CreditCodeDetails> {
  if (typeof value !== 'string') return notAString('credit code', value);
  if (value.length !== 18) return fail('length', `credit code "${value}" has ${value.length} characters, expected 18`);
  const bad = firstCharacterOutside(value, /[0-9A-HJ-NP-RTUW-Y]/);
  if (bad) return fail('characters', `credit code "${value}": character ${bad.position} "${bad.character}" ${whyNotAllowed(bad.character)}`);
  const given = value.charAt(17);
  const expected = creditCodeCheckChar(value.slice(0, 17));
  if (given !== expected) {
    return fail('check_character', `credit code "${value}": check character is "${given}", expected "${expected}"`);
  }
  const prefixProblem = authorityCategoryProblem(value.charAt(0), value.charAt(1));
  if (prefixProblem) return fail('authority_category', `credit code "${value}": ${prefixProblem}`);
  const organizationCode = value.slice(8, 17);
  return succeed({
    registrationAuthority: value.charAt(0),
    category: value.charAt(1),
    areaCode: value.slice(2, 8),
    organizationCode,
    organizationCodeValid: validateOrganizationCode(organizationCode).ok,
  });
}

function whyNotAllowed(character: string): string {
  if ('IOSVZ'.includes(character)) return 'is not used in credit codes (no I, O, S, V, Z)';
  if (/[a-z]/.test(character)) return 'must be upper-case';
  return 'is not in the credit-code alphabet';
}

export interface MakeCreditCodeInput {
  /** One alphabet character, e.g. `9`. */
  readonly registrationAuthority: string;
  /** One alphabet character, e.g. `1`. */
  readonly category: string;
  /** 6 digits (`100000` for national-level bodies). */
  readonly areaCode: string;
  /**
   * Characters 9–17: 9 alphabet characters used as given, or an 8-character
   * body to which the GB 11714 check is appended. When absent, a random
   * 8-digit body with its GB 11714 check is generated.
   */
  readonly organizationCode?: string;
  /** Source of uniform numbers in [0, 1) for the generated body; pass a seeded one for repeatable output. Default: `node:crypto`. */
  readonly random?: () => number;
}

/**
 * Builds a valid credit code with its check character, for simulators.
 *
 * @throws RangeError when an input is malformed, or the authority and category are not a pair of {@link CREDIT_CODE_AUTHORITIES}.
 */
export function makeCreditCode(input: MakeCreditCodeInput): string {
  const { registrationAuthority, category, areaCode } = input;
  for (const [name, part] of [['registrationAuthority', registrationAuthority], ['category', category]] as const) {
    if (part.length !== 1 || !CREDIT_CODE_ALPHABET.includes(part)) {
      throw new RangeError(`makeCreditCode: ${name} "${part}" is not one credit-code character`);
    }
  }
  const prefixProblem = authorityCategoryProblem(registrationAuthority, category);
  if (prefixProblem) throw new RangeError(`makeCreditCode: ${prefixProblem}`);
  if (!/^\d{6}$/.test(areaCode)) throw new RangeError(`makeCreditCode: areaCode "${areaCode}" is not 6 digits`);
  const organizationCode = makeOrganizationPart(input.organizationCode, input.random);
  const first17 = registrationAuthority + category + areaCode + organizationCode;
  return first17 + creditCodeCheckChar(first17);
}

function makeOrganizationPart(given: string | undefined, random: (() => number) | undefined): string {
  if (given === undefined) {
    const next = random ?? (() => randomInt(0, 2 ** 32) / 2 ** 32);
    let body = '';
    for (let index = 0; index < 8; index++) body += String(Math.min(9, Math.floor(next() * 10)));
    return body + organizationCodeCheckChar(body);
  }
  if (given.length !== 8 && given.length !== 9) {
    throw new RangeError(`makeCreditCode: organizationCode "${given}" must be 8 (body) or 9 (body + check) characters`);
  }
  for (const character of given) {
    if (!CREDIT_CODE_ALPHABET.includes(character)) {
      throw new RangeError(`makeCreditCode: organizationCode "${given}" has "${character}", not in the credit-code alphabet`);
    }
  }
  return given.length === 8 ? given + organizationCodeCheckChar(given) : given;
}
