/**
 * One set of materials (一套材料, docs/materials.md §2–3): a scenario's
 * materials listed once per material identity over its matters, each with the
 * matters that ask for it under their own code and name, and the ways it can
 * be satisfied; and each matter's own materials with their identities (what
 * its department receives).
 *
 * Rules (the strictest wins, so whatever the applicant picks is acceptable to
 * every department that asks):
 * - `required` and `form: 'original'` when any asking matter says so;
 * - `prerequisite` when EVERY asking matter waits (directly, `after`) for a
 *   matter of the scenario whose result the identity is; it is then the only
 *   way: the document does not exist before that matter finishes;
 * - otherwise `licence` when a matter mapping marks a licence for it,
 *   `generated` (Tongban renders the department form; no upload) or `upload`,
 *   then `commitment` / `deferred` only when EVERY asking matter allows it —
 *   the deferral period is the smallest, the commitment text the first
 *   matter's (each department receives its own matter's text: `matters[].commitment`).
 * A catalogue material no identity takes (the catalogue changed after
 * `tongban mappings check`) stands alone under its matter's own code, upload only.
 */
import type { MaterialMediaType } from '../domain/materials.js';
import type { Material, MaterialForm } from '../domain/matter-catalog.js';
import { resolveMaterial } from './mappings/resolve-material.js';
import { ALL_MATERIAL_MEDIA_TYPES, type LicenceUse, type Mappings } from './mappings/types.js';
import type { ThemeContext } from './theme-context.js';

/** How a material may be satisfied (in this order of preference). */
export type MaterialWay = 'licence' | 'prerequisite' | 'generated' | 'upload' | 'commitment' | 'deferred';

/** A matter's own material with its identity. */
export interface MatterMaterial extends Material {
  /** Material identity (`CL001`); the matter's own code when no identity takes it. */
  readonly identity: string;
}

/** One matter asking for a scenario material, in that matter's own terms. */
export interface ScenarioMaterialMatter {
  readonly matterCode: string;
  /** The matter's own material code and name. */
  readonly code: string;
  readonly name: string;
  readonly required: boolean;
  readonly form: MaterialForm;
  /** The licence this matter's mapping takes for it, and whose. */
  readonly licence?: LicenceUse;
  /** Present when this matter allows 容缺. */
  readonly deferral?: { readonly days: number };
  /** Present when this matter allows 告知承诺, with its text. */
  readonly commitment?: { readonly text: string };
}

/** One material identity over a scenario's matters. */
export interface ScenarioMaterial {
  /** Material identity, e.g. `CL001`. */
  readonly code: string;
  readonly name: string;
  readonly form: MaterialForm;
  readonly required: boolean;
  readonly matters: readonly ScenarioMaterialMatter[];
  readonly ways: readonly MaterialWay[];
  readonly licence?: LicenceUse;
  /** The scenario's matter whose result supplies it. */
  readonly prerequisite?: { readonly matterCode: string; readonly resultName: string };
  /** 容缺: every asking matter allows it; the smallest period (working days after acceptance). */
  readonly deferral?: { readonly days: number };
  /** 告知承诺: every asking matter allows it. */
  readonly commitment?: { readonly text: string };
  /** Media types a file of it may have. */
  readonly mediaTypes: readonly MaterialMediaType[];
}

/**
 * The matter's own materials, each with its identity.
 * @throws Error when the matter is not one of the context's theme.
 */
export function materialsOfMatter(context: ThemeContext, matterCode: string, mappings: Mappings): readonly MatterMaterial[] {
  return remembered(context, mappings, `matter ${matterCode}`, () => {
    const matter = context.matters.get(matterCode);
    if (!matter) throw new Error(`matter ${matterCode} is not one of theme ${context.theme.code}'s`);
    return matter.materials.map((material) => ({ ...material, identity: resolveMaterial(mappings, matterCode, material).identity?.code ?? material.code }));
  });
}

/**
 * One entry per material identity over the given matters (the scenario's applicable ones, in order).
 * @param bound subjects that are another under the scenario's answers (`subjectBindings`): their licences are that subject's.
 */
export function materialsOfScenario(context: ThemeContext, matterCodes: readonly string[], mappings: Mappings,
  bound: ReadonlyMap<string, string> = new Map()): readonly ScenarioMaterial[] {
  const key = `scenario ${JSON.stringify([matterCodes, [...bound]])}`;
  return remembered(context, mappings, key, () => scenarioMaterials(context, matterCodes, mappings, bound));
}

