/**
 * What migration 011 and the ops reader change (#17), before against after
 * in one run, on SQLite:
 *
 * - the write cost: a delivery's life (intake's application, sub-application
 *   and delivery; claimed; an attempt and delivered) 4 000 times, 50 at a
 *   time through the store's group commits, on a database holding 100 000
 *   deliveries — with 011's indexes and triggers, and without them (dropped
 *   again, as before 011); also on PostgreSQL;
 * - the ops reads on that database: the statements ops ran before 011 (on
 *   the main thread, where each blocks the event loop for as long as it
 *   runs) against those of now through the ops reader (a worker thread: the
 *   event loop is free meanwhile), p50 and p99 of 30 reads each.
 * Reports; never asserts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { listDeliveries, overdueSubApplications } from '../src/delivery/ops-deliveries.js';
import { deliveryCounts } from '../src/ops/counters.js';
import { attemptSeries, departmentActivity } from '../src/ops/dashboard/queries.js';
import { outboxDepth } from '../src/ops/outbox-gauges.js';
import { migrate, newId, PostgresStore, SqliteReader, SqliteStore, type Queryable, type Store } from '../src/store/index.js';
import { percentile } from './intake.js';

const SEEDED = 50_000;
const LIVES = 1000;
const IN_FLIGHT = 50;
const READS = 30;
const DEPARTMENTS = ['gaj', 'mzrsj', 'rsj', 'ybj', 'swj', 'scjgj'];
const STATES = ['pending', 'delivered', 'delivered', 'delivered', 'dead', 'waiting'];
const POSTGRES_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Undoes migration 011's write-side objects: the database then writes as before it. */
const WITHOUT_011 = [
  'DROP TRIGGER IF EXISTS deliveries_count_insert', 'DROP TRIGGER IF EXISTS deliveries_count_update', 'DROP TRIGGER IF EXISTS deliveries_count_delete',
  'DROP TRIGGER IF EXISTS delivery_attempts_rollup', 'DROP INDEX deliveries_department_state_updated', 'DROP INDEX deliveries_department_updated',
  'DROP INDEX deliveries_state_updated', 'DROP INDEX deliveries_updated', 'DROP INDEX sub_applications_overdue',
  'CREATE INDEX deliveries_department_state ON deliveries (department_code, state)',
];
const WITHOUT_011_POSTGRES = [
  'DROP TRIGGER deliveries_count ON deliveries', 'DROP TRIGGER deliveries_count_update ON deliveries', 'DROP TRIGGER delivery_attempts_rollup ON delivery_attempts',
  ...WITHOUT_011.slice(4),
];

/** The ops reads before 011: counted, sorted, unbounded. */
const BEFORE = {
  'delivery list': `SELECT d.id, d.state, d.updated_at, s.matter_name FROM deliveries d JOIN sub_applications s ON s.id = d.sub_application_id ORDER BY d.updated_at DESC LIMIT 100`,
  'dead letters of a department': `SELECT d.id, d.updated_at FROM deliveries d JOIN sub_applications s ON s.id = d.sub_application_id WHERE d.state = 'dead' AND d.department_code = 'gaj' ORDER BY d.updated_at DESC LIMIT 100`,
  'queue counts': 'SELECT department_code, state, COUNT(*) AS n FROM deliveries GROUP BY department_code, state',
  'outbox depth (/metrics)': "SELECT state, COUNT(*) AS n FROM deliveries WHERE state IN ('waiting', 'pending', 'in_flight', 'dead') GROUP BY state",
  'attempts chart, 24 h': `SELECT started_at - (started_at % 3600000) AS bucket, outcome, COUNT(*) AS n FROM delivery_attempts WHERE started_at >= ${Date.now() - 86_400_000} GROUP BY 1, 2`,
  'department activity': `SELECT d.department_code, a.outcome, COUNT(*) AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE a.started_at >= ${Date.now() - 3_600_000} GROUP BY 1, 2`,
  overdue: "SELECT id FROM sub_applications WHERE status = 'accepted' AND ((due_status = 'computed' AND due_date < '2026-12-06') OR due_status = 'uncovered') ORDER BY due_date",
} as const;

/** The same reads now (through `reader`). */
function after(reader: Queryable): Record<keyof typeof BEFORE, () => Promise<unknown>> {
  const now = Date.now();
  return {
    'delivery list': () => listDeliveries(reader, { limit: 100 }),
    'dead letters of a department': () => listDeliveries(reader, { state: 'dead', department: 'gaj', limit: 100 }),
    'queue counts': () => deliveryCounts(reader),
    'outbox depth (/metrics)': () => outboxDepth(reader),
    'attempts chart, 24 h': () => attemptSeries(reader, { since: now - 86_400_000, until: now, bucketMs: 3_600_000 }),
    'department activity': () => departmentActivity(reader, now - 3_600_000),
    overdue: () => overdueSubApplications(reader, '2026-12-06', { limit: 100 }),
  };
}

