/**
 * The real `mappings/` against the catalogue the matter-system simulator
 * serves (`buildCatalogue()`, the same one the sandbox syncs): they load and
 * cross-check with zero problems, every theme file covers exactly its
 * catalogue theme, and every material the catalogue says a licence Tongban
 * maps can supply is marked as supplied.
 */
import { expect } from 'chai';
import { buildCatalogue, type Catalogue } from '../../../adapters/matter-system/catalogue/build-catalogue.js';
import { loadDepartments } from '../../../src/delivery/department-registry.js';
import { checkAgainstCatalogue, loadMappings, MappingError, resolveMaterial, type Mappings } from '../../../src/forms/mappings/index.js';

describe('mappings against the matter-system catalogue', () => {
  let catalogue: Catalogue;
  let mappings: Mappings;
  before(() => {
    catalogue = buildCatalogue();
    mappings = loadMappings({ departments: loadDepartments() });
  });

  it('load and validate against the catalogue with zero problems', () => {
    expect(checkAgainstCatalogue(mappings, catalogue).map((problem) => `${problem.file}#${problem.pointer}: ${problem.message}`)).to.deep.equal([]);
    try {
      loadMappings({ departments: loadDepartments(), catalogue });
    } catch (error) {
      expect.fail(error instanceof MappingError ? error.message : String(error));
    }
  });

  it('maps themes of the catalogue, each under the catalogue\'s name', () => {
    const themes = new Map(catalogue.themes.map((theme) => [theme.code, theme]));
    expect(mappings.themes.size).to.be.greaterThan(0);
    for (const theme of mappings.themes.values()) {
      expect(themes.get(theme.theme), theme.file).to.not.equal(undefined);
      expect(theme.name, theme.file).to.equal(themes.get(theme.theme)!.name);
    }
  });

  it('every theme file lists exactly its catalogue theme\'s matters, each mapped under the catalogue\'s name and department', () => {
    const matters = new Map(catalogue.matters.map((matter) => [matter.code, matter]));
    for (const theme of mappings.themes.values()) {
      const catalogueTheme = catalogue.themes.find((candidate) => candidate.code === theme.theme)!;
      expect(theme.matters.map((matter) => matter.code).sort(), theme.file).to.deep.equal([...catalogueTheme.matterCodes].sort());
      for (const code of catalogueTheme.matterCodes) {
        const mapping = mappings.matters.get(code);
        expect(mapping, `${theme.file}: matter ${code} has no mappings/matters/${code}.yaml`).to.not.equal(undefined);
        expect(mapping!.name, mapping!.file).to.equal(matters.get(code)!.name);
        expect(mapping!.department, mapping!.file).to.equal(matters.get(code)!.department.code);
        expect([...mapping!.fields, ...mapping!.constants].map((field) => field.field).sort(), `${mapping!.file}: fields and constants`).to.deep.equal(matters.get(code)!.formFields.map((field) => field.code).sort());
      }
    }
  });

  it('maps no matter that none of the mapped themes uses', () => {
    const used = new Set([...mappings.themes.values()].flatMap((theme) => theme.matters.map((matter) => matter.code)));
    expect([...mappings.matters.keys()].filter((code) => !used.has(code))).to.deep.equal([]);
  });

  it('names as subjects exactly the roles its matters\' fields and licences speak of', () => {
    for (const theme of mappings.themes.values()) {
      const roles = new Set<string>();
      for (const { code } of theme.matters) {
        const mapping = mappings.matters.get(code)!;
        for (const field of mapping.fields) roles.add(field.canonical.split('.')[0]!);
        for (const use of mapping.licences) roles.add(use.subject);
      }
      expect([...theme.subjects].sort(), theme.file).to.deep.equal([...roles].sort());
    }
  });

  /**
   * Whether, in every theme using the matter, the material is the result of a 前置事项 the matter always waits for:
   * then no holder has it before and it is never fetched (MX-T31: the bus's 行驶证, the school's, from its 注册登记;
   * MX-T37: the 办学许可证 of an institution being founded).
   */
  const alwaysPrerequisiteResult = (matterCode: string, identity: string) => {
    const producers = mappings.materials.get(identity)?.prerequisiteResult?.matters ?? [];
    const uses = [...mappings.themes.values()].flatMap((theme) => theme.matters.filter((matter) => matter.code === matterCode).map((matter) => ({ theme, matter })));
    return uses.length > 0 && uses.every(({ theme, matter }) => matter.after.some((code) => producers.includes(code)
      && theme.matters.find((candidate) => candidate.code === code)!.when === undefined));
  };

  it('marks every material that a mapped licence type can supply (so prefill spares the upload)', () => {
    const licenceByName = new Map([...mappings.licences.values()].map((licence) => [licence.name, licence.licenceType]));
    const unmarked: string[] = [];
    for (const mapping of mappings.matters.values()) {
      const matter = catalogue.matters.find((candidate) => candidate.code === mapping.matter)!;
      for (const material of matter.materials) {
        const licenceType = material.licenceType === undefined ? undefined : licenceByName.get(material.licenceType);
        if (licenceType === undefined) continue; // an upload, or a licence no library type carries (无犯罪记录证明, 机动车登记证书)
        const identity = resolveMaterial(mappings, mapping.matter, material).identity!.code;
        if (alwaysPrerequisiteResult(mapping.matter, identity)) continue;
        const marked = mapping.materials.get(identity);
        if (marked?.licenceType !== licenceType) unmarked.push(`${mapping.file}#/materials/${identity}: ${material.name} is supplied by ${material.licenceType} (${licenceType})`);
        else if (!mapping.licences.some((use) => use.licenceType === licenceType && use.subject === marked.subject)) unmarked.push(`${mapping.file}#/materials/${identity}: not among the matter's licences`);
      }
    }
    expect(unmarked).to.deep.equal([]);
  });

  it('binds organisation licences only to organisation roles and citizen licences only to persons', () => {
    const organizationRoles = new Set(['enterprise', 'organisation', 'installer']); // organisation: a 社会团体, 民办学校 … (MX-T31, MX-T37, MX-T38); installer: who installs special equipment (MX-T39)
    for (const mapping of mappings.matters.values()) {
      for (const use of mapping.licences) {
        const holderType = mappings.licences.get(use.licenceType)!.holderType;
        expect(holderType === 'organization', `${mapping.file}: ${use.licenceType} bound to ${use.subject}`).to.equal(organizationRoles.has(use.subject));
      }
    }
  });
});
