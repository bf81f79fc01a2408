/**
 * The webhook statements that run all the time or serve lists — the
 * worker's claims, an endpoint's deliveries, the ops list, the per-client
 * gauges, the overdue check — explained on SQLite and PostgreSQL over tens
 * of thousands of rows after ANALYZE: none reads a growing table whole, and
 * on SQLite no keyset page sorts what it matched (as test/integration/ops/query-plans.test.ts).
 */
import { expect } from 'chai';
import { endpointDeliveriesSql } from '../../../src/notifications/webhook-endpoints.js';
import { opsWebhookDeliveriesSql, WEBHOOK_COUNTS_SQL } from '../../../src/notifications/ops-webhooks.js';
import { markedSql } from '../../../src/notifications/overdue-events.js';
import { APPLICATION_DELIVERY_STATES_SQL } from '../../../src/notifications/application-notifications.js';
import { DUE_WEBHOOKS_SQL, EXPIRED_WEBHOOKS_SQL, PROMOTE_NEXT_SQL } from '../../../src/notifications/webhook-store.js';
import { WAITING_TURN } from '../../../src/notifications/platform-events.js';
import { newId, type SqlValue, type Store } from '../../../src/store/index.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { DEPARTMENTS, insertDeliveries, insertRows, randomStream } from '../ops/ops-rows.js';

const GROWING = ['webhook_deliveries', 'webhook_messages', 'webhook_endpoints', 'webhook_overdue_marks', 'sub_applications', 'applications'];
const NOW = Date.UTC(2026, 11, 6, 8, 0, 0);

interface Statement { name: string; sql: string; params: readonly SqlValue[]; page?: boolean }

for (const fixture of storeFixtures()) describe(`webhook query plans (${fixture.name})`, function () {
  this.timeout(120_000);
  let store: Store;
  let sample: { endpoint: string; delivery: string; application: string };

  before(async function () {
    this.timeout(120_000);
    store = await fixture.open();
    const random = randomStream(19);
    const endpoints = Array.from({ length: 40 }, (_, index) => ({ id: `ep_${newId(NOW)}`, client: `platform-${index % 8}` }));
    await insertRows(store, 'webhook_endpoints', ['id', 'client_id', 'url', 'event_types', 'description', 'status', 'created_at', 'updated_at'],
      endpoints.map((endpoint) => [endpoint.id, endpoint.client, 'https://platform.test/events', null, null, 'active', NOW, NOW]));
    const messages: SqlValue[][] = [];
    const deliveries: SqlValue[][] = [];
    for (let application = 0; application < 3000; application += 1) {
      const applicationId = newId(NOW);
      const endpoint = random.pick(endpoints);
      for (let sequence = 1; sequence <= 8; sequence += 1) {
        const id = `msg_${newId(NOW)}`;
        messages.push([id, endpoint.client, applicationId, sequence, 'sub_application.accepted', null, '{}', NOW - random.int(86_400_000)]);
        const state = random.pick(['pending', 'in_flight', 'delivered', 'delivered', 'delivered', 'dead']);
        deliveries.push([`whd_${newId(NOW)}`, id, endpoint.id, endpoint.client, applicationId, sequence, state, 1, NOW - random.int(86_400_000),
          state === 'in_flight' ? NOW - random.int(60_000) : null, NOW - random.int(86_400_000), NOW - random.int(86_400_000)]);
      }
    }
    await insertRows(store, 'webhook_messages', ['id', 'client_id', 'application_id', 'sequence', 'type', 'sub_application_id', 'payload', 'created_at'], messages);
    await insertRows(store, 'webhook_deliveries', ['id', 'message_id', 'endpoint_id', 'client_id', 'application_id', 'sequence', 'state', 'attempts', 'next_attempt_at',
      'lease_expires_at', 'created_at', 'updated_at'], deliveries);
    await insertDeliveries(store, Array.from({ length: 10_000 }, () => ({
      department: random.pick(DEPARTMENTS), state: 'delivered', updatedAt: NOW,
      ...(random.next() < 0.2 ? { overdue: `2026-${String(1 + random.int(12)).padStart(2, '0')}-10` } : {}),
    })), NOW, 5);
    const { rows: overdue } = await store.query<{ id: string }>("SELECT id FROM sub_applications WHERE status = 'accepted'");
    await insertRows(store, 'webhook_overdue_marks', ['sub_application_id', 'marked_at'], overdue.filter((_, index) => index % 2 === 0).map((row) => [row.id, NOW]));
    await store.query('ANALYZE');
    sample = { endpoint: String(deliveries[0]![2]), delivery: String(deliveries[0]![0]), application: String(deliveries[0]![4]) };
  });
  after(async function () {
    await store?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  const statements = (): Statement[] => [
    { name: 'due deliveries, first in line', sql: DUE_WEBHOOKS_SQL, params: [NOW, 50] },
    { name: 'expired leases', sql: EXPIRED_WEBHOOKS_SQL, params: [NOW, 50] },
    { name: 'the next one made due', sql: PROMOTE_NEXT_SQL, params: [sample.endpoint, sample.application, NOW, WAITING_TURN] },
    { name: 'an endpoint\'s deliveries', sql: endpointDeliveriesSql(false), params: [sample.endpoint, 101], page: true },
    { name: 'an endpoint\'s deliveries, next page', sql: endpointDeliveriesSql(true), params: [sample.endpoint, 101, NOW, sample.delivery], page: true },
    { name: 'ops: dead deliveries', sql: opsWebhookDeliveriesSql(false), params: ['dead', 101], page: true },
    { name: 'ops: dead deliveries, next page', sql: opsWebhookDeliveriesSql(true), params: ['dead', 101, NOW, sample.delivery], page: true },
    { name: 'gauges per client', sql: WEBHOOK_COUNTS_SQL, params: [] },
    { name: 'an application\'s deliveries by state', sql: APPLICATION_DELIVERY_STATES_SQL, params: [sample.application] },
    { name: 'overdue marks of a page', sql: markedSql(2), params: [sample.delivery, sample.endpoint] },
  ];

  async function explain(statement: Statement): Promise<string[]> {
    if (fixture.name === 'sqlite') return (await store.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${statement.sql}`, statement.params)).rows.map((row) => row.detail);
    return (await store.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${statement.sql}`, statement.params)).rows.map((row) => row['QUERY PLAN']);
  }

  function faults(statement: Statement, plan: readonly string[]): string[] {
    return plan.filter((line) => {
      if (fixture.name === 'sqlite') {
        const scan = /^SCAN (\S+)(.*)$/.exec(line.trim());
        if (scan && GROWING.includes(scan[1]!) && !(statement.page && /USING (COVERING )?INDEX/.test(scan[2] ?? ''))) return true;
        return !!statement.page && /USE TEMP B-TREE FOR (ORDER BY|RIGHT PART OF ORDER BY)/.test(line);
      }
      const seq = /Seq Scan on (\w+)/.exec(line);
      return !!seq && GROWING.includes(seq[1]!);
    });
  }

  it('reads no growing table whole, and sorts no page', async () => {
    const failures: string[] = [];
    for (const statement of statements()) {
      const plan = await explain(statement);
      if (faults(statement, plan).length > 0) failures.push(`${statement.name}:\n    ${plan.join('\n    ')}`);
    }
    expect(failures, failures.join('\n\n')).to.deep.equal([]);
  });
});
