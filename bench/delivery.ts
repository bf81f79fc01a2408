/**
 * Delivery benchmark: how fast the dispatcher of one gateway process (SQLite)
 * pushes a backlog of sub-applications to fast local departments
 * (`bench/fast-department.ts`: the REST wire protocol, signatures checked
 * and receipts signed, on bare node:http) and, for comparison, to the REST
 * department simulators the tests use — claim under a lease, build the payload, sign it, POST it,
 * verify the department's signed receipt, record the outcome durably.
 * Reports delivered sub-applications per second and the p50/p99 of one push
 * (claim to recorded receipt) from the attempts the gateway recorded; never
 * asserts.
 *
 * The backlog is made by submitting one application per theme through the
 * gateway (dispatcher off) and copying its rows with new ids, so the
 * benchmark spends its time delivering, not filling.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startRestDepartmentSimulator, type RestDepartmentSimulator } from '../adapters/department-rest/simulator/rest-department-simulator.js';
import { newId } from '../src/store/index.js';
import { startFastDepartment, type FastDepartment } from './fast-department.js';
import { Keyring } from '../src/trust/keyring.js';
import { CERT_FILES } from '../src/trust/dev-material.js';
import { createSigningClient, jwks, type FetchFunction } from '../src/trust/signing-client.js';
import {
  benchEnvironment, cpuMs, gatewayEnv, loadSubmissions, marriageSubmission, percentile, startGatewayProcess, tradeChangeSubmission, prepareSubmissions, type BenchEnvironment, type Submission,
} from './intake.js';

/** One backlog to drain: the departments it goes to and one submission per template application. */
interface DeliveryCase {
  name: string;
  departments: string[];
  templates: Submission[];
  count: number;
  /** Give up waiting after this long (ms). */
  timeoutMs: number;
  /** `fast`: {@link startFastDepartment}; `simulator`: the REST department simulator the tests use. */
  departmentKind: 'fast' | 'simulator';
  /** Most sub-applications per push (TONGBAN_DEPARTMENT_BATCH for every department of the case); default one per push. */
  batch?: number;
}

const CASES: DeliveryCase[] = [
  {
    name: '卫生健康局 (ES256) + 科工商务局 (EdDSA), fast departments', departments: ['wjj', 'kgswj'], count: 6000, timeoutMs: 25_000, departmentKind: 'fast',
    templates: [marriageSubmission(1, { joinSpouseHousehold: false }), tradeChangeSubmission(1)],
  },
  {
    name: '卫生健康局 (ES256) + 科工商务局 (EdDSA), fast departments, batched pushes of ≤ 16', departments: ['wjj', 'kgswj'], count: 6000, timeoutMs: 25_000, departmentKind: 'fast', batch: 16,
    templates: [marriageSubmission(1, { joinSpouseHousehold: false }), tradeChangeSubmission(1)],
  },
  {
    name: '卫生健康局 (ES256) + 科工商务局 (EdDSA), REST simulators', departments: ['wjj', 'kgswj'], count: 4000, timeoutMs: 25_000, departmentKind: 'simulator',
    templates: [marriageSubmission(1, { joinSpouseHousehold: false }), tradeChangeSubmission(1)],
  },
  {
    name: '卫生健康局 (ES256) + 科工商务局 (EdDSA), REST simulators, batched pushes of ≤ 16', departments: ['wjj', 'kgswj'], count: 4000, timeoutMs: 25_000, departmentKind: 'simulator', batch: 16,
    templates: [marriageSubmission(1, { joinSpouseHousehold: false }), tradeChangeSubmission(1)],
  },
  {
    name: '公安局 (SM2 receipts), fast department', departments: ['gaj'], count: 1500, timeoutMs: 15_000, departmentKind: 'fast',
    templates: [marriageSubmission(2, { registerBirth: false })],
  },
  {
    name: '公安局 (SM2 receipts), fast department, batched pushes of ≤ 16', departments: ['gaj'], count: 3000, timeoutMs: 15_000, departmentKind: 'fast', batch: 16,
    templates: [marriageSubmission(2, { registerBirth: false })],
  },
];

/** Dispatcher concurrency used (TONGBAN_DELIVERY_CONCURRENCY). */
const CONCURRENCY = 64;

