/**
 * Builds the simulated matter system's catalogue from `themes.json` (the
 * seed table) plus the synthetic attributes the table does not give, all
 * deterministic: the same inputs give the same codes on every machine, so
 * mapping files keyed by matter code stay valid.
 *
 * Synthetic (documented in adapters/matter-system/README.md):
 * - basic code: area `00`, matter type from {@link matterTypeOf}, main item
 *   = FNV-1a(name|department) mod 100000 (next free on collision), sub item `000`;
 * - implementing body: one credit code per department (authority `1` 机构编制,
 *   category `1` 机关, area 441403 梅县区), exercise level 4, or 3 for 市级审批 rows;
 * - time limits, materials and form fields from the keyword tables in matter-rules.ts;
 * - each material under the matter's own code `<basic code>-<nn>` (position, from 01),
 *   named by one of its NAME_VARIANTS picked by FNV-1a(basic code|material) (vocabulary.ts),
 *   with the 容缺 and 告知承诺 flags of its kind (a photo printed on the result refuses 容缺).
 */
import { readFileSync } from 'node:fs';
import {
  makeBasicCode, makeCreditCode, makeImplementationCode, validateBasicCode, validateCreditCode, validateImplementationCode,
  type ExerciseLevel,
} from '../../../src/domain/identifiers/index.js';
import { NO_COMMITMENT, NO_DEFERRAL, type FormField, type Material, type Matter, type Theme } from '../../../src/domain/matter-catalog.js';
import { mulberry32, randomTools } from '../../common/random.js';
import {
  BASE, DEFAULT_STATUTORY_DAYS, MAX_PROMISED_DAYS, STATUTORY_DAYS, matterTypeOf, refusesDeferral, ruleForMatter,
} from './matter-rules.js';
import { MATTER_FEES } from './fees.js';
import type { SeedCatalogue } from './parse-seed.js';
import { FIELDS, MATERIALS, NAME_VARIANTS, type FieldCode, type FieldSpec, type MaterialName, type MaterialSpec } from './vocabulary.js';

/** A matter as the simulator holds it (change tracking is added by the simulator). */
export type CatalogueMatter = Omit<Matter, 'updatedAt' | 'version'>;
/** A theme as the simulator holds it. */
export type CatalogueTheme = Omit<Theme, 'updatedAt' | 'version' | 'status'>;

export interface CatalogueDepartment {
  readonly code: string;
  readonly name: string;
  /** Synthetic unified social credit code of the implementing body. */
  readonly creditCode: string;
}

export interface Catalogue {
  readonly themes: readonly CatalogueTheme[];
  readonly matters: readonly CatalogueMatter[];
  readonly departments: readonly CatalogueDepartment[];
}

/** GB/T 2260 code of 梅县区, the county whose themes the seed publishes. */
export const AREA_CODE = '441403';
/** Remark that makes a matter city-level (exercise level 3). */
export const CITY_LEVEL_NOTE = '市级审批';
const MIN_MATERIALS = 2;
// 6 and 13: an enterprise filing by its 经办人 adds the agent's ID card, the 授权委托书, the agent's name and ID number and its 住所.
const MAX_MATERIALS = 6;
const MIN_FIELDS = 3;
const MAX_FIELDS = 13;

export const THEMES_FILE = new URL('./themes.json', import.meta.url);

/** Reads the committed themes.json. */
export function loadSeedCatalogue(file: URL | string = THEMES_FILE): SeedCatalogue {
  return JSON.parse(readFileSync(file, 'utf8')) as SeedCatalogue;
}

/** FNV-1a 32-bit over UTF-8: a stable seed from a name. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The synthetic credit code of a department (deterministic per department code). */
export function departmentCreditCode(departmentCode: string): string {
  return makeCreditCode({ registrationAuthority: '1', category: '1', areaCode: AREA_CODE, random: mulberry32(fnv1a(`department:${departmentCode}`)) });
}

/**
 * Builds the whole catalogue.
 * @throws Error when a generated code does not validate or a rule yields too few/many materials or fields.
 */
