/**
 * The simulator's records in the upstream's wire format (matter-system-api.ts).
 * The simulator has its own tables rather than inverting the adapter's, so
 * a mistake in one side's table shows up in the contract tests.
 */
import type { FormFieldType, MaterialForm, SubjectType, ThemeStatus } from '../../../src/domain/matter-catalog.js';
import type { FeeGate } from '../../../src/domain/payment.js';
import type { WireMatter, WireTheme } from '../matter-system-api.js';
import type { TrackedMatter, TrackedTheme } from './catalogue-state.js';

const SERVICE_OBJECT: Record<SubjectType, string> = { personal: '1', enterprise: '2' };
const THEME_STATUS: Record<ThemeStatus, string> = { active: '1', withdrawn: '2' };
const MATERIAL_FORM: Record<MaterialForm, string> = { original: '1', copy: '2' };
const CHARGE_STAGE: Record<FeeGate, string> = { 'before-acceptance': '1', 'before-results': '2' };
const FIELD_TYPE: Record<FormFieldType, string> = {
  string: 'text', date: 'date', enum: 'select', number: 'number', phone: 'mobile', idNumber: 'idcard', creditCode: 'uscc',
};

export function toWireTheme(theme: TrackedTheme, matterOf: (code: string) => TrackedMatter | undefined): WireTheme {
  return {
    themeCode: theme.code,
    themeName: theme.name,
    seqNo: theme.sequence,
    serviceObject: SERVICE_OBJECT[theme.subjectType],
    handleAddress: theme.serviceHall,
    remark: theme.notes,
    status: THEME_STATUS[theme.status],
    matters: theme.matterCodes.map((code, index) => {
      const matter = matterOf(code);
      return { catalogCode: code, taskName: matter?.name ?? '', deptName: matter?.department.name ?? '', sort: index + 1 };
    }),
    updateTime: theme.updatedAt,
    version: theme.version,
  };
}

export function toWireMatter(matter: TrackedMatter): WireMatter {
  return {
    catalogCode: matter.code,
    taskCode: matter.implementationCode,
    taskName: matter.name,
    taskType: matter.type,
    deptName: matter.department.name,
    deptCode: matter.department.code,
    useLevel: String(matter.level),
    legalTimeLimit: matter.statutoryDays,
    promiseTimeLimit: matter.promisedDays,
    remark: matter.notes,
    materials: matter.materials.map((material) => ({
      materialCode: material.code,
      materialName: material.name,
      materialForm: MATERIAL_FORM[material.form],
      isRequired: material.required ? '1' : '0',
      licenceName: material.licenceType ?? '',
      isTolerant: material.deferral.allowed ? '1' : '0',
      tolerantDays: material.deferral.allowed ? material.deferral.days : 0,
      isPromise: material.commitment.allowed ? '1' : '0',
      promiseContent: material.commitment.allowed ? material.commitment.text : '',
    })),
    formFields: matter.formFields.map((field) => ({
      fieldCode: field.code,
      fieldName: field.label,
      fieldType: FIELD_TYPE[field.type],
      isRequired: field.required ? '1' : '0',
      ...(field.type === 'enum' ? { options: field.options.map(({ value, label }) => ({ value, label })) } : {}),
    })),
    ...(matter.fees && matter.fees.length > 0 ? {
      chargeItems: matter.fees.map((fee) => ({ chargeCode: fee.code, chargeName: fee.name, chargeAmount: fee.amountFen, chargeStage: CHARGE_STAGE[fee.gate] })),
    } : {}),
    updateTime: matter.updatedAt,
    version: matter.version,
  };
}
