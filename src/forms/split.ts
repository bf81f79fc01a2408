/**
 * Split (拆分): a merged form → one department form per matter, carrying only
 * the fields that matter needs (in the department's own field codes and
 * value formats), each with its provenance.
 */
import { getField } from './form-schema.js';
import type { Mappings } from './mappings/types.js';
import { resolveTransform, TransformError } from './transforms.js';
import type { ThemeContext } from './theme-context.js';

/** Where a department field's value came from: a verified licence, the applicant, or the matter itself (a constant of its mapping). */
export type FieldSource = { source: 'licence'; licenceIdentifier: string; verified: true } | { source: 'user' } | { source: 'matter' };

export interface DepartmentForm {
  readonly matterCode: string;
  readonly departmentCode: string;
  /** Department field code → value. */
  readonly fields: Record<string, unknown>;
  /** Department field code → where its value came from. */
  readonly provenance: Record<string, FieldSource>;
}

export class SplitError extends Error {
  override readonly name = 'SplitError';
  constructor(readonly pointer: string, message: string) {
    super(message);
  }
}

/**
 * @param sources canonical field → source (fields absent here are user-provided).
 * @throws SplitError when a value cannot be converted for a department (e.g. a code table lacks it).
 */
export function splitForm(context: ThemeContext, matterCodes: readonly string[], form: Readonly<Record<string, unknown>>,
  sources: Readonly<Record<string, FieldSource>>, mappings: Mappings): DepartmentForm[] {
  return matterCodes.map((code) => {
    const mapping = context.matterMappings.get(code)!;
    const fields: Record<string, unknown> = {};
    const provenance: Record<string, FieldSource> = {};
    for (const field of mapping.fields) {
      const value = getField(form, field.canonical);
      if (value === undefined) continue;
      try {
        fields[field.field] = field.transform ? resolveTransform(field.transform, mappings.codeTables)!(value) : value;
      } catch (error) {
        if (error instanceof TransformError) throw new SplitError(`/form/${field.canonical.replace('.', '/')}`, `${error.message} (needed by ${mapping.name}, field ${field.field})`);
        throw error;
      }
      provenance[field.field] = sources[field.canonical] ?? { source: 'user' };
    }
    for (const constant of mapping.constants) {
      fields[constant.field] = constant.departmentValue; // converted once, when the mappings were loaded
      provenance[constant.field] = { source: 'matter' };
    }
    return { matterCode: code, departmentCode: mapping.department, fields, provenance };
  });
}
