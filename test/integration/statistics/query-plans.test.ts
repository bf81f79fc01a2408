/**
 * Every statement the statistics, their reports and the business counters
 * run, explained on SQLite (`EXPLAIN QUERY PLAN`) and PostgreSQL (`EXPLAIN`,
 * after seeding tens of thousands of rows over two years and `ANALYZE`), for
 * a one-month period: none reads a growing table whole. The stored
 * catalogue (its size, not the traffic's) and the counters may be scanned.
 */
import { expect } from 'chai';
import { COUNTER_TABLES } from '../../../src/ops/counters.js';
import { BUSINESS_COUNTS_SQL } from '../../../src/statistics/business-counts.js';
import { CATALOG_MATTERS_SQL, CATALOG_THEMES_SQL } from '../../../src/statistics/online-readiness.js';
import { APPLICATIONS_SQL, DECIDED_SQL, EVALUATIONS_SQL, SUB_APPLICATIONS_SQL, SUPPLEMENTS_SQL } from '../../../src/statistics/statistics-queries.js';
import { newId, type SqlValue, type Store } from '../../../src/store/index.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { insertRows, randomStream } from '../ops/ops-rows.js';

const GROWING = ['applications', 'sub_applications', 'application_materials', 'supplement_requests', 'evaluations'];
const SCANNABLE = ['catalog_themes', 'catalog_matters', ...COUNTER_TABLES];
const START = Date.parse('2025-01-01T00:00:00+08:00');
const SPAN = 2 * 365 * 86_400_000;
const MONTH = [Date.parse('2026-11-01T00:00:00+08:00'), Date.parse('2026-12-01T00:00:00+08:00')];

const STATEMENTS: { name: string; sql: string; params: readonly SqlValue[] }[] = [
  { name: 'applications received', sql: APPLICATIONS_SQL, params: MONTH },
  { name: 'sub-applications received', sql: SUB_APPLICATIONS_SQL, params: MONTH },
  { name: 'decided', sql: DECIDED_SQL, params: MONTH },
  { name: '补正 requests', sql: SUPPLEMENTS_SQL, params: MONTH },
  { name: 'evaluations', sql: EVALUATIONS_SQL, params: MONTH },
  { name: 'catalogue themes', sql: CATALOG_THEMES_SQL, params: [] },
  { name: 'catalogue matters', sql: CATALOG_MATTERS_SQL, params: [] },
  { name: 'business counters', sql: BUSINESS_COUNTS_SQL, params: [] },
];

for (const fixture of storeFixtures()) describe(`statistics query plans (${fixture.name})`, function () {
  this.timeout(120_000);
  let store: Store;

  before(async function () {
    this.timeout(120_000);
    store = await fixture.open();
    const random = randomStream(19);
    const applications: { id: string; at: number }[] = Array.from({ length: 15_000 }, () => {
      const at = START + random.int(SPAN);
      return { id: newId(at), at };
    });
    await insertRows(store, 'applications', ['id', 'client_id', 'idempotency_key', 'request_digest', 'response', 'theme_code', 'answers', 'form', 'provenance', 'status', 'created_at', 'updated_at'],
      applications.map(({ id, at }) => [id, 'platform', `idem-${id}`, 'digest', '{}', random.pick(['MX-T05', 'MX-T04', 'MX-T15']), '{}', '{}', '{}', 'received', at, at]));
    const subs = applications.flatMap(({ id, at }) => [0, 1].map((position) => {
      const completed = random.next() < 0.6 ? at + random.int(30 * 86_400_000) : null;
      return [newId(at), id, '000744622000', '事项', random.pick(['gaj', 'mzrsj', 'ybj']), position, '[]', '{}', '{}', completed ? random.pick(['completed', 'rejected']) : 'accepted',
        20, 10, at, completed, at, at] as SqlValue[];
    }));
    await insertRows(store, 'sub_applications', ['id', 'application_id', 'matter_code', 'matter_name', 'department_code', 'position', 'prerequisites', 'form', 'provenance', 'status',
      'statutory_days', 'promised_days', 'accepted_at', 'completed_at', 'created_at', 'updated_at'], subs);
    await insertRows(store, 'application_materials', ['application_id', 'material_code', 'version', 'satisfied_by', 'created_at'],
      applications.flatMap(({ id, at }) => [1, 2, 3].map((index) => [id, `CL00${index}`, 1, random.pick(['upload', 'licence', 'generated']), at] as SqlValue[])));
    await insertRows(store, 'supplement_requests', ['id', 'sub_application_id', 'department_code', 'event_id', 'materials', 'fields', 'reason', 'deadline', 'status', 'requested_at'],
      subs.slice(0, 10_000).map((sub, index) => [newId(), sub[0]!, sub[4]!, `e${index}`, '[]', '[]', '补正', '2026-01-01', 'open', Number(sub[14]) + random.int(86_400_000)]));
    await insertRows(store, 'evaluations', ['id', 'application_id', 'sub_application_id', 'matter_code', 'theme_code', 'department_code', 'scope', 'service_code', 'level', 'indicators',
      'comment', 'channel', 'actor', 'client_id', 'created_at'],
      subs.slice(0, 10_000).map((sub) => [newId(), sub[1]!, sub[0]!, '000744622000', 'MX-T05', sub[4]!, 'matter', `000744622000-${String(sub[0])}`, 1 + random.int(5), '[]', '', 'online', '{}', 'platform',
        Number(sub[14]) + random.int(86_400_000)]));
    await store.query('ANALYZE');
  });
  after(async function () {
    await store?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  async function explain(sql: string, params: readonly SqlValue[]): Promise<string[]> {
    if (fixture.name === 'sqlite') return (await store.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).rows.map((row) => row.detail);
    return (await store.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).rows.map((row) => row['QUERY PLAN']);
  }

  function fullReads(plan: readonly string[]): string[] {
    return plan.filter((line) => {
      const table = fixture.name === 'sqlite' ? /^SCAN (\w+)/.exec(line.trim())?.[1] : /Seq Scan on (\w+)/.exec(line)?.[1];
      return table !== undefined && !SCANNABLE.includes(table) && (fixture.name === 'sqlite' || GROWING.includes(table));
    });
  }

  it('the check catches a full read: a range over an unindexed column', async () => {
    expect(fullReads(await explain('SELECT id FROM sub_applications WHERE updated_at >= $1 AND updated_at < $2', MONTH))).to.not.deep.equal([]);
  });

  it('reads no growing table whole for a month of statistics, nor for the counters', async () => {
    const failures: string[] = [];
    for (const statement of STATEMENTS) {
      const plan = await explain(statement.sql, statement.params);
      if (fullReads(plan).length) failures.push(`${statement.name}:\n    ${plan.join('\n    ')}`);
    }
    expect(failures, failures.join('\n\n')).to.deep.equal([]);
  });
});
