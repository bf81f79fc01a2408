/**
 * A gateway database at scale for `bench/scale.ts`: ≥ 200k applications and
 * ≥ 400k deliveries, shaped as real intake and delivery write them, in a few
 * minutes. A few hundred applications go through the real gateway (intake,
 * then delivery to fast local departments, so every table intake and
 * delivery write has real rows); then their rows are copied in bulk SQL, one
 * `INSERT … SELECT` per table in one transaction, each copy under fresh ids
 * (UUIDv7 of its own time, as `newId` makes them), new idempotency keys and
 * holder codes, its timestamps shifted to spread over the last weeks, most
 * delivered, some pending or dead. The counts migration 011 keeps
 * (delivery_counts, delivery_attempt_buckets, department_attempts) follow
 * by their triggers, as they do for intake. Then ANALYZE. The file is made
 * once per bench run and cached; each case works on a copy.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Keyring } from '../src/trust/keyring.js';
import { CERT_FILES } from '../src/trust/dev-material.js';
import { createSigningClient, jwks } from '../src/trust/signing-client.js';
import { newId } from '../src/store/index.js';
import { startFastDepartment, type FastDepartment } from './fast-department.js';
import { gatewayEnv, marriageSubmission, startGatewayProcess, tradeChangeSubmission, prepareSubmissions, type BenchEnvironment, type Submission } from './intake.js';

/** What a seeded database holds. */
export interface SeededDatabase {
  /** The cached file: copy it, never open it for writing. */
  readonly path: string;
  readonly applications: number;
  readonly deliveries: number;
  /** Seconds the seeding took (real intake and the bulk copy). */
  readonly seconds: number;
}

/** Applications sent through the real gateway, the templates of every copy. */
const TEMPLATES = 300;
/** The seeded applications' creation times spread over this long before the seed (ms). */
const SPREAD_MS = 28 * 24 * 3600_000;
/** Of the copies: every DEAD_EVERY-th delivery is dead; the newest PENDING_SHARE are still pending. */
const DEAD_EVERY = 53;
const PENDING_SHARE = 0.01;

const seeded = new Map<string, Promise<SeededDatabase>>();

/** The seeded database of this bench run with at least `applications` applications and twice as many deliveries (made once). */
export function seededDatabase(environment: BenchEnvironment, applications: number): Promise<SeededDatabase> {
  const key = `${environment.dir} ${applications}`;
  let database = seeded.get(key);
  if (!database) {
    database = seed(environment, applications);
    seeded.set(key, database);
  }
  return database;
}

/** A copy of the seeded file (with its WAL, if any) at `path`, so that each case starts from the same state. */
export function copySeededDatabase(database: SeededDatabase, path: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  copyFileSync(database.path, path);
  for (const suffix of ['-wal', '-shm']) if (existsSync(database.path + suffix)) copyFileSync(database.path + suffix, path + suffix);
}

/** A template: MX-T33 with both matters (卫生健康局, 公安局), mostly; some birth registrations alone and 科工商务局 filings. */
function template(index: number): Submission {
  if (index % 20 === 7) return marriageSubmission(index, { joinSpouseHousehold: false });
  if (index % 20 === 13) return tradeChangeSubmission(index);
  return marriageSubmission(index);
}

async function seed(environment: BenchEnvironment, applications: number): Promise<SeededDatabase> {
  const started = performance.now();
  const dir = join(environment.dir, 'scale-seed');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'tongban.db');
  await submitTemplates(environment, path);
  const counts = multiply(path, applications);
  return { path, ...counts, seconds: (performance.now() - started) / 1000 };
}