/** `count` deliveries (with their applications, sub-applications and one attempt each), 1000 per transaction. */
async function seed(store: Store, count: number): Promise<void> {
  const now = Date.now();
  for (let start = 0; start < count; start += 1000) {
    await store.transaction(async (tx) => {
      for (let index = start; index < Math.min(count, start + 1000); index += 10) await life(tx, now - (index * 997) % 86_400_000, index, 10);
    });
  }
}

/** One application of `size` matters: intake's rows, then (as dispatchers do) states, attempts. Every 10th is accepted and overdue. */
async function life(tx: Queryable, at: number, index: number, size = 1): Promise<string[]> {
  const applicationId = newId(at);
  await tx.query(`INSERT INTO applications (id, client_id, idempotency_key, request_digest, response, theme_code, answers, form, provenance, status, created_at, updated_at)
    VALUES ($1, 'platform', $1, 'd', '{}', 'MX-T05', '{}', '{}', '{}', 'processing', $2, $2)`, [applicationId, at]);
  const ids: string[] = [];
  for (let position = 0; position < size; position += 1) {
    const sub = newId(at);
    const delivery = newId(at);
    const overdue = (index + position) % 10 === 0;
    await tx.query(`INSERT INTO sub_applications (id, application_id, matter_code, matter_name, department_code, position, prerequisites, form, provenance, status,
        statutory_days, promised_days, accepted_at, due_date, due_status, created_at, updated_at)
      VALUES ($1, $2, 'm', '事项', $3, $4, '[]', '{}', '{}', $5, 20, 10, $6, $7, $8, $6, $6)`,
    [sub, applicationId, DEPARTMENTS[(index + position) % DEPARTMENTS.length]!, position, overdue ? 'accepted' : 'queued', at, overdue ? '2026-01-10' : null, overdue ? 'computed' : null]);
    await tx.query(`INSERT INTO deliveries (id, sub_application_id, department_code, channel, idempotency_key, state, next_attempt_at, created_at, updated_at)
      VALUES ($1, $2, $3, 'rest', $1, $4, $5, $5, $5)`, [delivery, sub, DEPARTMENTS[(index + position) % DEPARTMENTS.length]!, STATES[(index + position) % STATES.length]!, at]);
    await tx.query("INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, outcome) VALUES ($1, 1, $2, 10, 'delivered')", [delivery, at]);
    ids.push(delivery);
  }
  return ids;
}

/**
 * Delivery lives on `stores[0]` (without 011) and `stores[1]` (with), in
 * alternating rounds so that the machine's other load falls on both alike:
 * the best rate of each (lives/s) and the least CPU per life (µs, this
 * process: the store's work).
 */
async function alternating(stores: readonly [Store, Store], rounds = 3): Promise<{ rate: [number, number]; cpuUs: [number, number] }> {
  const rate: [number, number] = [0, 0];
  const cpuUs: [number, number] = [Infinity, Infinity];
  for (let round = 0; round < rounds; round += 1) {
    for (const index of [0, 1] as const) {
      const cpu = process.cpuUsage();
      const perSecond = await lives(stores[index]);
      const used = process.cpuUsage(cpu);
      rate[index] = Math.max(rate[index], perSecond);
      cpuUs[index] = Math.min(cpuUs[index], (used.user + used.system) / LIVES);
    }
  }
  return { rate, cpuUs };
}

