/**
 * Guide (办事指南): answers → the matters that apply, in order, one material
 * list by identity (materials.ts: each with the matters asking for it and the
 * ways it can be satisfied), and the merged form narrowed to the scenario.
 */
import type { Mappings } from './mappings/types.js';
import { materialsOfScenario, type ScenarioMaterial } from './materials.js';
import { deriveMergedForm } from './merged-form.js';
import { applicableMatters, resolveAnswers, subjectBindings, type Answers } from './scenario.js';
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

export interface Guide {
  theme: { code: string; name: string };
  answers: Answers;
  matters: GuideMatter[];
  /** One entry per material identity over the applicable matters. */
  materials: ScenarioMaterial[];
  /** Licence types (and whose) prefill would fetch for this scenario. */
  licences: { licenceType: string; subject: string }[];
  form: Record<string, unknown>;
}

export function buildGuide(context: ThemeContext, givenAnswers: unknown, mappings: Mappings): Guide {
  const answers = resolveAnswers(context.mapping, givenAnswers);
  const ordered = applicableMatters(context.mapping, answers);
  const codes = ordered.map((matter) => matter.code);
  // A subject that is another under these answers (sameAs: the 监护人 is the mother) uses that subject's licences.
  const bound = subjectBindings(context.mapping, answers);
  const licences = new Map<string, { licenceType: string; subject: string }>();
  for (const code of codes) {
    for (const use of context.matterMappings.get(code)!.licences) {
      const subject = bound.get(use.subject) ?? use.subject;
      licences.set(`${use.licenceType}/${subject}`, { licenceType: use.licenceType, subject });
    }
  }
  return {
    theme: { code: context.theme.code, name: context.theme.name },
    answers,
    matters: ordered.map((entry) => {
      const matter = context.matters.get(entry.code)!;
      return { code: matter.code, name: matter.name, department: { ...matter.department }, promisedDays: matter.promisedDays, statutoryDays: matter.statutoryDays, after: [...entry.after] };
    }),
    materials: materialsOfScenario(context, codes, mappings, bound),
    licences: [...licences.values()],
    form: deriveMergedForm(context, ordered, mappings).schema,
  };
}