/** The templates through a real gateway, delivered to fast departments; returns when every one is delivered. */
async function submitTemplates(environment: BenchEnvironment, path: string): Promise<void> {
  const tongbanKeys = Keyring.open(join(environment.certsDir, CERT_FILES.keyring)).publicKeys();
  const departments = new Map<string, FastDepartment>();
  try {
    for (const code of ['wjj', 'gaj', 'kgswj']) {
      departments.set(code, await startFastDepartment({ departmentCode: code, departmentKey: environment.key(`dept-${code}`), tongbanPublicKeys: tongbanKeys }));
    }
    const gateway = await startGatewayProcess(environment, gatewayEnv(environment, path, {
      TONGBAN_DEPARTMENT_ENDPOINTS: JSON.stringify(Object.fromEntries([...departments].map(([code, department]) => [code, department.url]))),
    }), ['MX-T33', 'MX-T06']);
    try {
      const platform = createSigningClient({ baseUrl: gateway.url, clientId: 'platform', key: environment.key('platform'), tongbanKeys: () => jwks(gateway.url) });
      const templates = Array.from({ length: TEMPLATES }, (_, index) => template(index));
      const withMaterials = await prepareSubmissions(environment, gateway.url, templates);
      for (let from = 0; from < templates.length; from += 16) {
        await Promise.all(templates.slice(from, from + 16).map(async (submission) => {
          const answer = await platform.request('POST', '/v1/applications', {
            body: withMaterials(submission), headers: { 'idempotency-key': `bench-${randomUUID()}` }, idToken: withMaterials.idTokenOf(submission),
          });
          if (answer.status !== 202) throw new Error(`a template submission answered ${answer.status}: ${answer.raw.toString('utf8').slice(0, 800)}`);
        }));
      }
      const db = new Database(path, { readonly: true });
      try {
        const undelivered = db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE state <> 'delivered'");
        const deadline = Date.now() + 60_000;
        while ((undelivered.get() as { n: number }).n > 0) {
          if (Date.now() > deadline) throw new Error('the template deliveries were not all delivered within 60 s');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        db.close();
      }
    } finally {
      await gateway.stop();
    }
  } finally {
    for (const department of departments.values()) await department.close();
  }
}

/**
 * Copies the templates' rows until there are at least `applications`
 * applications and 2 × `applications` deliveries. Every copy `k` of template
 * `n` is the `seq`-th application (seq = (k − 1) × templates + n), created at
 * `start + seq × step`: ids, keys and times grow together, as they do when
 * intake writes them.
 */
function multiply(path: string, applications: number): { applications: number; deliveries: number } {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    db.pragma('temp_store = MEMORY');
    db.function('uuid7', { deterministic: false }, (at: unknown) => newId(Number(at)));
    db.function('uuid4', { deterministic: false }, () => randomUUID());
    const templates = (db.prepare('SELECT COUNT(*) AS n FROM applications').get() as { n: number }).n;
    const templateDeliveries = (db.prepare('SELECT COUNT(*) AS n FROM deliveries').get() as { n: number }).n;
    const copies = Math.max(Math.ceil(applications / templates), Math.ceil((2 * applications) / templateDeliveries)) - 1;
    const total = copies * templates;
    const seedAt = Date.now();
    const start = seedAt - SPREAD_MS;
    const step = (SPREAD_MS - 3600_000) / total;
    const pendingFrom = Math.floor(total * (1 - PENDING_SHARE));
    db.exec(`
      CREATE TEMP TABLE template_apps AS SELECT id, created_at, ROW_NUMBER() OVER (ORDER BY id) - 1 AS n FROM applications;
      CREATE TEMP TABLE copies AS WITH RECURSIVE c (k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c WHERE k < ${copies}) SELECT k FROM c;
      CREATE TEMP TABLE app_map AS
        SELECT old_id, k, seq, at - created_at AS shift, uuid7(at) AS new_id FROM (
          SELECT t.id AS old_id, t.created_at, c.k AS k, (c.k - 1) * ${templates} + t.n AS seq,
                 CAST(${start} + ((c.k - 1) * ${templates} + t.n) * ${step} AS INTEGER) AS at
            FROM template_apps t, copies c ORDER BY seq);
      CREATE INDEX temp.app_map_old ON app_map (old_id, k);
      CREATE TEMP TABLE sub_map AS
        SELECT s.id AS old_id, m.k AS k, m.seq AS seq, m.shift AS shift, m.new_id AS application_id, uuid7(s.created_at + m.shift) AS new_id
          FROM sub_applications s JOIN app_map m ON m.old_id = s.application_id;
      CREATE INDEX temp.sub_map_old ON sub_map (old_id, k);
      CREATE TEMP TABLE delivery_map AS
        SELECT d.id AS old_id, m.k AS k, m.seq AS seq, m.shift AS shift, m.new_id AS sub_application_id, uuid7(d.created_at + m.shift) AS new_id,
               CASE WHEN m.seq >= ${pendingFrom} THEN 'pending' WHEN (m.seq * 7 + length(d.id)) % ${DEAD_EVERY} = 0 THEN 'dead' ELSE d.state END AS state
          FROM deliveries d JOIN sub_map m ON m.old_id = d.sub_application_id;
      CREATE INDEX temp.delivery_map_old ON delivery_map (old_id, k);
      CREATE INDEX temp.delivery_map_sub ON delivery_map (sub_application_id);
    `);
    const columns = (table: string) => (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[]).map((row) => row.name);
    /** `INSERT INTO table SELECT …` with every column as in the template row (alias `t`) unless `overrides` says otherwise. */
    const copy = (table: string, from: string, overrides: Record<string, string>, orderBy: string) => {
      const names = columns(table);
      for (const name of Object.keys(overrides)) if (!names.includes(name)) throw new Error(`${table} has no column ${name}`);
      const began = performance.now();
      db.exec(`INSERT INTO ${table} (${names.join(', ')}) SELECT ${names.map((name) => overrides[name] ?? `t.${name}`).join(', ')} FROM ${from} ORDER BY ${orderBy}`);
      if (process.env['BENCH_SCALE_VERBOSE']) process.stderr.write(`scale seed: ${table} in ${((performance.now() - began) / 1000).toFixed(1)} s\n`);
    };
    const shifted = (column: string) => `t.${column} + m.shift`;
    const fill = db.transaction(() => {
      copy('applications', 'applications t JOIN app_map m ON m.old_id = t.id', {
        id: 'm.new_id', idempotency_key: "'bench-' || uuid4()", response: 'replace(t.response, t.id, m.new_id)',
        status: "CASE WHEN m.seq >= " + pendingFrom + " THEN 'received' ELSE t.status END", created_at: shifted('created_at'), updated_at: shifted('updated_at'),
      }, 'm.seq');
      copy('sub_applications', 'sub_applications t JOIN sub_map m ON m.old_id = t.id JOIN delivery_map d ON d.sub_application_id = m.new_id', {
        id: 'm.new_id', application_id: 'm.application_id',
        status: "CASE d.state WHEN 'pending' THEN 'queued' WHEN 'dead' THEN 'failed' ELSE t.status END",
        acceptance_number: "CASE WHEN d.state = 'delivered' THEN t.acceptance_number || '-' || m.seq END",
        receipt: "CASE WHEN d.state = 'delivered' THEN t.receipt END",
        reason: "CASE WHEN d.state = 'dead' THEN 'HTTP 422 from the department: 表单校验未通过' END",
        accepted_at: "CASE WHEN d.state = 'delivered' THEN t.accepted_at + m.shift END", completed_at: "CASE WHEN d.state = 'delivered' THEN t.completed_at + m.shift END",
        due_date: "CASE WHEN d.state = 'delivered' THEN t.due_date END", due_status: "CASE WHEN d.state = 'delivered' THEN t.due_status END",
        created_at: shifted('created_at'), updated_at: shifted('updated_at'),
      }, 'm.seq, t.position');
      copy('deliveries', 'deliveries t JOIN delivery_map m ON m.old_id = t.id', {
        id: 'm.new_id', sub_application_id: 'm.sub_application_id', idempotency_key: "'tongban-' || m.sub_application_id", state: 'm.state',
        attempts: "CASE m.state WHEN 'pending' THEN 0 WHEN 'dead' THEN 12 ELSE t.attempts END",
        next_attempt_at: shifted('next_attempt_at'), lease_owner: 'NULL', lease_expires_at: 'NULL',
        last_error: "CASE WHEN m.state = 'dead' THEN 'HTTP 422 from the department: 表单校验未通过' END",
        created_at: shifted('created_at'), updated_at: "CASE WHEN m.state = 'pending' THEN t.created_at + m.shift ELSE t.updated_at + m.shift END",
      }, 'm.seq');
      copy('delivery_attempts', "delivery_attempts t JOIN delivery_map m ON m.old_id = t.delivery_id AND m.state <> 'pending'", {
        id: 'NULL', delivery_id: 'm.new_id', started_at: shifted('started_at'),
        outcome: "CASE WHEN m.state = 'dead' THEN 'dead' ELSE t.outcome END",
        error_code: "CASE WHEN m.state = 'dead' THEN 'DEPARTMENT_REJECTED' ELSE t.error_code END",
        error: "CASE WHEN m.state = 'dead' THEN 'HTTP 422 from the department: 表单校验未通过' ELSE t.error END",
      }, 'm.seq, t.id');
      // Holder codes: each copy its own people (the area code kept, the rest random), as a real population's are distinct.
      copy('application_holders', 'application_holders t JOIN app_map m ON m.old_id = t.application_id', {
        holder_code: "substr(t.holder_code, 1, 6) || substr('000000000000' || (abs(random()) % 1000000000000), -11) || substr(t.holder_code, -1)",
        application_id: 'm.new_id',
      }, 'm.seq');
      copy('application_materials', 'application_materials t JOIN app_map m ON m.old_id = t.application_id', { application_id: 'm.new_id', created_at: shifted('created_at') }, 'm.seq');
      copy('generated_files', "generated_files t JOIN sub_map m ON m.old_id = t.sub_application_id JOIN delivery_map d ON d.sub_application_id = m.new_id AND d.state <> 'pending'", {
        sub_application_id: 'm.new_id', created_at: shifted('created_at'),
      }, 'm.seq');
    });
    fill();
    db.exec('DROP TABLE temp.app_map; DROP TABLE temp.sub_map; DROP TABLE temp.delivery_map; DROP TABLE temp.copies; DROP TABLE temp.template_apps;');
    db.exec('ANALYZE');
    db.pragma('wal_checkpoint(TRUNCATE)');
    return {
      applications: (db.prepare('SELECT COUNT(*) AS n FROM applications').get() as { n: number }).n,
      deliveries: (db.prepare('SELECT COUNT(*) AS n FROM deliveries').get() as { n: number }).n,
    };
  } finally {
    db.close();
  }
}
