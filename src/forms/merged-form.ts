/**
 * The merged form (一表) of a scenario, derived — never written by hand: the
 * union of the canonical fields the applicable matters' department forms
 * need, each asked once; required when any of those matters requires it.
 */
import { TongbanError } from '../errors/index.js';
import { mergedFormSchema, type MergedField } from './form-schema.js';
import type { Mappings } from './mappings/types.js';
import type { ThemeContext } from './theme-context.js';

export interface MergedForm {
  readonly fields: readonly MergedField[];
  readonly schema: Record<string, unknown>;
}

export function deriveMergedForm(context: ThemeContext, matterCodes: readonly string[], mappings: Mappings): MergedForm {
  const fields = new Map<string, MergedField>();
  for (const code of matterCodes) {
    const matter = context.matters.get(code)!;
    const mapping = context.matterMappings.get(code)!;
    const required = new Map(matter.formFields.map((field) => [field.code, field.required]));
    for (const field of mapping.fields) {
      const spec = mappings.dictionary.get(field.canonical);
      if (!spec) throw new TongbanError('THEME_NOT_MAPPED', `canonical field ${field.canonical} of ${mapping.file} is not in the dictionary`);
      const previous = fields.get(field.canonical);
      fields.set(field.canonical, { canonical: field.canonical, spec, required: (previous?.required ?? false) || (required.get(field.field) ?? false) });
    }
  }
  const list = [...fields.values()].sort((a, b) => a.canonical.localeCompare(b.canonical));
  return { fields: list, schema: mergedFormSchema(list, `${context.theme.name} · 一表`) };
}
