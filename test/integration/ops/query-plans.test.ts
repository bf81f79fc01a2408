/**
 * Every statement the dashboard, `/v1/ops/*`, `/metrics` and the alert
 * checks run, taken from where it lives, explained on SQLite (`EXPLAIN QUERY
 * PLAN`) and PostgreSQL (`EXPLAIN`, planner settings untouched, after
 * seeding tens of thousands of rows and `ANALYZE`): none reads a growing
 * table whole (`SCAN <table>` without an index, `Seq Scan`); on SQLite no
 * keyset page sorts what it matched either (`USE TEMP B-TREE FOR ORDER BY`):
 * each page reads what it returns. (PostgreSQL may rightly sort a range it
 * estimates small, so only its scans are checked.) Small fixed tables (the
 * stored catalogue's themes, the counters) may be scanned.
 */
import { expect } from 'chai';
import { listRunsSql } from '../../../src/catalog/sync-runs.js';
import { DELIVERY_ATTEMPTS_SQL, deliveryListSql, deliveryPageConditions, overdueCountSql, overdueSql, type DeliveryPageFilter } from '../../../src/delivery/ops-deliveries.js';
import { ATTEMPT_BUCKETS_SQL, COUNTER_TABLES, DELIVERY_COUNTS_SQL, DEPARTMENT_ATTEMPTS_SINCE_SQL, DEPARTMENT_LATEST_SQL, stateCountsSql } from '../../../src/ops/counters.js';
import { deliveryRowsSql, GET_DELIVERY_SQL, recentLicenceUsesSql, themeNamesSql } from '../../../src/ops/dashboard/queries.js';
import { readSearch, searchSql } from '../../../src/ops/dashboard/search.js';
import { applicationSubApplicationsSql, commitmentReportsSql, overdueMaterialsSql, supplementRequestsSql } from '../../../src/ops/material-deadlines.js';
import { OLDEST_DUE_SQL, OPEN_DELIVERY_STATES } from '../../../src/ops/outbox-gauges.js';
import { UPSTREAM_OUTCOME_SQL } from '../../../src/ops/upstream-outcomes.js';
import { newId, type SqlValue, type Store } from '../../../src/store/index.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { DEPARTMENTS, insertAttempts, insertDeliveries, insertRows, OUTCOMES, randomStream, STATES } from './ops-rows.js';

/** Tables that grow with use: never read whole. */
const GROWING = ['deliveries', 'delivery_attempts', 'sub_applications', 'applications', 'application_holders', 'licence_uses', 'application_materials',
  'supplement_requests', 'commitment_reports', 'sync_runs', 'ops_audit', 'material_uploads', 'payments', 'postings', 'evaluations', 'evaluation_pushes', 'licence_issuances'];
/** Small fixed tables a plan may scan: the catalogue's themes and the counters (departments × states × time buckets). */
export const SCANNABLE = ['catalog_themes', ...COUNTER_TABLES];

interface Statement {
  readonly name: string;
  readonly sql: string;
  readonly params: readonly SqlValue[];
  /** A keyset page: must not sort what it matched (checked on SQLite, whose plans do not flip with estimates). */
  readonly page?: boolean;
  /** Walks a table in its INTEGER PRIMARY KEY order up to the LIMIT (SQLite shows it as `SCAN <table>`). */
  readonly keyOrder?: string;
}

const NOW = Date.UTC(2026, 11, 6, 8, 0, 0);

