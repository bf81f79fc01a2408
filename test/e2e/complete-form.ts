/**
 * Completes a merged form the way an applicant would after prefill: every
 * field of the merged form's JSON Schema (as the guide answers it) that no
 * licence filled gets a valid value for its schema. Prefilled values are kept
 * exactly as they are, so the prefill evidence token still verifies them.
 *
 * Values are fixed (the suite is deterministic) and built from the schema
 * alone — enum, format, pattern, type and bounds — never from a per-theme list.
 * A format or pattern this generator has no value for fails loudly, naming the
 * field, so a new one in mappings/dictionary.yaml is noticed here.
 */
import {
  makeCreditCode, makeIdNumber, makeLicenceIdentifier, organizationCodeCheckChar, validateIdNumber,
} from '../../src/domain/identifiers/index.js';
import { SEX_LABEL } from '../../src/forms/form-consistency.js';

/** A merged form: role → member → value (`{ applicant: { name: '…' } }`). */
export type MergedFormValues = Record<string, Record<string, unknown>>;

/** The keywords of one field's JSON Schema that the gateway derives from the dictionary (src/forms/form-schema.ts fieldSchema). */
interface FieldSchema {
  readonly title?: string;
  readonly type: string;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly maxLength?: number;
  readonly minLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
}

const ID_NUMBER = makeIdNumber({ areaCode: '110101', birthDate: '1990-03-07', sequence: 123 });
const CREDIT_CODE = makeCreditCode({ registrationAuthority: '9', category: '1', areaCode: '110101', organizationCode: '12345678' });

/** A value for each JSON Schema format of the merged form (the dictionary's formats, and `date` for type date). */
const BY_FORMAT: Readonly<Record<string, string>> = {
  'id-number': ID_NUMBER,
  'credit-code': CREDIT_CODE,
  'organization-code': `12345678${organizationCodeCheckChar('12345678')}`,
  'licence-identifier': makeLicenceIdentifier({ typeCode: `${CREDIT_CODE}001`, issuerCreditCode: CREDIT_CODE, serial: 'E2E0000001', version: 1 }),
  'area-code': '110101',
  phone: '13800138000',
  date: '2020-06-15',
};

/** A value for each `pattern:` of mappings/dictionary.yaml, by pattern. */
const BY_PATTERN: Readonly<Record<string, string>> = {
  '^[0-9]{8,32}$': '6222020200112233445', // 银行账号
  '^[0-9]{17}[0-9X][1-7][1-4]$': `${ID_NUMBER}11`, // 残疾人证号: the holder's ID number, category, level
  '^([01][0-9]|2[0-3]):[0-5][0-9]$': '08:30', // 出生时间
  '^[A-Z][0-9]{9}$': 'P123456789', // 出生医学证明编号
  '^[0-9]{12}[A-Z]{2}[0-9]{5}[A-Z][0-9]{8}$': '110101001001GB00001F00010001', // 不动产单元号
  '^[A-HJ-NPR-Z0-9]{17}$': 'LSVAU2180N2183294', // 车辆识别代号 (VIN)
  '^TS[0-9]{4}[0-9A-Z]{3}-[0-9]{4}$': 'TS3344903-2030', // 特种设备生产许可证编号 (MX-T39)
  '^[0-9A-Z]{10,30}$': '31104403202700125', // 特种设备 设备代码 (MX-T39)
};

/**
 * The prefilled form with every field of `schema` it lacks filled in.
 *
 * @param schema the merged form's JSON Schema (`guide.form`): role → object of member schemas.
 * @param prefilled the form `/v1/prefill` answered; not modified, and its values are kept as given.
 * @throws Error naming the field when no valid value can be built for its schema.
 */
export function completeForm(schema: Record<string, unknown>, prefilled: MergedFormValues): MergedFormValues {
  const form = structuredClone(prefilled);
  const groups = schema['properties'] as Record<string, { properties: Record<string, FieldSchema> }>;
  for (const [group, { properties }] of Object.entries(groups)) {
    const filled = new Set<string>();
    for (const [member, field] of Object.entries(properties)) {
      if (form[group]?.[member] !== undefined) continue;
      (form[group] ??= {})[member] = valueFor(`${group}.${member}`, field);
      filled.add(member);
    }
    agreeWithIdNumber(form[group] ?? {}, filled);
  }
  return form;
}

/** A person's birth date and sex, where this generator filled them, as the same person's ID number gives them (intake checks they agree). */
function agreeWithIdNumber(person: Record<string, unknown>, filled: ReadonlySet<string>): void {
  const id = validateIdNumber(person['idNumber']);
  if (!id.ok) return;
  if (filled.has('birthDate')) person['birthDate'] = id.birthDate;
  if (filled.has('sex')) person['sex'] = SEX_LABEL[id.sex];
}

function valueFor(canonical: string, field: FieldSchema): unknown {
  if (field.enum) return field.enum[0];
  switch (field.type) {
    case 'string': return checked(canonical, field, stringFor(canonical, field));
    case 'integer':
    case 'number': return numberWithin(canonical, field);
    case 'boolean': return true;
    default: throw new Error(`completeForm: ${canonical} has type "${field.type}", which completeForm cannot fill`);
  }
}

function stringFor(canonical: string, field: FieldSchema): string {
  if (field.format !== undefined) {
    const value = BY_FORMAT[field.format];
    if (value === undefined) throw new Error(`completeForm: ${canonical} has format "${field.format}", for which completeForm has no value: add one to BY_FORMAT`);
    return value;
  }
  if (field.pattern !== undefined) {
    const value = BY_PATTERN[field.pattern];
    if (value === undefined) throw new Error(`completeForm: ${canonical} has pattern "${field.pattern}", for which completeForm has no value: add one to BY_PATTERN`);
    return value;
  }
  // Short Chinese text: the field's own label, which keeps the department forms readable.
  const text = [...(field.title ?? '示例文本')];
  while (text.length < (field.minLength ?? 0)) text.push('示');
  return text.slice(0, field.maxLength).join('');
}

/** Fails loudly when a built string does not fit its schema (a value table out of step with the dictionary). */
function checked(canonical: string, field: FieldSchema, value: string): string {
  const length = [...value].length; // JSON Schema counts code points
  if (field.pattern !== undefined && !new RegExp(field.pattern, 'u').test(value)) {
    throw new Error(`completeForm: "${value}" built for ${canonical} does not match its pattern "${field.pattern}"`);
  }
  if (field.maxLength !== undefined && length > field.maxLength) throw new Error(`completeForm: "${value}" built for ${canonical} is longer than maxLength ${field.maxLength}`);
  if (field.minLength !== undefined && length < field.minLength) throw new Error(`completeForm: "${value}" built for ${canonical} is shorter than minLength ${field.minLength}`);
  return value;
}

/** The middle of the field's range (an integer for type integer); an open range is taken as [minimum or 0, that + 100]. */
function numberWithin(canonical: string, field: FieldSchema): number {
  const low = field.minimum ?? Math.min(0, field.maximum ?? 0);
  const high = field.maximum ?? low + 100;
  const middle = low + (high - low) / 2;
  const value = field.type === 'integer' ? Math.floor(middle) : middle;
  if (value < low || value > high) throw new Error(`completeForm: no ${field.type} in [${low}, ${high}] for ${canonical}`);
  return value;
}
