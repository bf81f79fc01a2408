/**
 * Wire matter → Tongban `Matter`. Translation tables with explicit defaults,
 * and the consistency checks the codes allow (GB/T 39554.1: the
 * implementation code ends with the basic code and carries the level; the
 * basic code carries the matter type).
 */
import { validateBasicCode, validateImplementationCode } from '../../src/domain/identifiers/index.js';
import { NO_COMMITMENT, NO_DEFERRAL, type FormField, type FormFieldType, type Material, type MaterialForm, type Matter } from '../../src/domain/matter-catalog.js';
import type { FeeGate, FeeItem } from '../../src/domain/payment.js';
import type { WireChargeItem, WireFormField, WireMaterial, WireMatter } from './matter-system-api.js';
import { WireValueError } from './matter-system-error.js';
import { toIso } from './map-theme.js';

/** `materialForm`: '3' 原件及复印件 asks for the original too. */
export const MATERIAL_FORMS: Readonly<Record<string, MaterialForm>> = { 1: 'original', 2: 'copy', 3: 'original' };
/** Unknown forms ask for the original: bringing more than needed never blocks an application. */
export const DEFAULT_MATERIAL_FORM: MaterialForm = 'original';

/**
 * 容缺 and 告知承诺 when the record sets no flag (records written before the
 * province set them): not allowed — a material is then handed in before acceptance,
 * which no department can refuse.
 */
export const DEFAULT_DEFERRAL = NO_DEFERRAL;
export const DEFAULT_COMMITMENT = NO_COMMITMENT;

/** `fieldType` (the upstream's widget names). */
export const FIELD_TYPES: Readonly<Record<string, FormFieldType>> = {
  text: 'string', textarea: 'string', date: 'date', select: 'enum', radio: 'enum', number: 'number',
  mobile: 'phone', idcard: 'idNumber', uscc: 'creditCode',
};
/** An unknown widget still holds a value: a string, which every department form accepts. */
export const DEFAULT_FIELD_TYPE: FormFieldType = 'string';

/** @throws WireValueError naming the field at fault. */
export function mapMatter(wire: WireMatter): Matter {
  const basic = validateBasicCode(wire.catalogCode);
  if (!basic.ok) throw new WireValueError('/catalogCode', basic.reason);
  const implementation = validateImplementationCode(wire.taskCode);
  if (!implementation.ok) throw new WireValueError('/taskCode', implementation.reason);
  if (implementation.basicCode !== wire.catalogCode) {
    throw new WireValueError('/taskCode', `implementation code "${wire.taskCode}" does not end with the basic code "${wire.catalogCode}"`);
  }
  if (String(implementation.exerciseLevel) !== wire.useLevel) {
    throw new WireValueError('/useLevel', `level "${wire.useLevel}" differs from the implementation code's "${implementation.exerciseLevel}"`);
  }
  if (wire.taskType !== basic.matterType) {
    throw new WireValueError('/taskType', `matter type "${wire.taskType}" differs from the basic code's "${basic.matterType}"`);
  }
  return {
    code: wire.catalogCode,
    implementationCode: wire.taskCode,
    name: wire.taskName,
    department: { code: wire.deptCode, name: wire.deptName },
    type: basic.matterType,
    level: implementation.exerciseLevel,
    statutoryDays: wire.legalTimeLimit,
    promisedDays: wire.promiseTimeLimit,
    materials: wire.materials.map((material, index) => mapMaterial(material, `/materials/${index}`)),
    formFields: wire.formFields.map(mapFormField),
    notes: wire.remark,
    ...(wire.chargeItems && wire.chargeItems.length > 0 ? { fees: wire.chargeItems.map((item, index) => mapChargeItem(item, `/chargeItems/${index}`)) } : {}),
    updatedAt: toIso(wire.updateTime, '/updateTime'),
    version: wire.version,
  };
}

/** @throws WireValueError when a flag is set without its parameter (a 容缺 with no period, a 告知承诺 with no text). */
function mapMaterial(wire: WireMaterial, pointer: string): Material {
  let deferral = DEFAULT_DEFERRAL;
  if (wire.isTolerant === '1') {
    if (wire.tolerantDays === undefined || wire.tolerantDays < 1) throw new WireValueError(`${pointer}/tolerantDays`, `material "${wire.materialCode}" allows 容缺 but gives no period (working days ≥ 1)`);
    deferral = { allowed: true, days: wire.tolerantDays };
  }
  let commitment = DEFAULT_COMMITMENT;
  if (wire.isPromise === '1') {
    const text = (wire.promiseContent ?? '').trim();
    if (text === '') throw new WireValueError(`${pointer}/promiseContent`, `material "${wire.materialCode}" allows 告知承诺 but gives no commitment text`);
    commitment = { allowed: true, text };
  }
  return {
    code: wire.materialCode,
    name: wire.materialName,
    form: Object.hasOwn(MATERIAL_FORMS, wire.materialForm) ? MATERIAL_FORMS[wire.materialForm]! : DEFAULT_MATERIAL_FORM,
    required: wire.isRequired === '1',
    licenceType: wire.licenceName === '' ? undefined : wire.licenceName,
    deferral,
    commitment,
  };
}

function mapFormField(wire: WireFormField, index: number): FormField {
  const type = Object.hasOwn(FIELD_TYPES, wire.fieldType) ? FIELD_TYPES[wire.fieldType]! : DEFAULT_FIELD_TYPE;
  const options = type === 'enum' ? (wire.options ?? []).map(({ value, label }) => ({ value, label })) : [];
  if (type === 'enum' && options.length === 0) throw new WireValueError(`/formFields/${index}/options`, `choice field "${wire.fieldCode}" has no options`);
  return { code: wire.fieldCode, label: wire.fieldName, type, required: wire.isRequired === '1', options };
}

/** `chargeStage`: '1' 受理前缴费, '2' 出证前缴费. No default: a fee gating nothing known would let an unpaid matter through. */
export const CHARGE_STAGES: Readonly<Record<string, FeeGate>> = { 1: 'before-acceptance', 2: 'before-results' };

/** @throws WireValueError for an unknown stage. */
function mapChargeItem(wire: WireChargeItem, pointer: string): FeeItem {
  if (!Object.hasOwn(CHARGE_STAGES, wire.chargeStage)) throw new WireValueError(`${pointer}/chargeStage`, `unknown charge stage "${wire.chargeStage}" of fee "${wire.chargeCode}"`);
  return { code: wire.chargeCode, name: wire.chargeName, amountFen: wire.chargeAmount, gate: CHARGE_STAGES[wire.chargeStage]! };
}
