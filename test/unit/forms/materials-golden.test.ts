/**
 * Walks the golden fixtures of the material identities
 * (`mappings/fixtures/materials/`): every catalogue material of a mapped
 * matter → its identity, and for a few themes and answers the guide's one
 * material list (materialsOfScenario), against the simulator's catalogue.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildCatalogue } from '../../../adapters/matter-system/catalogue/build-catalogue.js';
import { loadDepartments } from '../../../src/delivery/department-registry.js';
import type { Matter, Theme } from '../../../src/domain/matter-catalog.js';
import { loadMappings, MAPPINGS_DIR, resolveMaterial } from '../../../src/forms/mappings/index.js';
import { materialsOfMatter, materialsOfScenario, type ScenarioMaterial } from '../../../src/forms/materials.js';
import { applicableMatters, resolveAnswers } from '../../../src/forms/scenario.js';
import type { ThemeContext } from '../../../src/forms/theme-context.js';

const FIXTURES = join(MAPPINGS_DIR, 'fixtures', 'materials');
const catalogue = buildCatalogue();
const mappings = loadMappings({ departments: loadDepartments(), catalogue });
const matters = new Map(catalogue.matters.map((matter) => [matter.code, { ...matter, updatedAt: '2026-03-02T01:00:00.000Z', version: 1 } as Matter]));

function contextOf(code: string): ThemeContext {
  const theme = catalogue.themes.find((candidate) => candidate.code === code)!;
  return {
    theme: { ...theme, status: 'active', updatedAt: '2026-03-02T01:00:00.000Z', version: 1 } as Theme,
    mapping: mappings.themes.get(code)!,
    matters: new Map(theme.matterCodes.map((matterCode) => [matterCode, matters.get(matterCode)!])),
    matterMappings: mappings.matters,
  };
}

/** What a fixture pins of a scenario material (the commitment's text is the catalogue's: only its presence). */
function pinned(material: ScenarioMaterial) {
  return {
    code: material.code, name: material.name, required: material.required, form: material.form, ways: [...material.ways],
    matters: material.matters.map((matter) => `${matter.code} ${matter.name}`),
    ...(material.licence ? { licence: material.licence } : {}), ...(material.prerequisite ? { prerequisite: material.prerequisite } : {}),
    ...(material.deferral ? { deferral: material.deferral } : {}), ...(material.commitment ? { commitment: 'yes' } : {}),
  };
}

describe('golden fixtures: material identities and the guide\'s material list', () => {
  it('resolves every catalogue material of every mapped matter to the identity identities.yaml expects', () => {
    const expected = (parse(readFileSync(join(FIXTURES, 'identities.yaml'), 'utf8')) as { matters: Record<string, Record<string, string>> }).matters;
    const actual: Record<string, Record<string, string>> = {};
    for (const code of mappings.matters.keys()) {
      actual[code] = Object.fromEntries(matters.get(code)!.materials.map((material) => [`${material.code} ${material.name}`, resolveMaterial(mappings, code, material).identity?.code ?? '(none)']));
    }
    expect(actual).to.deep.equal(expected);
  });

  const themeFiles = readdirSync(FIXTURES).filter((name) => /^MX-T\d+\.yaml$/.test(name)).sort();
  it('has theme fixtures to walk', () => expect(themeFiles.length).to.be.at.least(4));
  for (const file of themeFiles) {
    const fixture = parse(readFileSync(join(FIXTURES, file), 'utf8')) as { theme: string; cases: { answers: Record<string, unknown>; materials: unknown[] }[] };
    fixture.cases.forEach((testCase, index) => {
      it(`${fixture.theme} case ${index + 1} (${JSON.stringify(testCase.answers)}): one entry per identity, as expected`, () => {
        const context = contextOf(fixture.theme);
        const codes = applicableMatters(context.mapping, resolveAnswers(context.mapping, testCase.answers)).map((matter) => matter.code);
        const listed = materialsOfScenario(context, codes, mappings);
        expect(listed.map(pinned)).to.deep.equal(testCase.materials);
        // Each matter's own materials are exactly its entries in the scenario list.
        for (const code of codes) {
          const own = materialsOfMatter(context, code, mappings);
          expect(own.map((material) => `${material.identity} ${material.code}`)).to.have.members(
            listed.flatMap((material) => material.matters.filter((matter) => matter.matterCode === code).map((matter) => `${material.code} ${matter.code}`)));
        }
      });
    });
  }
});