/**
 * Both lists are pure functions of the theme context (rebuilt when its
 * catalogue entries or the mappings change: theme-context.ts), the mappings
 * and the arguments, and every submission and guide asks for them again: each
 * is computed once per context and key. The callers only read them. Bounded:
 * past {@link REMEMBERED_PER_CONTEXT} keys a context's entries start again.
 */
const rememberedLists = new WeakMap<ThemeContext, { mappings: Mappings; lists: Map<string, readonly unknown[]> }>();
const REMEMBERED_PER_CONTEXT = 256;

function remembered<T>(context: ThemeContext, mappings: Mappings, key: string, compute: () => readonly T[]): readonly T[] {
  let entry = rememberedLists.get(context);
  if (!entry || entry.mappings !== mappings) {
    entry = { mappings, lists: new Map() };
    rememberedLists.set(context, entry);
  }
  const known = entry.lists.get(key) as readonly T[] | undefined;
  if (known) return known;
  const list = compute();
  if (entry.lists.size >= REMEMBERED_PER_CONTEXT) entry.lists.clear();
  entry.lists.set(key, list);
  return list;
}

function scenarioMaterials(context: ThemeContext, matterCodes: readonly string[], mappings: Mappings,
  bound: ReadonlyMap<string, string>): ScenarioMaterial[] {
  const inScenario = new Set(matterCodes);
  const afterOf = new Map(context.mapping.matters.map((matter) => [matter.code, matter.after.filter((code) => inScenario.has(code))]));
  const asked = new Map<string, { name: string; asking: { matterCode: string; material: MatterMaterial; licence?: LicenceUse }[] }>();
  for (const matterCode of matterCodes) {
    const mapping = context.matterMappings.get(matterCode);
    for (const material of materialsOfMatter(context, matterCode, mappings)) {
      const entry = asked.get(material.identity) ?? { name: mappings.materials.get(material.identity)?.name ?? material.name, asking: [] };
      const licence = mapping?.materials.get(material.identity);
      entry.asking.push({ matterCode, material, ...(licence ? { licence: { licenceType: licence.licenceType, subject: bound.get(licence.subject) ?? licence.subject } } : {}) });
      asked.set(material.identity, entry);
    }
  }

  return [...asked].map(([code, { name, asking }]): ScenarioMaterial => {
    const identity = mappings.materials.get(code);
    const matters = asking.map(({ matterCode, material, licence }): ScenarioMaterialMatter => ({
      matterCode, code: material.code, name: material.name, required: material.required, form: material.form,
      ...(licence ? { licence } : {}),
      ...(material.deferral.allowed ? { deferral: { days: material.deferral.days } } : {}),
      ...(material.commitment.allowed ? { commitment: { text: material.commitment.text } } : {}),
    }));
    const base = {
      code, name,
      form: matters.some((matter) => matter.form === 'original') ? 'original' as const : 'copy' as const,
      required: matters.some((matter) => matter.required),
      matters,
      mediaTypes: identity?.mediaTypes ?? ALL_MATERIAL_MEDIA_TYPES,
    };

    const producers = identity?.prerequisiteResult?.matters ?? [];
    const producerOf = (matterCode: string) => (afterOf.get(matterCode) ?? []).find((before) => producers.includes(before));
    const producer = matters.every((matter) => producerOf(matter.matterCode) !== undefined) ? producerOf(matters[0]!.matterCode) : undefined;
    if (producer !== undefined) return { ...base, ways: ['prerequisite'], prerequisite: { matterCode: producer, resultName: identity!.prerequisiteResult!.resultName } };

    const licence = matters.find((matter) => matter.licence)?.licence;
    const deferral = matters.every((matter) => matter.deferral) ? { days: Math.min(...matters.map((matter) => matter.deferral!.days)) } : undefined;
    const commitment = matters.every((matter) => matter.commitment) ? { text: matters[0]!.commitment!.text } : undefined;
    const ways: MaterialWay[] = [];
    if (licence) ways.push('licence');
    ways.push(identity?.generated ? 'generated' : 'upload');
    if (commitment) ways.push('commitment');
    if (deferral) ways.push('deferred');
    return { ...base, ways, ...(licence ? { licence } : {}), ...(deferral ? { deferral } : {}), ...(commitment ? { commitment } : {}) };
  });
}
