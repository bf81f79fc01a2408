/**
 * Loads and validates every mapping file (docs/mappings.md). Every problem is
 * collected — file, JSON Pointer, message — and reported together, so one
 * run of `tongban mappings check` shows everything that is wrong.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Department } from '../../delivery/department-registry.js';
import { checkRule } from '../json-logic.js';
import { resolveTransform, type CodeTables } from '../transforms.js';
import { checkAgainstCatalogue, type CatalogueView } from './check-catalogue.js';
import { loadMaterialIdentities } from './load-material-identities.js';
import { checkSharedDataUses, loadSharedDataMappings } from './load-shared-data.js';
import { readMappingFile, yamlFiles } from './read-files.js';
import { codeTableSchema, dictionarySchema, licenceSchema, matterSchema, themeSchema } from './schemas.js';
import type { FieldSpec, IssuanceDeclaration, LicenceMapping, LicenceUse, MappingProblem, Mappings, MatterMapping, Question, SameAs, SharedDataUse, SharedDataVerification, ThemeMapping, ThemeMatter } from './types.js';
import { MappingError } from './types.js';

/** `mappings/` of this checkout. */
export const MAPPINGS_DIR = fileURLToPath(new URL('../../../mappings', import.meta.url));

export interface LoadMappingsOptions {
  /** Folder holding dictionary.yaml etc. Default: the project's `mappings/`. */
  dir?: string;
  /** Known departments (codes). */
  departments: readonly Pick<Department, 'code'>[];
  /** When given, matters and themes are checked against the catalogue too. */
  catalogue?: CatalogueView;
}

type RawFields = Record<string, { canonical: string; transform?: string }>;
type RawConstants = Record<string, { value: string | number | boolean; transform?: string }>;