function statements(sample: { delivery: string; subApplication: string; application: string }): Statement[] {
  const list: Statement[] = [];
  const filters: [string, DeliveryPageFilter][] = [['all', {}], ['state', { state: 'pending' }], ['department', { department: 'gaj' }], ['state and department', { state: 'dead', department: 'rsj' }]];
  for (const [label, filter] of filters) {
    for (const after of [undefined, [NOW, sample.delivery]]) {
      const withCursor = { ...filter, ...(after ? { after } : {}) };
      const api = deliveryListSql(withCursor);
      list.push({ name: `GET /v1/ops/deliveries (${label}${after ? ', next page' : ''})`, sql: api.sql, params: [...api.params, 101], page: true });
      const params: SqlValue[] = [];
      const where = deliveryPageConditions(withCursor, params).join(' AND ');
      list.push({ name: `/ops/deliveries (${label}${after ? ', next page' : ''})`, sql: deliveryRowsSql(where, params.length), params: [...params, 101], page: true });
    }
  }
  list.push(
    { name: 'delivery attempts', sql: DELIVERY_ATTEMPTS_SQL, params: [sample.delivery] },
    { name: 'one delivery', sql: GET_DELIVERY_SQL, params: [sample.delivery] },
    { name: 'overdue', sql: overdueSql(false), params: ['2026-12-06', 101], page: true },
    { name: 'overdue, next page', sql: overdueSql(true), params: ['2026-12-06', '2026-01-01', sample.subApplication, 101], page: true },
    { name: 'overdue count', sql: overdueCountSql(), params: ['2026-12-06', 1001] },
    { name: 'outstanding materials', sql: overdueMaterialsSql(false), params: ['2026-12-06', 101], page: true },
    { name: 'outstanding materials, next page', sql: overdueMaterialsSql(true), params: ['2026-12-06', '2026-01-01', sample.application, 'CL001', 1, 101], page: true },
    { name: 'sub-applications of a page', sql: applicationSubApplicationsSql(2), params: [sample.application, newId()] },
    { name: 'supplement requests', sql: supplementRequestsSql(false), params: ['expired', 101], page: true },
    { name: 'supplement requests, next page', sql: supplementRequestsSql(true), params: ['expired', '2026-01-01', 'x', 101], page: true },
    { name: 'commitment reports', sql: commitmentReportsSql(false), params: [101], page: true },
    { name: 'commitment reports, next page', sql: commitmentReportsSql(true), params: [NOW, 'gaj', 'e', 101], page: true },
    { name: 'sync runs', sql: listRunsSql({ status: false, before: false }), params: [51], page: true, keyOrder: 'sync_runs' },
    { name: 'sync runs by status', sql: listRunsSql({ status: true, before: false }), params: ['failed', 51], page: true },
    { name: 'sync runs, next page', sql: listRunsSql({ status: false, before: true }), params: [100, 51], page: true },
    { name: 'sync runs by status, next page', sql: listRunsSql({ status: true, before: true }), params: ['failed', 100, 51], page: true },
    { name: 'recent licence uses', sql: recentLicenceUsesSql(false), params: [21], page: true, keyOrder: 'licence_uses' },
    { name: 'recent licence uses, next page', sql: recentLicenceUsesSql(true), params: [500, 21], page: true },
    { name: 'theme names', sql: themeNamesSql(2), params: ['MX-T05', 'MX-T15'] },
    { name: 'delivery counts', sql: DELIVERY_COUNTS_SQL, params: [] },
    { name: 'outbox depth', sql: stateCountsSql(OPEN_DELIVERY_STATES.length), params: [...OPEN_DELIVERY_STATES] },
    { name: 'oldest due delivery', sql: OLDEST_DUE_SQL, params: [NOW] },
    { name: 'attempt chart', sql: ATTEMPT_BUCKETS_SQL, params: [60_000, NOW - 3_600_000] },
    { name: 'department activity', sql: DEPARTMENT_ATTEMPTS_SINCE_SQL, params: [NOW - 3_600_000] },
    { name: 'latest attempts', sql: DEPARTMENT_LATEST_SQL, params: [] },
  );
  // The last success and failure of the upstreams the workers call (/v1/ops/adapters, the overview): the head of an index each.
  for (const [upstream, sql] of Object.entries(UPSTREAM_OUTCOME_SQL)) {
    list.push({ name: `${upstream}: last success`, sql: sql.success, params: [], page: true }, { name: `${upstream}: last failure`, sql: sql.failure, params: [], page: true });
  }
  for (const input of [sample.delivery, sample.delivery.slice(-12), 'MZRSJ2026112400001']) {
    const query = readSearch(input);
    list.push({ name: `search ${input}`, sql: searchSql(query), params: [query.value] });
  }
  return list;
}