export async function benchDelivery(): Promise<Record<string, unknown>[]> {
  const environment = await benchEnvironment();
  const rows: Record<string, unknown>[] = [];
  // BENCH_DELIVERY_CASE=<part of a case's name> drains only the cases it names (and skips the steady case).
  const only = process.env['BENCH_DELIVERY_CASE'];
  for (const deliveryCase of CASES) if (!only || deliveryCase.name.includes(only)) rows.push(await drain(environment, deliveryCase));
  if (!only) rows.push(await steady(environment));
  return rows;
}

/** Steady load, well under capacity: submissions per second, for this long. */
const STEADY = { ratePerSecond: 250, durationMs: 4000 };

/**
 * End-to-end delivery latency at a steady load with no backlog: from the
 * commit of a sub-application (intake) to its department's verified receipt,
 * both stamped by the gateway.
 */
async function steady(environment: BenchEnvironment): Promise<Record<string, unknown>> {
  const sqlitePath = join(mkdtempSync(join(environment.dir, 'steady-')), 'tongban.db');
  const tongbanKeys = Keyring.open(join(environment.certsDir, CERT_FILES.keyring)).publicKeys();
  const simulators = new Map<string, RestDepartmentSimulator>();
  const reach = gatewayReach();
  for (const code of ['wjj', 'kgswj']) {
    simulators.set(code, await startBenchDepartment(environment, code, tongbanKeys, reach));
  }
  try {
    const gateway = await startGatewayProcess(environment, gatewayEnv(environment, sqlitePath, {
      TONGBAN_DEPARTMENT_ENDPOINTS: JSON.stringify(Object.fromEntries([...simulators].map(([code, simulator]) => [code, simulator.url]))),
      TONGBAN_DELIVERY_CONCURRENCY: String(CONCURRENCY),
    }), ['MX-T33', 'MX-T06']);
    reach.url = gateway.url;
    let sent;
    try {
      const withMaterials = await prepareSubmissions(environment, gateway.url, [marriageSubmission(0, { joinSpouseHousehold: false }), tradeChangeSubmission(0)]);
      sent = await loadSubmissions({
        url: gateway.url, key: environment.key('platform'), concurrency: 32, durationMs: STEADY.durationMs, ratePerSecond: STEADY.ratePerSecond,
        submission: (index) => withMaterials(index % 2 === 0 ? marriageSubmission(index, { joinSpouseHousehold: false }) : tradeChangeSubmission(index)),
        idTokenOf: withMaterials.idTokenOf,
      });
      const db = new Database(sqlitePath, { readonly: true });
      const pending = db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE state <> 'delivered'");
      const deadline = Date.now() + 10_000;
      while ((pending.get() as { n: number }).n > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const latencies = (db.prepare("SELECT updated_at - created_at AS ms FROM deliveries WHERE state = 'delivered'").all() as { ms: number }[])
        .map((row) => row.ms).sort((a, b) => a - b);
      // Where the time goes: waiting to be claimed and built, then the push itself.
      const split = db.prepare(`SELECT a.started_at - d.created_at AS waited, a.duration_ms AS pushed FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
                                 WHERE a.outcome = 'delivered'`).all() as { waited: number; pushed: number }[];
      const waited = split.map((row) => row.waited).sort((a, b) => a - b);
      const pushed = split.map((row) => row.pushed).sort((a, b) => a - b);
      db.close();
      return {
        benchmark: 'delivery', case: `steady ${STEADY.ratePerSecond}/s to 卫生健康局 + 科工商务局: intake commit → receipt`,
        'ops/s': Math.round(latencies.length / (STEADY.durationMs / 1000)), 'p50 ms': percentile(latencies, 50).toFixed(0), 'p99 ms': percentile(latencies, 99).toFixed(0),
        note: [`p50 until claimed ${percentile(waited, 50)} ms, push ${percentile(pushed, 50)} ms`, sent.failed > 0 ? `${sent.failed} submissions failed` : ''].filter(Boolean).join('; '),
      };
    } finally {
      await gateway.stop();
    }
  } finally {
    for (const simulator of simulators.values()) await simulator.close();
  }
}

async function drain(environment: BenchEnvironment, deliveryCase: DeliveryCase): Promise<Record<string, unknown>> {
  const sqlitePath = join(mkdtempSync(join(environment.dir, 'delivery-')), 'tongban.db');
  const tongbanKeys = Keyring.open(join(environment.certsDir, CERT_FILES.keyring)).publicKeys();
  const simulators = new Map<string, BenchDepartment>();
  const reach = gatewayReach();
  for (const code of deliveryCase.departments) {
    simulators.set(code, deliveryCase.departmentKind === 'fast'
      ? await startFastDepartment({ departmentCode: code, departmentKey: environment.key(`dept-${code}`), tongbanPublicKeys: tongbanKeys })
      : counted(await startBenchDepartment(environment, code, tongbanKeys, reach)));
  }
  const endpoints = JSON.stringify(Object.fromEntries([...simulators].map(([code, simulator]) => [code, simulator.url])));
  try {
    // 1. One real application per template, through the gateway, dispatcher off.
    const themes = [...new Set(deliveryCase.templates.map((template) => template.themeCode))];
    const filler = await startGatewayProcess(environment, gatewayEnv(environment, sqlitePath, { TONGBAN_DISPATCHER: 'false' }), themes);
    const templateIds: string[] = [];
    try {
      const platform = createSigningClient({ baseUrl: filler.url, clientId: 'platform', key: environment.key('platform'), tongbanKeys: () => jwks(filler.url) });
      const withMaterials = await prepareSubmissions(environment, filler.url, deliveryCase.templates);
      for (const template of deliveryCase.templates) {
        const answer = await platform.request('POST', '/v1/applications', {
          body: withMaterials(template), headers: { 'idempotency-key': `bench-template-${randomUUID()}` }, idToken: withMaterials.idTokenOf(template),
        });
        if (answer.status !== 202) throw new Error(`template submission answered ${answer.status}: ${answer.raw.toString('utf8').slice(0, 1200)}`);
        templateIds.push((answer.body as { applicationId: string }).applicationId);
      }
    } finally {
      await filler.stop();
    }
    // 2. Copies of their rows with new ids: the backlog.
    copyApplications(sqlitePath, templateIds, Math.ceil(deliveryCase.count / templateIds.length) - 1);
    const db = new Database(sqlitePath, { readonly: true });
    const total = (db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE state = 'pending'").get() as { n: number }).n;
    // 3. A gateway with its dispatcher on drains it.
    const gateway = await startGatewayProcess(environment, gatewayEnv(environment, sqlitePath, {
      TONGBAN_DEPARTMENT_ENDPOINTS: endpoints, TONGBAN_DELIVERY_CONCURRENCY: String(CONCURRENCY),
      ...(deliveryCase.batch ? { TONGBAN_DEPARTMENT_BATCH: JSON.stringify(Object.fromEntries(deliveryCase.departments.map((code) => [code, deliveryCase.batch]))) } : {}),
    }), themes);
    reach.url = gateway.url;
    const deadline = Date.now() + deliveryCase.timeoutMs;
    const delivered = db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE state = 'delivered'");
    const pid = gateway.child.pid;
    const startCount = (delivered.get() as { n: number }).n;
    const startCpu = cpuMs(pid);
    const startOwnCpu = process.cpuUsage();
    let done = startCount;
    let endCpu = startCpu;
    while (Date.now() < deadline) {
      done = (delivered.get() as { n: number }).n;
      endCpu = cpuMs(pid);
      if (done >= total) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ownCpu = process.cpuUsage(startOwnCpu);
    await gateway.stop();
    const attempts = db.prepare("SELECT started_at, duration_ms FROM delivery_attempts WHERE outcome = 'delivered'").all() as { started_at: number; duration_ms: number }[];
    const failed = (db.prepare("SELECT COUNT(*) AS n FROM delivery_attempts WHERE outcome <> 'delivered'").get() as { n: number }).n;
    db.close();
    const first = Math.min(...attempts.map((attempt) => attempt.started_at));
    const last = Math.max(...attempts.map((attempt) => attempt.started_at + attempt.duration_ms));
    const durations = attempts.map((attempt) => attempt.duration_ms).sort((a, b) => a - b);
    const received = [...simulators.values()].reduce((sum, simulator) => sum + simulator.received(), 0);
    return {
      benchmark: 'delivery', case: `${total} to ${deliveryCase.name}, ${CONCURRENCY} in flight`,
      'ops/s': Math.round(attempts.length / ((last - first) / 1000)), 'p50 ms': percentile(durations, 50).toFixed(0), 'p99 ms': percentile(durations, 99).toFixed(0),
      'CPU µs/op': Math.round(((endCpu - startCpu) * 1000) / (done - startCount)),
      note: [`departments' CPU ${Math.round((ownCpu.user + ownCpu.system) / (done - startCount))} µs/op`,done < total ? `only ${done}/${total} within ${deliveryCase.timeoutMs} ms` : '', failed > 0 ? `${failed} failed attempts` : '',
        received > attempts.length ? `${received - attempts.length} repeats` : ''].filter(Boolean).join('; '),
    };
  } finally {
    for (const simulator of simulators.values()) await simulator.close();
  }
}

/** A department the drain cases push to: the fast one or the REST simulator. */
type BenchDepartment = Pick<FastDepartment, 'url' | 'received' | 'close'>;

function counted(simulator: RestDepartmentSimulator): BenchDepartment {
  return { url: simulator.url, received: () => simulator.received().length, close: () => simulator.close() };
}

/**
 * The REST department simulator the tests use, with every check it makes
 * (Tongban's signature, the delivery schema, de-duplication by key, a signed
 * receipt), but no status/result events afterwards — nobody would receive
 * them here, and the benchmark measures pushes.
 */
/** Where the departments reach the gateway to download a delivery's files: set once it listens. */
interface GatewayReach {
  url: string | undefined;
  readonly fetch: FetchFunction;
}

const GATEWAY_ORIGIN = 'http://tongban.test';

function gatewayReach(): GatewayReach {
  const reach: GatewayReach = {
    url: undefined,
    fetch: (input, init) => (reach.url === undefined ? Promise.reject(new Error('the gateway is not up yet')) : globalThis.fetch(String(input).replace(GATEWAY_ORIGIN, reach.url), init)),
  };
  return reach;
}

/** The REST simulator the tests use, silent after its receipt; it downloads and checks every new sub-application's files first. */
function startBenchDepartment(environment: BenchEnvironment, code: string, tongbanKeys: ReturnType<Keyring['publicKeys']>, reach: GatewayReach): Promise<RestDepartmentSimulator> {
  const departmentKey = environment.key(`dept-${code}`);
  return startRestDepartmentSimulator({
    departmentCode: code, departmentKey, tongbanPublicKeys: tongbanKeys, outcomes: () => 'silent',
    eventsTarget: { url: GATEWAY_ORIGIN, clientId: `dept-${code}`, key: departmentKey, tongbanKeys, fetch: reach.fetch },
  });
}

/** Copies each application (with its sub-applications and deliveries) `copies` times under new ids and keys. */
function copyApplications(sqlitePath: string, applicationIds: readonly string[], copies: number): void {
  const db = new Database(sqlitePath);
  db.pragma('journal_mode = WAL');
  const copy = db.transaction(() => {
    for (const applicationId of applicationIds) {
      const application = db.prepare('SELECT * FROM applications WHERE id = ?').get(applicationId) as Record<string, unknown>;
      const subs = db.prepare('SELECT * FROM sub_applications WHERE application_id = ?').all(applicationId) as Record<string, unknown>[];
      const deliveries = subs.map((sub) => db.prepare('SELECT * FROM deliveries WHERE sub_application_id = ?').get(sub['id']) as Record<string, unknown>);
      const statements = new Map<string, Database.Statement>();
      const insert = (table: string, row: Record<string, unknown>) => {
        const columns = Object.keys(row);
        let statement = statements.get(table);
        if (!statement) {
          statement = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
          statements.set(table, statement);
        }
        statement.run(...columns.map((column) => row[column]));
      };
      for (let index = 0; index < copies; index += 1) {
        const newApplicationId = newId();
        insert('applications', { ...application, id: newApplicationId, idempotency_key: `bench-copy-${randomUUID()}` });
        subs.forEach((sub, position) => {
          const subId = newId();
          insert('sub_applications', { ...sub, id: subId, application_id: newApplicationId });
          insert('deliveries', { ...deliveries[position]!, id: newId(), sub_application_id: subId, idempotency_key: `tongban-${subId}` });
        });
      }
    }
  });
  copy();
  db.close();
}
