import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogStore, upsertMatter } from '../../../src/catalog/catalog-store.js';
import type { Matter } from '../../../src/domain/matter-catalog.js';
import { migrate, SqliteStore } from '../../../src/store/index.js';

/** A matter document as synced before the matter system carried 容缺 and 告知承诺. */
const OLD_DOCUMENT = {
  code: '000744622000', implementationCode: '11441403272125683Y4000744622000', name: '国（境）内出生登记',
  department: { code: 'gaj', name: '公安局' }, type: '07', level: 4, statutoryDays: 20, promisedDays: 8,
  materials: [{ code: 'CL003', name: '出生医学证明', form: 'original', required: true, licenceType: '出生医学证明' }],
  formFields: [], notes: '', updatedAt: '2026-03-02T01:00:00.000Z', version: 1,
};

describe('stored catalogue: material flags', () => {
  let dir: string;
  let store: SqliteStore;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongban-catalog-'));
    store = new SqliteStore({ path: join(dir, 'tongban.db') });
    await migrate(store);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a matter stored before the flags as allowing neither 容缺 nor 告知承诺', async () => {
    await upsertMatter(store, OLD_DOCUMENT as unknown as Matter, Date.now());
    const catalog = new CatalogStore(store);
    const [material] = (await catalog.getMatters(['000744622000'])).get('000744622000')!.materials;
    expect(material).to.deep.equal({ ...OLD_DOCUMENT.materials[0], deferral: { allowed: false, days: 0 }, commitment: { allowed: false, text: '' } });
    expect((await catalog.listMatters())[0]!.materials[0]).to.deep.equal(material);
  });

  it('keeps the flags of a matter synced with them', async () => {
    const flagged = { ...OLD_DOCUMENT, materials: [{ ...OLD_DOCUMENT.materials[0], deferral: { allowed: true, days: 7 }, commitment: { allowed: true, text: '本人承诺：真实。' } }] };
    expect(await upsertMatter(store, flagged as unknown as Matter, Date.now())).to.equal(true);
    const [material] = (await new CatalogStore(store).getMatters(['000744622000'])).get('000744622000')!.materials;
    expect(material).to.deep.include({ deferral: { allowed: true, days: 7 }, commitment: { allowed: true, text: '本人承诺：真实。' } });
  });
});