export function buildCatalogue(seed: SeedCatalogue = loadSeedCatalogue()): Catalogue {
  const departments = new Map<string, CatalogueDepartment>();
  const creditCodes = new Set<string>();
  for (const matter of seed.matters) {
    if (departments.has(matter.departmentCode)) continue;
    const creditCode = departmentCreditCode(matter.departmentCode);
    const check = validateCreditCode(creditCode);
    if (!check.ok) throw new Error(`department ${matter.departmentCode}: ${check.reason}`);
    if (creditCodes.has(creditCode)) throw new Error(`department ${matter.departmentCode}: credit code ${creditCode} is already taken`);
    creditCodes.add(creditCode);
    departments.set(matter.departmentCode, { code: matter.departmentCode, name: matter.departmentName, creditCode });
  }

  const usedBasicCodes = new Set<string>();
  const codeById = new Map<string, string>();
  const matters = seed.matters.map((entry): CatalogueMatter => {
    const type = matterTypeOf(entry.name);
    let mainItem = fnv1a(`${entry.name}|${entry.departmentCode}`) % 100000;
    let code = makeBasicCode({ area: '00', matterType: type, mainItem });
    while (usedBasicCodes.has(code)) {
      mainItem = (mainItem + 1) % 100000;
      code = makeBasicCode({ area: '00', matterType: type, mainItem });
    }
    usedBasicCodes.add(code);
    codeById.set(entry.id, code);
    const level: ExerciseLevel = entry.notes.split('；').includes(CITY_LEVEL_NOTE) ? 3 : 4;
    const implementationCode = makeImplementationCode({ creditCode: departments.get(entry.departmentCode)!.creditCode, exerciseLevel: level, basicCode: code });
    for (const result of [validateBasicCode(code), validateImplementationCode(implementationCode)]) {
      if (!result.ok) throw new Error(`matter "${entry.name}": ${result.reason}`);
    }

    const random = randomTools(mulberry32(fnv1a(`limits:${entry.name}|${entry.departmentCode}`)));
    const statutoryDays = random.pick(STATUTORY_DAYS[type] ?? DEFAULT_STATUTORY_DAYS);
    const promisedDays = random.int(1, Math.min(MAX_PROMISED_DAYS, statutoryDays));

    const rule = ruleForMatter(entry.name);
    const base = BASE[rule.applicant];
    const materialNames = unique<MaterialName>([...base.materials, ...rule.materials]);
    const fieldCodes = unique<FieldCode>([...base.fields, ...rule.fields]);
    if (materialNames.length < MIN_MATERIALS || materialNames.length > MAX_MATERIALS) {
      throw new Error(`matter "${entry.name}": ${materialNames.length} materials, expected ${MIN_MATERIALS}–${MAX_MATERIALS} (matter-rules.ts)`);
    }
    if (fieldCodes.length < MIN_FIELDS || fieldCodes.length > MAX_FIELDS) {
      throw new Error(`matter "${entry.name}": ${fieldCodes.length} form fields, expected ${MIN_FIELDS}–${MAX_FIELDS} (matter-rules.ts)`);
    }

    return {
      code,
      implementationCode,
      name: entry.name,
      department: { code: entry.departmentCode, name: entry.departmentName },
      type,
      level,
      statutoryDays,
      promisedDays,
      materials: materialNames.map((name, index) => material(code, entry.name, name, index)),
      formFields: fieldCodes.map(formField),
      notes: entry.notes,
      ...(Object.hasOwn(MATTER_FEES, entry.name) ? { fees: MATTER_FEES[entry.name] } : {}),
    };
  });
  for (const name of Object.keys(MATTER_FEES)) {
    if (!seed.matters.some((entry) => entry.name === name)) throw new Error(`fees.ts: no matter named "${name}" in the seed`);
  }

  const themes = seed.themes.map((theme): CatalogueTheme => ({
    code: theme.code,
    sequence: theme.sequence,
    name: theme.name,
    subjectType: theme.subjectType,
    serviceHall: theme.serviceHall,
    notes: theme.notes,
    matterCodes: theme.matters.map((id) => {
      const code = codeById.get(id);
      if (!code) throw new Error(`theme ${theme.code}: unknown matter id ${id}`);
      return code;
    }),
  }));

  return { themes, matters, departments: [...departments.values()] };
}

/** A matter's `index`-th material: its own code, the name it uses, its kind's flags. */
function material(matterCode: string, matterName: string, name: MaterialName, index: number): Material {
  const spec: MaterialSpec = MATERIALS[name];
  const variants = NAME_VARIANTS[name] ?? [name];
  const deferralDays = refusesDeferral(matterName, name) ? undefined : spec.deferralDays;
  return {
    code: `${matterCode}-${String(index + 1).padStart(2, '0')}`,
    name: variants[fnv1a(`material-name:${matterCode}|${name}`) % variants.length]!,
    form: spec.form,
    required: spec.required ?? true,
    licenceType: spec.licenceType,
    deferral: deferralDays === undefined ? NO_DEFERRAL : { allowed: true, days: deferralDays },
    commitment: spec.commitment === undefined ? NO_COMMITMENT : { allowed: true, text: spec.commitment },
  };
}

function formField(code: FieldCode): FormField {
  const spec: FieldSpec = FIELDS[code];
  return { code, label: spec.label, type: spec.type, required: spec.required ?? true, options: spec.options ?? [] };
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
