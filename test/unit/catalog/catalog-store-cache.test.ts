import { expect } from 'chai';
import { CatalogStore } from '../../../src/catalog/catalog-store.js';
import type { Store } from '../../../src/store/index.js';

/** A store answering catalogue reads from a table it can change, counting the queries and failing on demand. */
function fakeStore(themes: Map<string, { code: string; status: string }>) {
  const counts = { queries: 0 };
  let failNext = false;
  const store = {
    query: async (sql: string, params: unknown[] = []) => {
      counts.queries += 1;
      if (failNext) {
        failNext = false;
        throw new Error('database unavailable');
      }
      if (sql.includes('FROM catalog_themes')) {
        const theme = themes.get(String(params[0]));
        return { rows: theme ? [{ document: JSON.stringify(theme) }] : [], rowCount: theme ? 1 : 0 };
      }
      return { rows: [], rowCount: 0 };
    },
  } as unknown as Store;
  return { store, counts, failOnce: () => { failNext = true; } };
}

describe('catalogue store cache', () => {
  it('reads the database on every call when caching is off (the default)', async () => {
    const { store, counts } = fakeStore(new Map([['MX-T05', { code: 'MX-T05', status: 'active' }]]));
    const catalog = new CatalogStore(store);
    await catalog.getTheme('MX-T05');
    await catalog.getTheme('MX-T05');
    expect(counts.queries).to.equal(2);
  });

  it('reuses a read for cacheMs, shares it between concurrent callers, then reads again', async () => {
    const themes = new Map([['MX-T05', { code: 'MX-T05', status: 'active' }]]);
    const { store, counts } = fakeStore(themes);
    let now = 1_000;
    const catalog = new CatalogStore(store, { cacheMs: 1000, now: () => now });
    const [first, second] = await Promise.all([catalog.getTheme('MX-T05'), catalog.getTheme('MX-T05')]);
    expect(first).to.equal(second);
    expect(counts.queries).to.equal(1);
    themes.set('MX-T05', { code: 'MX-T05', status: 'withdrawn' });
    now += 999;
    expect((await catalog.getTheme('MX-T05'))?.status).to.equal('active');
    now += 1;
    expect((await catalog.getTheme('MX-T05'))?.status).to.equal('withdrawn');
    expect(counts.queries).to.equal(2);
  });

  it('forgets everything on invalidate (a sync in this process changed the catalogue)', async () => {
    const themes = new Map([['MX-T05', { code: 'MX-T05', status: 'active' }]]);
    const { store, counts } = fakeStore(themes);
    const catalog = new CatalogStore(store, { cacheMs: 60_000 });
    await catalog.getTheme('MX-T05');
    themes.set('MX-T05', { code: 'MX-T05', status: 'withdrawn' });
    catalog.invalidate();
    expect((await catalog.getTheme('MX-T05'))?.status).to.equal('withdrawn');
    expect(counts.queries).to.equal(2);
  });

  it('does not remember a failed read', async () => {
    const { store, counts, failOnce } = fakeStore(new Map([['MX-T05', { code: 'MX-T05', status: 'active' }]]));
    const catalog = new CatalogStore(store, { cacheMs: 60_000 });
    failOnce();
    let failure: unknown;
    await catalog.getTheme('MX-T05').catch((error: unknown) => { failure = error; });
    expect((failure as Error | undefined)?.message).to.equal('database unavailable');
    expect((await catalog.getTheme('MX-T05'))?.status).to.equal('active');
    expect(counts.queries).to.equal(2);
  });
});
