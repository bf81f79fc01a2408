/**
 * Guide (办事指南): answers → the matters that apply, in order, one
 * de-duplicated material list (materials a licence can supply marked so), and
 * the merged form narrowed to the scenario.
 */
import type { Mappings } from './mappings/types.js';
import { deriveMergedForm } from './merged-form.js';
import { applicableMatters, resolveAnswers, type Answers } from './scenario.js';
import type { ThemeContext } from './theme-context.js';

export interface GuideMatter {
  code: string;
  name: string;
  department: { code: string; name: string };
  promisedDays: number;
  statutoryDays: number;
  /** 前置事项 among the applicable matters. */
  after: string[];
}

export interface GuideMaterial {
  code: string;
  name: string;
  form: 'original' | 'copy';
  required: boolean;
  /** Matters that ask for it (it is handed in once). */
  matters: string[];
  /** Set when an electronic licence supplies it: no upload needed once prefilled. */
  suppliedByLicence?: { licenceType: string; subject: string };
}

export interface Guide {
  theme: { code: string; name: string };
  answers: Answers;
  matters: GuideMatter[];
  materials: GuideMaterial[];
  /** Licence types (and whose) prefill would fetch for this scenario. */
  licences: { licenceType: string; subject: string }[];
  form: Record<string, unknown>;
}

export function buildGuide(context: ThemeContext, givenAnswers: unknown, mappings: Mappings): Guide {
  const answers = resolveAnswers(context.mapping, givenAnswers);
  const ordered = applicableMatters(context.mapping, answers);
  const codes = ordered.map((matter) => matter.code);
  const materials = new Map<string, GuideMaterial>();
  const licences = new Map<string, { licenceType: string; subject: string }>();
  for (const code of codes) {
    const matter = context.matters.get(code)!;
    const mapping = context.matterMappings.get(code)!;
    for (const use of mapping.licences) licences.set(`${use.licenceType}/${use.subject}`, { ...use });
    for (const material of matter.materials) {
      const entry = materials.get(material.code) ?? { code: material.code, name: material.name, form: material.form, required: false, matters: [] };
      entry.required ||= material.required;
      if (material.form === 'original') entry.form = 'original';
      entry.matters.push(code);
      const supplied = mapping.materials.get(material.code);
      if (supplied && !entry.suppliedByLicence) entry.suppliedByLicence = { ...supplied };
      materials.set(material.code, entry);
    }
  }
  return {
    theme: { code: context.theme.code, name: context.theme.name },
    answers,
    matters: ordered.map((entry) => {
      const matter = context.matters.get(entry.code)!;
      return { code: matter.code, name: matter.name, department: { ...matter.department }, promisedDays: matter.promisedDays, statutoryDays: matter.statutoryDays, after: [...entry.after] };
    }),
    materials: [...materials.values()],
    licences: [...licences.values()],
    form: deriveMergedForm(context, ordered, mappings).schema,
  };
}