/** @throws MappingError listing every problem. */
export function loadMappings(options: LoadMappingsOptions): Mappings {
  const dir = resolve(options.dir ?? MAPPINGS_DIR);
  const root = resolve(dir, '..');
  const problems: MappingProblem[] = [];
  const read = <T>(path: string, schema: object) => readMappingFile<T>(path, root, schema, problems);

  const dictionaryFile = read<{ fields: Record<string, FieldSpec> }>(join(dir, 'dictionary.yaml'), dictionarySchema);
  const dictionary = new Map(Object.entries(dictionaryFile?.content.fields ?? {}));
  for (const [key, spec] of dictionary) {
    if (spec.format && spec.type !== 'string') problems.push({ file: dictionaryFile!.file, pointer: `/fields/${key}/format`, message: `format "${spec.format}" needs type string, not ${spec.type}` });
    // Free text (no code table, format or pattern bounds it) is bounded here: what departments receive has a known length.
    if (spec.type === 'string' && !spec.enum && !spec.format && !spec.pattern && spec.maxLength === undefined) {
      problems.push({ file: dictionaryFile!.file, pointer: `/fields/${key}/maxLength`, message: 'a free-text field needs a maxLength (characters): a name 50, an address 200' });
    }
  }
  const groups = new Set([...dictionary.keys()].map((key) => key.split('.')[0]!));

  const codeTables = new Map<string, Map<string, string>>();
  for (const path of yamlFiles(join(dir, 'code-tables'))) {
    const file = read<{ values: Record<string, string> }>(path, codeTableSchema);
    if (file) codeTables.set(file.stem, new Map(Object.entries(file.content.values)));
  }

  const checkCanonical = (file: string, pointer: string, canonical: string) => {
    if (!dictionary.has(canonical)) problems.push({ file, pointer, message: `unknown canonical field "${canonical}" (not in mappings/dictionary.yaml)` });
  };
  const checkTransform = (file: string, pointer: string, name: string | undefined) => {
    if (name !== undefined && !resolveTransform(name, codeTables)) problems.push({ file, pointer, message: `unknown transform "${name}"` });
  };

  const licences = new Map<string, LicenceMapping>();
  for (const path of yamlFiles(join(dir, 'licences'))) {
    const file = read<{ licenceType: string; name: string; holderType: 'citizen' | 'organization'; fields: RawFields }>(path, licenceSchema);
    if (!file) continue;
    if (file.content.licenceType !== file.stem) problems.push({ file: file.file, pointer: '/licenceType', message: `must equal the file name "${file.stem}"` });
    const fields = Object.entries(file.content.fields).map(([surface, mapping]) => ({ surface, ...mapping }));
    for (const field of fields) {
      if (!field.canonical.startsWith('$subject.')) checkCanonical(file.file, `/fields/${field.surface}/canonical`, field.canonical);
      checkTransform(file.file, `/fields/${field.surface}/transform`, field.transform);
    }
    licences.set(file.content.licenceType, { file: file.file, licenceType: file.content.licenceType, name: file.content.name, holderType: file.content.holderType, fields });
  }

  const sharedDataChecks = { read, problems, checkCanonical, checkTransform, groups };
  const sharedData = loadSharedDataMappings(dir, sharedDataChecks);

  const departmentCodes = new Set(options.departments.map((department) => department.code));
  const matters = new Map<string, MatterMapping>();
  for (const path of yamlFiles(join(dir, 'matters'))) {
    const file = read<{ matter: string; name: string; department: string; licences?: LicenceUse[]; fields: RawFields; constants?: RawConstants; materials?: Record<string, LicenceUse>; materialIdentities?: Record<string, string>; issues?: IssuanceDeclaration; sharedData?: SharedDataUse[]; verifications?: SharedDataVerification[] }>(path, matterSchema);
    if (!file) continue;
    const { content } = file;
    if (content.matter !== file.stem) problems.push({ file: file.file, pointer: '/matter', message: `must equal the file name "${file.stem}"` });
    if (!departmentCodes.has(content.department)) problems.push({ file: file.file, pointer: '/department', message: `unknown department "${content.department}" (not in mappings/departments.json)` });
    const uses = content.licences ?? [];
    uses.forEach((use, index) => checkLicenceUse(file.file, `/licences/${index}`, use));
    const fields = Object.entries(content.fields).map(([field, mapping]) => ({ field, ...mapping }));
    for (const field of fields) {
      checkCanonical(file.file, `/fields/${field.field}/canonical`, field.canonical);
      checkTransform(file.file, `/fields/${field.field}/transform`, field.transform);
    }
    const constants = Object.entries(content.constants ?? {}).map(([field, constant]) => {
      const pointer = `/constants/${field}`;
      if (content.fields[field]) problems.push({ file: file.file, pointer, message: `field ${field} is also mapped from a canonical field under /fields` });
      checkTransform(file.file, `${pointer}/transform`, constant.transform);
      const convert = constant.transform === undefined ? undefined : resolveTransform(constant.transform, codeTables);
      let departmentValue: unknown = constant.value;
      try {
        if (convert) departmentValue = convert(constant.value);
      } catch (error) {
        problems.push({ file: file.file, pointer: `${pointer}/value`, message: `transform "${constant.transform}" cannot convert ${JSON.stringify(constant.value)}: ${(error as Error).message}` });
      }
      return { field, ...constant, departmentValue };
    });
    for (const [code, use] of Object.entries(content.materials ?? {})) {
      if (!uses.some((candidate) => candidate.licenceType === use.licenceType && candidate.subject === use.subject)) {
        problems.push({ file: file.file, pointer: `/materials/${code}`, message: `licence ${use.licenceType} of ${use.subject} is not among this matter's licences` });
      }
    }
    matters.set(content.matter, {
      file: file.file, matter: content.matter, name: content.name, department: content.department, licences: uses, fields, constants,
      materials: new Map(Object.entries(content.materials ?? {})),
      materialIdentities: new Map(Object.entries(content.materialIdentities ?? {})),
      ...(content.issues ? { issues: content.issues } : {}),
      ...(content.sharedData ? { sharedData: content.sharedData } : {}),
      ...(content.verifications ? { verifications: content.verifications } : {}),
    });
    checkSharedDataUses({ file: file.file, ...(content.sharedData ? { sharedData: content.sharedData } : {}), ...(content.verifications ? { verifications: content.verifications } : {}) }, sharedData, sharedDataChecks);
    if (content.issues && !licences.has(content.issues.licenceType)) {
      problems.push({ file: file.file, pointer: '/issues/licenceType', message: `unknown licence type "${content.issues.licenceType}" (no mappings/licences/${content.issues.licenceType}.yaml)` });
    }
  }

  function checkLicenceUse(file: string, pointer: string, use: LicenceUse): void {
    const licence = licences.get(use.licenceType);
    if (!licence) {
      problems.push({ file, pointer: `${pointer}/licenceType`, message: `unknown licence type "${use.licenceType}" (no mappings/licences/${use.licenceType}.yaml)` });
      return;
    }
    if (!groups.has(use.subject)) {
      problems.push({ file, pointer: `${pointer}/subject`, message: `unknown subject "${use.subject}" (no dictionary field starts with "${use.subject}.")` });
      return;
    }
    for (const field of licence.fields) {
      if (!field.canonical.startsWith('$subject.')) continue;
      const bound = `${use.subject}.${field.canonical.slice('$subject.'.length)}`;
      if (!dictionary.has(bound)) problems.push({ file, pointer, message: `${licence.file} field ${field.surface} maps to "${field.canonical}", which for subject ${use.subject} is "${bound}", not in the dictionary` });
    }
  }

  type ThemeFile = { theme: string; name: string; subjects?: string[]; questions?: Question[]; matters: (Omit<ThemeMatter, 'after'> & { after?: string[] })[]; sameAs?: Record<string, SameAs[]> };
  const themes = new Map<string, ThemeMapping>();
  for (const path of yamlFiles(join(dir, 'themes'))) {
    const file = read<ThemeFile>(path, themeSchema);
    if (!file) continue;
    const theme = checkTheme(file.file, file.stem, file.content);
    if (theme) themes.set(theme.theme, theme);
  }

  function checkTheme(fileName: string, stem: string, content: ThemeFile): ThemeMapping | undefined {
    const before = problems.length;
    if (content.theme !== stem) problems.push({ file: fileName, pointer: '/theme', message: `must equal the file name "${stem}"` });
    (content.subjects ?? []).forEach((subject, index) => {
      if (!groups.has(subject)) problems.push({ file: fileName, pointer: `/subjects/${index}`, message: `unknown subject "${subject}"` });
    });
    const questions = content.questions ?? [];
    const ids = new Set<string>();
    questions.forEach((question, index) => {
      if (ids.has(question.id)) problems.push({ file: fileName, pointer: `/questions/${index}/id`, message: `duplicate question id "${question.id}"` });
      ids.add(question.id);
      if (question.type === 'enum' && !question.options) problems.push({ file: fileName, pointer: `/questions/${index}/options`, message: 'an enum question needs options' });
      if (question.default !== undefined && !answerFits(question, question.default)) problems.push({ file: fileName, pointer: `/questions/${index}/default`, message: 'default does not fit the question' });
    });
    const codes = content.matters.map((matter) => matter.code);
    content.matters.forEach((matter, index) => {
      if (codes.indexOf(matter.code) !== index) problems.push({ file: fileName, pointer: `/matters/${index}/code`, message: `matter ${matter.code} listed twice` });
      if (!matters.has(matter.code)) problems.push({ file: fileName, pointer: `/matters/${index}/code`, message: `matter ${matter.code} has no mapping (mappings/matters/${matter.code}.yaml)` });
      if (matter.when !== undefined) for (const problem of checkRule(matter.when, ids, `/matters/${index}/when`)) problems.push({ file: fileName, ...problem });
      (matter.after ?? []).forEach((after, afterIndex) => {
        if (!codes.includes(after)) problems.push({ file: fileName, pointer: `/matters/${index}/after/${afterIndex}`, message: `prerequisite ${after} is not a matter of this theme` });
      });
      if (matter.resultAs) checkCanonical(fileName, `/matters/${index}/resultAs`, matter.resultAs);
    });
    const subjects = new Set(content.subjects ?? []);
    for (const [subject, cases] of Object.entries(content.sameAs ?? {})) {
      if (!subjects.has(subject)) problems.push({ file: fileName, pointer: `/sameAs/${subject}`, message: `"${subject}" is not among the theme's subjects` });
      cases.forEach((entry, index) => {
        const pointer = `/sameAs/${subject}/${index}`;
        if (!subjects.has(entry.subject) || entry.subject === subject) problems.push({ file: fileName, pointer: `${pointer}/subject`, message: `must be another of the theme's subjects, not "${entry.subject}"` });
        else if (content.sameAs![entry.subject]) problems.push({ file: fileName, pointer: `${pointer}/subject`, message: `"${entry.subject}" is itself another subject (sameAs): name the one it is` });
        if (entry.when !== undefined) for (const problem of checkRule(entry.when, ids, `${pointer}/when`)) problems.push({ file: fileName, ...problem });
      });
    }
    const cycle = findCycle(content.matters.map((matter) => [matter.code, matter.after ?? []]));
    if (cycle) problems.push({ file: fileName, pointer: '/matters', message: `cycle in prerequisites: ${cycle.join(' → ')}` });
    if (problems.length > before) return undefined;
    return {
      file: fileName, theme: content.theme, name: content.name, subjects: content.subjects ?? [], questions,
      matters: content.matters.map((matter) => ({ ...matter, after: matter.after ?? [] })),
      sameAs: new Map(Object.entries(content.sameAs ?? {})),
    };
  }

  const identities = loadMaterialIdentities(dir, root, problems, { licences, matters });
  const mappings: Mappings = { dictionary, groups, codeTables: codeTables as CodeTables, licences, sharedData, matters, themes, ...identities };
  if (options.catalogue) problems.push(...checkAgainstCatalogue(mappings, options.catalogue));
  if (problems.length > 0) throw new MappingError(problems);
  return mappings;
}

/** Whether an answer fits a question's type and options. */
export function answerFits(question: Question, value: unknown): boolean {
  switch (question.type) {
    case 'boolean': return typeof value === 'boolean';
    case 'integer': return Number.isInteger(value) && (question.minimum === undefined || (value as number) >= question.minimum)
      && (question.maximum === undefined || (value as number) <= question.maximum);
    case 'enum': return typeof value === 'string' && (question.options ?? []).some((option) => option.value === value);
    default: return false;
  }
}

/** A cycle in a prerequisite graph, as a path, or undefined. */
export function findCycle(edges: readonly (readonly [string, readonly string[]])[]): string[] | undefined {
  const graph = new Map(edges);
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'visiting');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

export { MappingError };