/** Delivery lives per second: intake's transaction, the claim, the attempt and its outcome, `IN_FLIGHT` lives at a time. */
async function lives(store: Store): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < LIVES) {
      const index = next++;
      const at = Date.now();
      const [delivery] = await store.transaction(async (tx) => {
        const applicationId = newId(at);
        await tx.query(`INSERT INTO applications (id, client_id, idempotency_key, request_digest, response, theme_code, answers, form, provenance, status, created_at, updated_at)
          VALUES ($1, 'platform', $1, 'd', '{}', 'MX-T05', '{}', '{}', '{}', 'processing', $2, $2)`, [applicationId, at]);
        const sub = newId(at);
        const id = newId(at);
        await tx.query(`INSERT INTO sub_applications (id, application_id, matter_code, matter_name, department_code, position, prerequisites, form, provenance, status,
            statutory_days, promised_days, created_at, updated_at) VALUES ($1, $2, 'm', '事项', $3, 0, '[]', '{}', '{}', 'queued', 20, 10, $4, $4)`, [sub, applicationId, DEPARTMENTS[index % 6]!, at]);
        await tx.query(`INSERT INTO deliveries (id, sub_application_id, department_code, channel, idempotency_key, state, next_attempt_at, created_at, updated_at)
          VALUES ($1, $2, $3, 'rest', $1, 'pending', $4, $4, $4)`, [id, sub, DEPARTMENTS[index % 6]!, at]);
        return [id];
      });
      await store.query("UPDATE deliveries SET state = 'in_flight', updated_at = $2 WHERE id = $1", [delivery!, at + 1]);
      await store.transaction(async (tx) => {
        await tx.query("INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, outcome) VALUES ($1, 1, $2, 10, 'delivered')", [delivery!, at + 1]);
        await tx.query("UPDATE deliveries SET state = 'delivered', attempts = 1, updated_at = $2 WHERE id = $1", [delivery!, at + 2]);
      });
    }
  }));
  return LIVES / (Number(process.hrtime.bigint() - started) / 1e9);
}

function livesRow(name: string, measured: { rate: [number, number]; cpuUs: [number, number] }): Record<string, unknown> {
  return {
    benchmark: 'ops-reads', case: name, 'ops/s': `${Math.round(measured.rate[0])} → ${Math.round(measured.rate[1])}`, 'CPU µs/op': `${Math.round(measured.cpuUs[0])} → ${Math.round(measured.cpuUs[1])}`,
    note: `rate ratio ${(measured.rate[1] / measured.rate[0]).toFixed(2)}, CPU ratio ${(measured.cpuUs[1] / measured.cpuUs[0]).toFixed(2)} (best of 3 alternating rounds)`,
  };
}

async function timed(read: () => Promise<unknown>): Promise<{ p50: number; p99: number; blockedMs: number }> {
  const latencies: number[] = [];
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  for (let index = 0; index < READS; index += 1) {
    const started = process.hrtime.bigint();
    await read();
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  delay.disable();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), blockedMs: delay.max / 1e6 };
}

export async function benchOpsReads(): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tongban-ops-reads-'));
  try {
    const stores = { before: new SqliteStore({ path: join(dir, 'before.db') }), after: new SqliteStore({ path: join(dir, 'after.db') }) };
    for (const [name, store] of Object.entries(stores)) {
      await migrate(store);
      if (name === 'before') await store.withDatabase((db) => { for (const statement of WITHOUT_011) db.exec(statement); });
      await seed(store, SEEDED);
    }
    const sqlite = await alternating([stores.before, stores.after]);
    rows.push(livesRow(`sqlite: delivery lives at ${SEEDED / 1000}k deliveries, without 011 → with`, sqlite));

    const reader = new SqliteReader({ path: join(dir, 'after.db') });
    await reader.query('SELECT 1 AS warm'); // the worker's start is not a read's cost
    const reads = after(reader);
    for (const [name, sql] of Object.entries(BEFORE) as [keyof typeof BEFORE, string][]) {
      const old = await timed(() => stores.before.query(sql));
      const now = await timed(reads[name]);
      rows.push({
        benchmark: 'ops-reads', case: `sqlite ${name} at ${SEEDED / 1000}k: before (main thread) → now (reader)`,
        'p50 ms': `${old.p50.toFixed(1)} → ${now.p50.toFixed(1)}`, 'p99 ms': `${old.p99.toFixed(1)} → ${now.p99.toFixed(1)}`,
        note: `longest event-loop stall ${old.blockedMs.toFixed(0)} → ${now.blockedMs.toFixed(0)} ms`,
      });
    }
    await reader.close();
    await stores.before.close();
    await stores.after.close();

    const schemas = [`bench_ops_before_${process.pid}`, `bench_ops_after_${process.pid}`];
    const postgres = schemas.map((schema) => new PostgresStore({ connectionString: POSTGRES_URL, schema, poolSize: 10 }));
    try {
      for (const [index, store] of postgres.entries()) {
        await migrate(store);
        if (index === 0) for (const statement of WITHOUT_011_POSTGRES) await store.query(statement);
        await seed(store, SEEDED / 5);
      }
      rows.push(livesRow(`postgres: delivery lives at ${SEEDED / 5000}k deliveries, without 011 → with`, await alternating([postgres[0]!, postgres[1]!])));
    } finally {
      for (const [index, store] of postgres.entries()) {
        await store.query(`DROP SCHEMA IF EXISTS "${schemas[index]}" CASCADE`).catch(() => undefined);
        await store.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
