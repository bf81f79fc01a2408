/**
 * Keyset (cursor) pagination of the ops lists (src/ops/cursor.ts), on
 * SQLite and PostgreSQL. The delivery lists are ordered by (updated_at DESC,
 * id DESC): walking every page returns each delivery once, in order, ties
 * included; while rows are inserted and updated between pages, no row comes
 * twice and every row left alone during the walk still comes (an updated
 * row moves to the head, behind the walk). Over HTTP: `nextCursor`, and 400
 * naming `/cursor` for anything that is not a cursor of that list.
 */
import { expect } from 'chai';
import { DELIVERY_CURSOR, listDeliveries, OVERDUE_CURSOR, overdueSubApplications } from '../../../src/delivery/ops-deliveries.js';
import { decodeCursor, encodeCursor } from '../../../src/ops/cursor.js';
import type { Store } from '../../../src/store/index.js';
import { startDeliveryEnvironment, type DeliveryEnvironment } from '../../helpers/delivery-environment.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { DEPARTMENTS, insertDeliveries, randomStream, STATES } from './ops-rows.js';

type Filter = { state?: (typeof STATES)[number]; department?: string };

for (const fixture of storeFixtures()) describe(`ops lists page by cursor (${fixture.name})`, function () {
  this.timeout(60_000);
  let store: Store;
  const random = randomStream(5);
  const base = Date.UTC(2026, 11, 6, 8, 0, 0);

  before(async () => {
    store = await fixture.open();
    // Few distinct times: many ties on updated_at, broken by id.
    await insertDeliveries(store, Array.from({ length: 230 }, () => ({ department: random.pick(DEPARTMENTS), state: random.pick(STATES), updatedAt: base + 1000 * random.int(40) })), base);
  });
  after(async function () {
    await store?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  async function expected(filter: Filter): Promise<string[]> {
    const { rows } = await store.query<{ id: string; department_code: string; state: string; updated_at: number | string }>('SELECT id, department_code, state, updated_at FROM deliveries');
    return rows.filter((row) => (!filter.state || row.state === filter.state) && (!filter.department || row.department_code === filter.department))
      .sort((a, b) => Number(b.updated_at) - Number(a.updated_at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).map((row) => row.id);
  }

  async function walk(filter: Filter, limit: number, between?: (seen: ReadonlySet<string>) => Promise<void>): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let after: (string | number)[] | undefined;
    let pages = 0;
    for (;;) {
      const page = await listDeliveries(store, { ...filter, limit, ...(after ? { after } : {}) });
      pages += 1;
      expect(page.deliveries.length).to.be.at.most(limit);
      ids.push(...page.deliveries.map((delivery) => delivery.id));
      if (page.nextCursor === null) return { ids, pages };
      expect(page.deliveries).to.have.length(limit);
      after = decodeCursor(page.nextCursor, DELIVERY_CURSOR.list, DELIVERY_CURSOR.shape);
      await between?.(new Set(ids));
    }
  }

  it('walks every delivery once, newest change first, with and without state and department filters', async () => {
    for (const filter of [{}, { state: 'pending' }, { department: 'gaj' }, { state: 'dead', department: 'rsj' }] as Filter[]) {
      const want = await expected(filter);
      const { ids, pages } = await walk(filter, 17);
      expect(ids, JSON.stringify(filter)).to.deep.equal(want);
      expect(pages).to.equal(Math.floor(want.length / 17) + 1);
    }
  });

  it('while rows are inserted and updated between pages: no duplicates, in order, every row left alone still listed', async () => {
    const before = await expected({});
    const touched = new Set<string>();
    let clock = base + 3_600_000;
    const { ids } = await walk({}, 25, async (seen) => {
      clock += 1000;
      for (const id of (await insertDeliveries(store, [{ department: 'gaj', state: 'pending', updatedAt: clock }], base)).deliveries) touched.add(id);
      const unseen = before.filter((id) => !seen.has(id) && !touched.has(id));
      const seenOnes = [...seen].filter((id) => !touched.has(id));
      for (const id of [random.pick(unseen), random.pick(seenOnes)]) {
        touched.add(id);
        await store.query("UPDATE deliveries SET state = 'delivered', updated_at = $2 WHERE id = $1", [id, clock]);
      }
    });
    expect(new Set(ids).size, 'no delivery twice').to.equal(ids.length);
    const untouched = before.filter((id) => !touched.has(id));
    expect(ids.filter((id) => !touched.has(id))).to.deep.equal(untouched);
  });

  it('walks the overdue sub-applications: uncovered deadlines first, then by due date and id', async () => {
    const specs = Array.from({ length: 40 }, (_, index) => ({
      department: random.pick(DEPARTMENTS), state: 'delivered', updatedAt: base, overdue: index % 5 === 0 ? '' : `2026-0${1 + random.int(9)}-1${random.int(9)}`,
    }));
    const future = [{ department: 'gaj', state: 'delivered', updatedAt: base, overdue: '2099-01-01' }];
    const { subApplications } = await insertDeliveries(store, [...specs, ...future], base);
    const want = specs.map((spec, index) => ({ key: spec.overdue, id: subApplications[index]! }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : 1)).map((row) => row.id);
    const ids: string[] = [];
    let after: (string | number)[] | undefined;
    for (;;) {
      const page = await overdueSubApplications(store, '2026-12-06', { limit: 7, after });
      ids.push(...page.overdue.map((item) => item.subApplicationId));
      if (page.nextCursor === null) break;
      after = decodeCursor(page.nextCursor, OVERDUE_CURSOR.list, OVERDUE_CURSOR.shape);
    }
    expect(ids).to.deep.equal(want);
  });

  it('refuses anything that is not a cursor of the list, naming /cursor', () => {
    const refused = (text: unknown) => {
      try {
        decodeCursor(text, DELIVERY_CURSOR.list, DELIVERY_CURSOR.shape);
      } catch (error) {
        return (error as { code: string; errors: { pointer: string }[] });
      }
      throw new Error(`${String(text)} was accepted`);
    };
    for (const text of ['%%%', 'bm90IGpzb24', encodeCursor(OVERDUE_CURSOR.list, ['', 'x']), encodeCursor(DELIVERY_CURSOR.list, ['1', 'x']), encodeCursor(DELIVERY_CURSOR.list, [1]), 'x'.repeat(600)]) {
      const error = refused(text);
      expect(error.code).to.equal('VALIDATION_FAILED');
      expect(error.errors[0]!.pointer).to.equal('/cursor');
    }
    expect(decodeCursor(undefined, DELIVERY_CURSOR.list, DELIVERY_CURSOR.shape)).to.equal(undefined);
  });
});

for (const fixture of storeFixtures()) describe(`GET /v1/ops lists by cursor (${fixture.name})`, function () {
  this.timeout(60_000);
  let env: DeliveryEnvironment;

  before(async function () {
    this.timeout(60_000);
    env = await startDeliveryEnvironment(fixture, { env: { TONGBAN_DISPATCHER: 'false' } });
    await insertDeliveries(env.gateway.store, Array.from({ length: 7 }, (_, index) => ({ department: 'gaj', state: 'dead', updatedAt: Date.now() - index, overdue: '' })), Date.now());
  });
  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  it('answers nextCursor on each page (null on the last) and walks every row once', async () => {
    for (const [path, key] of [['/v1/ops/deliveries?state=dead&limit=3', 'deliveries'], ['/v1/ops/overdue?limit=3', 'overdue']] as const) {
      const seen: unknown[] = [];
      let cursor: string | null = null;
      do {
        const answer = await env.ops.request('GET', `${path}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
        const body = answer.body as Record<string, unknown[]> & { nextCursor: string | null };
        seen.push(...body[key]!);
        cursor = body.nextCursor;
      } while (cursor !== null);
      expect(seen, path).to.have.length(7);
    }
    for (const path of ['/v1/ops/outstanding-materials', '/v1/ops/supplements', '/v1/ops/commitment-reports', '/v1/ops/sync-runs']) {
      const answer = await env.ops.request('GET', path);
      expect(answer.status, path).to.equal(200);
      expect((answer.body as { nextCursor: unknown }).nextCursor, path).to.equal(null);
    }
  });

  it('answers 400 problem+json naming /cursor for a cursor that is not one of the list', async () => {
    const foreign = encodeCursor(OVERDUE_CURSOR.list, ['', 'x']);
    for (const path of ['/v1/ops/deliveries?cursor=garbage', `/v1/ops/deliveries?cursor=${foreign}`, '/v1/ops/overdue?cursor=%25', '/v1/ops/outstanding-materials?cursor=x',
      '/v1/ops/supplements?cursor=x', '/v1/ops/commitment-reports?cursor=x', '/v1/ops/sync-runs?cursor=x']) {
      const answer = await env.ops.request('GET', path);
      expect(answer.status, path).to.equal(400);
      expect(answer.headers['content-type']).to.match(/^application\/problem\+json/);
      expect(answer.body, path).to.deep.include({ code: 'VALIDATION_FAILED' });
      expect((answer.body as { errors: { pointer: string }[] }).errors.map((error) => error.pointer), path).to.deep.equal(['/cursor']);
    }
  });
});