for (const fixture of storeFixtures()) describe(`ops query plans (${fixture.name})`, function () {
  this.timeout(120_000);
  let store: Store;
  let sample: { delivery: string; subApplication: string; application: string };

  before(async function () {
    this.timeout(120_000);
    store = await fixture.open();
    const random = randomStream(11);
    const deliveries: string[] = [];
    const applications: string[] = [];
    for (let batch = 0; batch < 30; batch += 1) {
      const made = await insertDeliveries(store, Array.from({ length: 1000 }, () => ({
        department: random.pick(DEPARTMENTS), state: random.pick(STATES), updatedAt: NOW - random.int(86_400_000),
        ...(random.next() < 0.1 ? { overdue: random.next() < 0.2 ? '' : `2026-${String(1 + random.int(12)).padStart(2, '0')}-10` } : {}),
      })), NOW, 10);
      deliveries.push(...made.deliveries);
      applications.push(...new Set(made.applications));
    }
    await insertAttempts(store, deliveries.map((id) => ({ deliveryId: id, startedAt: NOW - random.int(86_400_000), outcome: random.pick(OUTCOMES) })));
    await insertRows(store, 'application_materials', ['application_id', 'material_code', 'version', 'satisfied_by', 'due_date', 'supplied_at', 'created_at'],
      applications.flatMap((application) => Array.from({ length: 8 }, (_, index) => [application, `CL00${index}`, 1, index === 0 ? 'deferred' : 'upload',
        index === 0 ? `2026-${String(1 + random.int(12)).padStart(2, '0')}-01` : null, index === 0 && random.next() < 0.5 ? NOW : null, NOW] as SqlValue[])));
    const { rows: subs } = await store.query<{ id: string }>('SELECT id FROM sub_applications');
    await insertRows(store, 'supplement_requests', ['id', 'sub_application_id', 'department_code', 'event_id', 'materials', 'fields', 'reason', 'deadline', 'status', 'requested_at'],
      subs.slice(0, 15000).map((sub, index) => [newId(NOW), sub.id, random.pick(DEPARTMENTS), `e${index}`, '[]', '[]', '补正', `2026-${String(1 + random.int(12)).padStart(2, '0')}-01`,
        random.pick(['open', 'supplied', 'expired']), NOW]));
    await insertRows(store, 'commitment_reports', ['department_code', 'event_id', 'sub_application_id', 'material_code', 'reason', 'reported_at'],
      subs.slice(0, 15000).map((sub, index) => [random.pick(DEPARTMENTS), `c${index}`, sub.id, 'CL001', '不实', NOW - random.int(86_400_000)]));
    await insertRows(store, 'sync_runs', ['kind', 'trigger', 'status', 'started_at'],
      Array.from({ length: 5000 }, () => [random.pick(['full', 'incremental']), 'schedule', random.pick(['succeeded', 'failed', 'running']), NOW - random.int(86_400_000)]));
    await insertRows(store, 'licence_uses', ['seq', 'at', 'client_id', 'holder_code', 'holder_type', 'licence_identifier', 'licence_type', 'theme_code', 'matter_codes', 'use_cause',
      'authorization_id', 'action', 'outcome', 'prev_hash', 'hash'],
      Array.from({ length: 15000 }, (_, index) => [index + 1, NOW, 'platform', `H${random.int(3000)}`, 'citizen', `L${index}`, 'idCard', 'MX-T05', '[]', '办事', 'auth', 'query', 'used', `p${index}`, `h${index}`]));
    await insertUpstreamJobs(store, random);
    await store.query('ANALYZE');
    sample = { delivery: deliveries[0]!, subApplication: subs[0]!.id, application: applications[0]! };
  });
  after(async function () {
    await store?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  /** The job rows of the payment, posting, 好差评 push and licence issuance workers, mostly answered, some failed, some refused by Tongban itself. */
  async function insertUpstreamJobs(tx: Store, random: ReturnType<typeof randomStream>): Promise<void> {
    const { rows: subs } = await tx.query<{ id: string; application_id: string }>('SELECT id, application_id FROM sub_applications ORDER BY id LIMIT 20000');
    const at = () => NOW - random.int(86_400_000);
    const failure = () => (random.next() < 0.1 ? random.pick(['timeout: no answer in 5000 ms', 'unavailable: HTTP 503', 'the platform does not know the refund']) : null);
    await insertRows(tx, 'payments', ['id', 'application_id', 'sub_application_id', 'matter_code', 'gate', 'items', 'total_fen', 'payer', 'due_date', 'order_no', 'notice_no', 'status', 'job',
      'next_attempt_at', 'last_error', 'created_at', 'updated_at'], subs.map((sub, index) => {
      const created = random.next() < 0.9;
      return [newId(NOW), sub.application_id, sub.id, '000744622001', 'before-acceptance', '[]', 100, '{}', '2026-12-31', `TB-P${index}`, created ? `N${index}` : null,
        created ? 'unpaid' : 'creating', created ? 'await' : 'create', NOW, failure(), NOW, at()];
    }));
    await insertRows(tx, 'postings', ['id', 'application_id', 'direction', 'order_no', 'hall_code', 'sender', 'recipient', 'items', 'waybill_no', 'status', 'state', 'next_attempt_at',
      'last_error', 'created_at', 'updated_at'], subs.map((sub, index) => {
      const created = random.next() < 0.9;
      return [newId(NOW), sub.application_id, 'result', `TB-W${index}`, 'H1', '{}', '{}', '[]', created ? `W${index}` : null, created ? 'in_transit' : 'creating',
        created ? 'tracking' : 'pending', NOW, failure(), NOW, at()];
    }));
    const evaluations = subs.map(() => newId(NOW));
    await insertRows(tx, 'evaluations', ['id', 'application_id', 'theme_code', 'scope', 'service_code', 'level', 'indicators', 'comment', 'channel', 'actor', 'client_id', 'created_at'],
      subs.map((sub, index) => [evaluations[index]!, sub.application_id, 'MX-T05', 'matter', `S${index}`, 5, '[]', '', 'pc', '{}', 'platform', NOW]));
    await insertRows(tx, 'evaluation_pushes', ['id', 'evaluation_id', 'position', 'kind', 'payload', 'state', 'next_attempt_at', 'last_error', 'created_at', 'updated_at'],
      evaluations.map((evaluation) => {
        const state = random.pick(['delivered', 'delivered', 'delivered', 'pending', 'in_flight', 'dead']);
        return [newId(NOW), evaluation, 0, 'evaluation', '{}', state, NOW, state === 'delivered' ? null : failure(), NOW, at()];
      }));
    await insertRows(tx, 'licence_issuances', ['id', 'application_id', 'sub_application_id', 'licence_type', 'business_number', 'request', 'status', 'operation', 'state', 'next_attempt_at',
      'last_error', 'error_code', 'created_at', 'updated_at'], subs.map((sub, index) => {
      const state = random.pick(['done', 'done', 'done', 'pending', 'dead']);
      const code = state === 'done' ? null : random.pick([null, 'timeout', 'NO_SIGNER', 'MAPPING']);
      return [newId(NOW), sub.application_id, sub.id, 'birthCertificate', `TB-${index}`, '{}', state === 'done' ? 'issued' : 'issuing', 'issue', state, NOW,
        code === null ? null : `${code}: failed`, code, NOW, at()];
    }));
  }

  async function explain(statement: Statement): Promise<string[]> {
    if (fixture.name === 'sqlite') {
      return (await store.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${statement.sql}`, statement.params)).rows.map((row) => row.detail);
    }
    return (await store.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${statement.sql}`, statement.params)).rows.map((row) => row['QUERY PLAN']);
  }

  /** What in a plan reads a growing table whole, or sorts a page's matches. */
  function faults(statement: Statement, plan: readonly string[]): string[] {
    const found: string[] = [];
    for (const line of plan) {
      if (fixture.name === 'sqlite') {
        const scan = /^SCAN (\S+)(.*)$/.exec(line.trim());
        // A page's SCAN through an index walks it in order and stops at the LIMIT; any other SCAN of a growing table reads it whole.
        const ordered = statement.page && (/USING (COVERING )?INDEX/.test(scan?.[2] ?? '') || scan?.[1] === statement.keyOrder);
        if (scan && !ordered && !SCANNABLE.includes(scan[1]!) && scan[1] !== 'overdue') found.push(line);
        if (statement.page && /USE TEMP B-TREE FOR (ORDER BY|RIGHT PART OF ORDER BY)/.test(line)) found.push(line);
      } else {
        const seq = /Seq Scan on (\w+)/.exec(line);
        if (seq && GROWING.includes(seq[1]!)) found.push(line.trim());
      }
    }
    return found;
  }

  it('the check catches a full scan: counting deliveries by a GROUP BY, a page ordered by an unindexed column', async () => {
    const unindexed: Statement = { name: 'by created_at', sql: 'SELECT id FROM deliveries ORDER BY created_at DESC LIMIT 100', params: [], page: true };
    expect(faults(unindexed, await explain(unindexed))).to.not.deep.equal([]);
    if (fixture.name === 'sqlite') {
      const counted: Statement = { name: 'GROUP BY', sql: 'SELECT department_code, state, COUNT(*) AS n FROM deliveries GROUP BY department_code, state', params: [] };
      expect(faults(counted, await explain(counted))).to.not.deep.equal([]);
    }
  });

  it('reads no growing table whole, and sorts no page, for every ops, dashboard and metrics statement', async () => {
    const failures: string[] = [];
    for (const statement of statements(sample)) {
      const plan = await explain(statement);
      const found = faults(statement, plan);
      if (found.length) failures.push(`${statement.name}:\n    ${plan.join('\n    ')}`);
    }
    expect(failures, failures.join('\n\n')).to.deep.equal([]);
  });
});
