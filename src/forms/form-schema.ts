/**
 * The merged form (一表) as JSON Schema, and its validation with ajv. The form
 * is a nested object by role: `{ applicant: { name, idNumber }, child: {…} }`,
 * so a field at fault is named by its JSON Pointer (`/applicant/idNumber`).
 * Identifier formats are checked with the validators of src/domain/identifiers (docs/domain.md#identifiers).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FieldError } from '../errors/index.js';
import { validateAreaCode, validateCreditCode, validateIdNumber, validateLicenceIdentifier, validateOrganizationCode, validatePhone } from '../domain/identifiers/index.js';
import type { CanonicalFormat, FieldSpec } from './mappings/types.js';

const FORMAT_NAMES: Readonly<Record<CanonicalFormat, string>> = {
  idNumber: 'id-number', creditCode: 'credit-code', organizationCode: 'organization-code',
  licenceIdentifier: 'licence-identifier', areaCode: 'area-code', phone: 'phone',
};

const FORMAT_CHECKS: Readonly<Record<string, (value: string) => { ok: boolean; reason?: string }>> = {
  'id-number': (value) => validateIdNumber(value),
  'credit-code': (value) => validateCreditCode(value),
  'organization-code': (value) => validateOrganizationCode(value),
  'licence-identifier': (value) => validateLicenceIdentifier(value),
  'area-code': (value) => validateAreaCode(value),
  phone: (value) => validatePhone(value),
};

const ajv = new Ajv({ allErrors: true, strict: false });
for (const [name, check] of Object.entries(FORMAT_CHECKS)) ajv.addFormat(name, { type: 'string', validate: (value: string) => check(value).ok });
ajv.addFormat('date', { type: 'string', validate: (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value) });

/** JSON Schema of one canonical field. */
export function fieldSchema(spec: FieldSpec): Record<string, unknown> {
  const schema: Record<string, unknown> = { title: spec.label };
  switch (spec.type) {
    case 'date': Object.assign(schema, { type: 'string', format: 'date' }); break;
    default: schema['type'] = spec.type;
  }
  if (spec.format) schema['format'] = FORMAT_NAMES[spec.format];
  for (const key of ['enum', 'maxLength', 'minLength', 'pattern', 'minimum', 'maximum'] as const) if (spec[key] !== undefined) schema[key] = spec[key];
  return schema;
}

/** A merged-form field: canonical name, spec, and whether some applicable matter requires it. */
export interface MergedField {
  readonly canonical: string;
  readonly spec: FieldSpec;
  readonly required: boolean;
}

/** The nested JSON Schema of a merged form. */
export function mergedFormSchema(fields: readonly MergedField[], title: string): Record<string, unknown> {
  const groups = new Map<string, { properties: Record<string, unknown>; required: string[] }>();
  for (const field of fields) {
    const [group, member] = field.canonical.split('.') as [string, string];
    const entry = groups.get(group) ?? { properties: {}, required: [] };
    entry.properties[member] = fieldSchema(field.spec);
    if (field.required) entry.required.push(member);
    groups.set(group, entry);
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title,
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries([...groups].map(([group, entry]) => [group, {
      type: 'object', additionalProperties: false, properties: entry.properties, ...(entry.required.length ? { required: entry.required } : {}),
    }])),
    required: [...groups].filter(([, entry]) => entry.required.length > 0).map(([group]) => group),
  };
}

const cache = new Map<string, ValidateFunction>();
/** Validators by schema object, so a schema reused (a cached merged form) is not serialised again. */
const bySchema = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  let validate = bySchema.get(schema);
  if (validate) return validate;
  const key = JSON.stringify(schema);
  validate = cache.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    if (cache.size > 200) cache.clear();
    cache.set(key, validate);
  }
  bySchema.set(schema, validate);
  return validate;
}

/**
 * Validates a form against a merged-form schema; returns every field at fault
 * (JSON Pointers relative to the form, prefixed with `pointerPrefix`).
 */
export function validateForm(schema: Record<string, unknown>, form: unknown, pointerPrefix = ''): FieldError[] {
  const validate = validatorFor(schema);
  if (validate(form)) return [];
  return (validate.errors ?? []).map((error) => toFieldError(error, form, pointerPrefix));
}

function toFieldError(error: ErrorObject, form: unknown, prefix: string): FieldError {
  if (error.keyword === 'required') return { pointer: `${prefix}${error.instancePath}/${String((error.params as { missingProperty: string }).missingProperty)}`, message: 'is required' };
  if (error.keyword === 'additionalProperties') return { pointer: `${prefix}${error.instancePath}/${String((error.params as { additionalProperty: string }).additionalProperty)}`, message: 'is not a field of this form' };
  if (error.keyword === 'format') {
    const check = FORMAT_CHECKS[String((error.params as { format: string }).format)] as ((value: string) => { ok: boolean; reason?: string }) | undefined;
    const value = error.instancePath.split('/').slice(1).reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], form);
    const reason = check && typeof value === 'string' ? check(value).reason : undefined;
    return { pointer: `${prefix}${error.instancePath}`, message: reason ?? `must be a valid ${String((error.params as { format: string }).format)}` };
  }
  return { pointer: `${prefix}${error.instancePath}`, message: error.message ?? 'is invalid' };
}

const fieldValidators = new Map<string, ValidateFunction>();

/** Whether a value fits a canonical field's spec (type, enum, format…), with the reason when not. */
export function checkFieldValue(canonical: string, spec: FieldSpec, value: unknown): string | undefined {
  let validate = fieldValidators.get(canonical);
  if (!validate) {
    validate = ajv.compile(fieldSchema(spec));
    fieldValidators.set(canonical, validate);
  }
  if (validate(value)) return undefined;
  const error = validate.errors?.[0];
  if (error?.keyword === 'format' && typeof value === 'string') {
    const check = FORMAT_CHECKS[String((error.params as { format: string }).format)] as ((text: string) => { ok: boolean; reason?: string }) | undefined;
    return check?.(value).reason ?? error.message;
  }
  return error?.message ?? 'is invalid';
}

/** `group.member` → its two parts, split once per canonical field (split runs for every field of every submission). */
const fieldParts = new Map<string, readonly [string, string]>();

function partsOf(canonical: string): readonly [string, string] {
  let parts = fieldParts.get(canonical);
  if (!parts) {
    const dot = canonical.indexOf('.');
    parts = [canonical.slice(0, dot), canonical.slice(dot + 1)];
    if (fieldParts.size < 10_000) fieldParts.set(canonical, parts);
  }
  return parts;
}

/** Reads `group.member` from a nested form. */
export function getField(form: Readonly<Record<string, unknown>>, canonical: string): unknown {
  const [group, member] = partsOf(canonical);
  return (form[group] as Record<string, unknown> | undefined)?.[member];
}

/** Writes `group.member` into a nested form. */
export function setField(form: Record<string, Record<string, unknown>>, canonical: string, value: unknown): void {
  const [group, member] = partsOf(canonical);
  (form[group] ??= {})[member] = value;
}
