/**
 * Guide (办事指南): answers → the matters that apply, in order, one material
 * list by identity (materials.ts: each with the matters asking for it and the
 * ways it can be satisfied), and the merged form narrowed to the scenario.
 */
import { SHARED_RESOURCES, isSharedResourceKey } from '../domain/shared-data.js';
import type { Mappings, MatterMapping } from './mappings/types.js';
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

/**
 * A shared-data resource (docs/shared-data.md) the scenario reads to prefill or verifies at intake, whose, and for
 * which matters: what the holder's authorisation must name (its `licenceTypes` take resource keys).
 */
export interface GuideSharedData {
  resource: string;
  subject: string;
  /** 共享目录编码. */
  resourceCode: string;
  resourceName: string;
  /** `prefill`: its records fill fields (`sharedData:`); `verification`: a statement about it is verified at intake (`verifications:`). */
  use: 'prefill' | 'verification';
  /** The applicable matters naming it, in order. */
  matters: string[];
}

export interface Guide {
  theme: { code: string; name: string };
  answers: Answers;
  matters: GuideMatter[];
  /** One entry per material identity over the applicable matters. */
  materials: readonly ScenarioMaterial[];
  /** Licence types (and whose) prefill would fetch for this scenario. */
  licences: { licenceType: string; subject: string }[];
  /** Shared-data resources (and whose) the scenario reads or verifies; empty when none. */
  sharedData: GuideSharedData[];
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
    sharedData: sharedDataOfScenario(codes.map((code) => context.matterMappings.get(code)!), bound),
    form: deriveMergedForm(context, ordered, mappings).schema,
  };
}

/** One entry per resource, subject (resolved like licences: sameAs) and use over the matters' `sharedData:` and `verifications:`. */
function sharedDataOfScenario(matters: readonly MatterMapping[], bound: ReadonlyMap<string, string>): GuideSharedData[] {
  const entries = new Map<string, GuideSharedData>();
  const add = (matter: MatterMapping, resource: string, given: string, use: GuideSharedData['use']) => {
    const subject = bound.get(given) ?? given;
    const key = `${resource}/${subject}/${use}`;
    const entry = entries.get(key);
    if (entry) {
      if (!entry.matters.includes(matter.matter)) entry.matters.push(matter.matter);
      return;
    }
    const info = isSharedResourceKey(resource) ? SHARED_RESOURCES[resource] : undefined;
    entries.set(key, { resource, subject, resourceCode: info?.code ?? resource, resourceName: info?.name ?? resource, use, matters: [matter.matter] });
  };
  for (const matter of matters) {
    for (const use of matter.sharedData ?? []) add(matter, use.resource, use.subject, 'prefill');
    for (const verification of matter.verifications ?? []) add(matter, verification.resource, verification.subject, 'verification');
  }
  return [...entries.values()];
}
