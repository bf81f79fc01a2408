import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { buildCatalogue } from '../../../adapters/matter-system/catalogue/build-catalogue.js';
import { loadDepartments } from '../../../src/delivery/department-registry.js';
import { loadMappings } from '../../../src/forms/mappings/index.js';

describe('test/fixtures/mappings-minimal', () => {
  it('is a valid mapping set, also against the matter-system simulator\'s catalogue', () => {
    const mappings = loadMappings({ dir: fileURLToPath(new URL('../../fixtures/mappings-minimal', import.meta.url)), departments: loadDepartments(), catalogue: buildCatalogue() });
    expect([...mappings.themes.keys()]).to.deep.equal(['MX-T05']);
    const declared = new Set([...mappings.matters.values()].flatMap((matter) => matter.licences.map((use) => use.licenceType)));
    expect([...declared].sort()).to.deep.equal(['birthCertificate', 'marriageCertificate', 'residentIdCard']);
  });
});
