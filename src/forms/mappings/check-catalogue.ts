/**
 * Cross-checks the mappings against the matter catalogue: every mapped matter
 * and theme exists with the same name and department, every department form
 * field is mapped (and only those), field types agree, materials exist.
 */
import type { FormFieldType, Matter, Theme } from '../../domain/matter-catalog.js';
import { resolveMaterial } from './resolve-material.js';
import type { CanonicalFormat, CanonicalType, FieldSpec, MappingProblem, Mappings, MatterMapping } from './types.js';

/** The parts of the catalogue the check reads (the stored catalogue, or the simulator's built-in one). */
export interface CatalogueView {
  readonly themes: readonly Pick<Theme, 'code' | 'name' | 'matterCodes'>[];
  readonly matters: readonly Pick<Matter, 'code' | 'name' | 'department' | 'formFields' | 'materials'>[];
}

/** What canonical field a department form field of each type may take its value from. */
const COMPATIBLE: Readonly<Record<FormFieldType, { types: readonly CanonicalType[]; format?: CanonicalFormat }>> = {
  string: { types: ['string', 'integer', 'number'] },
  enum: { types: ['string', 'boolean', 'integer'] },
  date: { types: ['date'] },
  number: { types: ['integer', 'number'] },
  phone: { types: ['string'], format: 'phone' },
  idNumber: { types: ['string'], format: 'idNumber' },
  creditCode: { types: ['string'], format: 'creditCode' },
};

function typeProblem(formType: FormFieldType, spec: FieldSpec): string | undefined {
  const rule = COMPATIBLE[formType];
  if (!rule.types.includes(spec.type)) return `type mismatch: the form field is ${formType}, the canonical field is ${spec.type}`;
  if (rule.format && spec.format !== rule.format) return `type mismatch: the form field is ${formType}, the canonical field has format ${spec.format ?? '(none)'}`;
  return undefined;
}

export function checkAgainstCatalogue(mappings: Mappings, catalogue: CatalogueView): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const matters = new Map(catalogue.matters.map((matter) => [matter.code, matter]));
  const themes = new Map(catalogue.themes.map((theme) => [theme.code, theme]));

  for (const mapping of mappings.matters.values()) {
    const file = mapping.file;
    const matter = matters.get(mapping.matter);
    if (!matter) {
      problems.push({ file, pointer: '/matter', message: `matter ${mapping.matter} is not in the catalogue` });
      continue;
    }
    if (matter.name !== mapping.name) problems.push({ file, pointer: '/name', message: `the catalogue names this matter "${matter.name}"` });
    if (matter.department.code !== mapping.department) problems.push({ file, pointer: '/department', message: `the catalogue gives this matter to department "${matter.department.code}"` });
    const mapped = new Map(mapping.fields.map((field) => [field.field, field]));
    const fixed = new Set(mapping.constants.map((constant) => constant.field));
    for (const formField of matter.formFields) {
      if (fixed.has(formField.code)) continue;
      const field = mapped.get(formField.code);
      if (!field) {
        problems.push({ file, pointer: '/fields', message: `department form field "${formField.code}" (${formField.label}) is not mapped` });
        continue;
      }
      const spec = mappings.dictionary.get(field.canonical);
      const problem = spec && !field.transform ? typeProblem(formField.type, spec) : undefined;
      if (problem) problems.push({ file, pointer: `/fields/${formField.code}/canonical`, message: problem });
    }
    const known = new Set(matter.formFields.map((field) => field.code));
    for (const field of mapping.fields) {
      if (!known.has(field.field)) problems.push({ file, pointer: `/fields/${field.field}`, message: `the catalogue's form for this matter has no field "${field.field}"` });
    }
    for (const constant of mapping.constants) {
      if (!known.has(constant.field)) problems.push({ file, pointer: `/constants/${constant.field}`, message: `the catalogue's form for this matter has no field "${constant.field}"` });
    }
    problems.push(...checkMaterials(mappings, mapping, matter));
  }

  for (const mapping of mappings.themes.values()) {
    const file = mapping.file;
    const theme = themes.get(mapping.theme);
    if (!theme) {
      problems.push({ file, pointer: '/theme', message: `theme ${mapping.theme} is not in the catalogue` });
      continue;
    }
    if (theme.name !== mapping.name) problems.push({ file, pointer: '/name', message: `the catalogue names this theme "${theme.name}"` });
    const listed = new Set(mapping.matters.map((matter) => matter.code));
    for (const code of theme.matterCodes) {
      if (!listed.has(code)) problems.push({ file, pointer: '/matters', message: `the catalogue's matter ${code} (${matters.get(code)?.name ?? '?'}) of this theme is missing` });
    }
    mapping.matters.forEach((matter, index) => {
      if (!theme.matterCodes.includes(matter.code)) problems.push({ file, pointer: `/matters/${index}/code`, message: `matter ${matter.code} is not a matter of this theme in the catalogue` });
    });
  }
  return problems;
}

/**
 * Every catalogue material of the matter resolves to exactly one identity, and
 * to one the matter lists once; the mapping's `materials:` keys are identities
 * of the matter, its `materialIdentities:` keys material codes of the matter.
 */
function checkMaterials(mappings: Mappings, mapping: MatterMapping, matter: CatalogueView['matters'][number]): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const file = mapping.file;
  const identities = new Map<string, CatalogueView['matters'][number]['materials'][number]>();
  for (const material of matter.materials) {
    const what = `matter ${matter.code} (${matter.name}) material ${material.code} "${material.name}"`;
    const resolved = resolveMaterial(mappings, matter.code, material);
    if (!resolved.identity) {
      problems.push(resolved.candidates.length === 0
        ? { file: 'mappings/materials.yaml', pointer: '/materials', message: `${what} resolves to no material identity: no entry lists the name "${material.name}"` }
        : { file, pointer: '/materialIdentities', message: `${what} resolves to ${resolved.candidates.length} material identities (${resolved.candidates.join(', ')}): say which under materialIdentities` });
      continue;
    }
    const code = resolved.identity.code;
    const twice = identities.get(code);
    if (twice) problems.push({ file, pointer: '/materialIdentities', message: `${what} and material ${twice.code} "${twice.name}" both resolve to ${code} (${resolved.identity.name})` });
    identities.set(code, material);
  }
  for (const [code, use] of mapping.materials) {
    const material = identities.get(code);
    if (!material) {
      problems.push({ file, pointer: `/materials/${code}`, message: `${code} is no material identity of matter ${matter.code} (${matter.name}): its materials resolve to ${[...identities.keys()].join(', ') || 'none'}` });
      continue;
    }
    const licenceName = mappings.licences.get(use.licenceType)?.name;
    if (material.licenceType !== undefined && licenceName !== undefined && material.licenceType !== licenceName) {
      problems.push({ file, pointer: `/materials/${code}/licenceType`, message: `the catalogue says ${material.name} is supplied by ${material.licenceType}, not ${licenceName}` });
    }
  }
  const codes = new Set(matter.materials.map((material) => material.code));
  for (const materialCode of mapping.materialIdentities.keys()) {
    if (!codes.has(materialCode)) problems.push({ file, pointer: `/materialIdentities/${materialCode}`, message: `the catalogue lists no material ${materialCode} for matter ${matter.code} (${matter.name})` });
  }
  return problems;
}
