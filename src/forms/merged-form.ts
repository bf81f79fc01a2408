/**
 * The merged form (一表) of a scenario, derived — never written by hand: the
 * union of the canonical fields the applicable matters' department forms
 * need, each asked once; required when any of those matters requires it.
 * A field that a prerequisite's result will fill (`resultAs`) is not asked:
 * it is filled when the prerequisite completes.
 */
import { TongbanError } from '../errors/index.js';
import { mergedFormSchema, type MergedField } from './form-schema.js';
import type { Mappings, ThemeMatter } from './mappings/types.js';
import type { ThemeContext } from './theme-context.js';

export interface MergedForm {
  readonly fields: readonly MergedField[];
  readonly schema: Record<string, unknown>;
}

/** Merged forms already derived for a context (reused while the catalogue store caches the theme), by scenario. */
const derived = new WeakMap<ThemeContext, Map<string, MergedForm>>();

/**
 * The merged form of the applicable matters. The result is shared between
 * callers for the same context and scenario: treat it as read-only.
 */
export function deriveMergedForm(context: ThemeContext, applicable: readonly ThemeMatter[], mappings: Mappings): MergedForm {
  let forms = derived.get(context);
  if (!forms) derived.set(context, forms = new Map());
  const key = applicable.map((matter) => matter.code).join(',');
  let form = forms.get(key);
  if (!form) forms.set(key, form = buildMergedForm(context, applicable, mappings));
  return form;
}

function buildMergedForm(context: ThemeContext, applicable: readonly ThemeMatter[], mappings: Mappings): MergedForm {
  const fromResults = new Set(applicable.filter((matter) => matter.resultAs && matter.after.length > 0).map((matter) => matter.resultAs!));
  const fields = new Map<string, MergedField>();
  for (const { code } of applicable) {
    const matter = context.matters.get(code)!;
    const mapping = context.matterMappings.get(code)!;
    const required = new Map(matter.formFields.map((field) => [field.code, field.required]));
    for (const field of mapping.fields) {
      if (fromResults.has(field.canonical)) continue;
      const spec = mappings.dictionary.get(field.canonical);
      if (!spec) throw new TongbanError('THEME_NOT_MAPPED', `canonical field ${field.canonical} of ${mapping.file} is not in the dictionary`);
      const previous = fields.get(field.canonical);
      fields.set(field.canonical, { canonical: field.canonical, spec, required: (previous?.required ?? false) || (required.get(field.field) ?? false) });
    }
  }
  const list = [...fields.values()].sort((a, b) => a.canonical.localeCompare(b.canonical));
  return { fields: list, schema: mergedFormSchema(list, `${context.theme.name} · 一表`) };
}
