/**
 * Authorisations read for licence uses are remembered for a short while
 * (AuthorizationServiceOptions.cacheMs): a revocation through the same
 * service takes effect at once, one recorded by another gateway process
 * within the bound, and expiry is judged at the instant of use. Time is an
 * injected clock.
 */
import { expect } from 'chai';
import type { CatalogStore } from '../../../src/catalog/index.js';
import type { Theme } from '../../../src/domain/matter-catalog.js';
import { AuthorizationService, AUTHORIZATION_CACHE_MS, type Authorization } from '../../../src/licences/index.js';
import type { Store } from '../../../src/store/index.js';
import { TongbanError } from '../../../src/errors/index.js';
import { testActor } from '../../helpers/actors.js';
import { rejection } from '../../helpers/rejection.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';

const HOLDER = '44142119990620338X';
const holder = testActor(HOLDER);
const THEME = { code: 'MX-T05', name: '出生一件事', status: 'active', matterCodes: ['000744622000'] } as unknown as Theme;
const catalog = { getTheme: async (code: string) => (code === THEME.code ? THEME : undefined) } as unknown as CatalogStore;

/** A clock the test moves. */
function clock(start: number): { now: () => Date; advance(ms: number): void } {
  let time = start;
  return { now: () => new Date(time), advance: (ms) => { time += ms; } };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise);
  expect(error).to.be.instanceOf(TongbanError);
  return (error as TongbanError).code;
}

for (const fixture of storeFixtures()) describe(`authorisations read for licence use, cached (${fixture.name})`, function () {
  this.timeout(30_000);
  let store: Store;
  const start = Date.parse('2026-12-06T08:00:00Z');

  before(async () => {
    store = await fixture.open();
  });
  after(async function () {
    await store?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  const record = (service: AuthorizationService, now: Date, expiresInMs = 30 * 86_400_000): Promise<Authorization> => service.create('platform', {
    holder: { code: HOLDER, type: 'citizen' }, licenceTypes: ['residentIdCard'], purpose: { themeCode: THEME.code },
    expiresAt: new Date(now.getTime() + expiresInMs).toISOString(), consent: { method: 'sms', at: new Date(now.getTime() - 1000).toISOString() },
  }, holder);
  const use = (service: AuthorizationService, id: string) => service.requireActive({ clientId: 'platform', authorizationId: id, actor: holder });

  it('reads an authorisation once within the bound, and again after it', async () => {
    const time = clock(start);
    let reads = 0;
    const counting: Store = Object.assign(Object.create(store) as Store, {
      query: (sql: string, params?: never[]) => { if (sql.startsWith('SELECT')) reads += 1; return store.query(sql, params); },
    });
    const service = new AuthorizationService(counting, catalog, { now: time.now });
    const { id } = await record(service, time.now());
    reads = 0;
    await use(service, id);
    await use(service, id);
    expect(reads).to.equal(1);
    time.advance(AUTHORIZATION_CACHE_MS + 1);
    await use(service, id);
    expect(reads).to.equal(2);
  });

  it('a revocation through the same service takes effect at once, though the authorisation was cached', async () => {
    const time = clock(start);
    const service = new AuthorizationService(store, catalog, { now: time.now, cacheMs: 600_000 });
    const { id } = await record(service, time.now());
    await use(service, id);
    await service.revoke('platform', id);
    expect(await refusal(use(service, id))).to.equal('AUTHORIZATION_REVOKED');
  });

  it('expiry is judged at the instant of use, not when the authorisation was read', async () => {
    const time = clock(start);
    const service = new AuthorizationService(store, catalog, { now: time.now, cacheMs: 600_000 });
    const { id } = await record(service, time.now(), 60_000);
    await use(service, id);
    time.advance(60_000);
    expect(await refusal(use(service, id))).to.equal('AUTHORIZATION_EXPIRED');
    expect(await refusal(service.requireActive({ clientId: 'platform', authorizationId: id, actor: holder, at: new Date(start + 60_000) }))).to.equal('AUTHORIZATION_EXPIRED');
  });

  if (fixture.name === 'postgres') {
    it(`a revocation by another gateway process takes effect within the bound (${AUTHORIZATION_CACHE_MS} ms)`, async () => {
      const other = fixture.openAnother();
      try {
        const time = clock(start);
        const here = new AuthorizationService(store, catalog, { now: time.now });
        const there = new AuthorizationService(other, catalog, { now: time.now });
        const { id } = await record(here, time.now());
        await use(here, id); // remembered here
        await there.revoke('platform', id);
        expect(await refusal(use(there, id))).to.equal('AUTHORIZATION_REVOKED');
        // Here it may still be used until the bound has passed since it was read…
        time.advance(AUTHORIZATION_CACHE_MS);
        await use(here, id);
        // …and not one millisecond after.
        time.advance(1);
        expect(await refusal(use(here, id))).to.equal('AUTHORIZATION_REVOKED');
      } finally {
        await other.close();
      }
    });
  }
});
