/**
 * Memory benchmark: the gateway's resident memory under 50 connections of
 * intake (signed `POST /v1/applications`, MX-T33, a child process on a fresh
 * database, dispatcher off, as in the intake benchmark), one gateway per
 * setting (Node's heap flags, SQLite's page cache, PostgreSQL). All gateways
 * run at once and take turns under load, slice after slice, so that every
 * row sees the same machine (on a shared machine the rate drifts more from
 * minute to minute than between settings). RSS is sampled every 100 ms from
 * `/proc/<pid>/status` (anonymous and file-backed parts too) while a gateway
 * is loaded; its heap, from its own `/metrics` (prom-client's process
 * metrics, which also start the ops reader), is scraped once a slice and the
 * largest figures kept. Reports idle RSS (after start and uploads), peak and
 * steady RSS (the median of the later rounds) next to the intake rate, its
 * p99 and the gateway's CPU per application; never asserts. About 5 minutes;
 * BENCH_MEMORY_SETTINGS=recommended,defaults runs only the settings whose
 * names contain one of those words.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import {
  benchEnvironment, gatewayEnv, loadSubmissions, marriageSubmission, percentile, SERVER_NODE_ARGS, startGatewayProcess, prepareSubmissions,
  type BenchEnvironment, type ServerProcess, type WithMaterials,
} from './intake.js';
import { DATABASE_URL, postgresAvailable } from './materials.js';

const MB = 1024 * 1024;
const CONNECTIONS = 50;
/** Each gateway is loaded in turn for a slice, round after round, so that all see the same machine. */
const ROUNDS = 3;
const SLICE_MS = 8000;
const SLICE_WARMUP_MS = 500;
const SCHEMA = `bench_memory_${process.pid}`;

/** A setting measured: Node's flags for the gateway and extra gateway settings. */
interface Setting {
  name: string;
  nodeArgs: readonly string[];
  env?: Record<string, string>;
  /** On PostgreSQL (skipped when its server does not answer). */
  postgres?: boolean;
}

const SETTINGS: readonly Setting[] = [
  { name: `${SERVER_NODE_ARGS.join(' ')} (recommended)`, nodeArgs: SERVER_NODE_ARGS },
  { name: '--max-semi-space-size=16 --max-old-space-size=1024 (recommended before)', nodeArgs: ['--max-semi-space-size=16', '--max-old-space-size=1024'] },
  { name: '--max-semi-space-size=32 (recommended before that)', nodeArgs: ['--max-semi-space-size=32'] },
  // Alone, the old-space limit leaves Node 20's 16 MB semi-space as it is (this row's young generation shows it): hence both flags.
  { name: '--max-old-space-size=1024', nodeArgs: ['--max-old-space-size=1024'] },
  { name: '--max-semi-space-size=16', nodeArgs: ['--max-semi-space-size=16'] },
  { name: '--max-semi-space-size=8', nodeArgs: ['--max-semi-space-size=8'] },
  { name: 'Node defaults', nodeArgs: [] },
  { name: 'recommended, TONGBAN_SQLITE_CACHE_MB=64 (the cache before)', nodeArgs: SERVER_NODE_ARGS, env: { TONGBAN_SQLITE_CACHE_MB: '64' } },
  { name: 'recommended, PostgreSQL', nodeArgs: SERVER_NODE_ARGS, postgres: true },
];

/** Resident memory of a process from `/proc/<pid>/status` (MB): all of it, its anonymous part, its file-backed part. */
export function residentMemory(pid: number): { rss: number; anonymous: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) / 1024;
  return { rss: field('VmRSS'), anonymous: field('RssAnon'), file: field('RssFile') };
}

/** The heap figures of the gateway's `/metrics` (bytes), by metric name (with its labels). */
async function heapMetrics(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const figures = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^((?:nodejs_heap|nodejs_external)[^\s]*) (\S+)$/.exec(line);
    if (match) figures.set(match[1]!, Number(match[2]));
  }
  return figures;
}

/** A gateway under test and what was seen of it. */
interface Subject {
  setting: Setting;
  gateway: ServerProcess;
  sqlitePath: string;
  withMaterials: WithMaterials;
  idle: { rss: number; anonymous: number; file: number };
  /** RSS samples taken while this gateway was loaded, with the round they were taken in. */
  samples: { round: number; rss: number; anonymous: number; file: number }[];
  heap: Map<string, number>;
  ok: number;
  failed: number;
  seconds: number;
  cpuMs: number;
  latencies: number[];
  failures: string[];
}

async function startSubject(environment: BenchEnvironment, setting: Setting, index: number): Promise<Subject> {
  const sqlitePath = join(environment.dir, `memory-${index}`, 'tongban.db');
  const env = gatewayEnv(environment, sqlitePath, { TONGBAN_DISPATCHER: 'false', ...setting.env, ...(setting.postgres ? { DATABASE_URL, TONGBAN_DATABASE_SCHEMA: SCHEMA } : {}) });
  const gateway = await startGatewayProcess(environment, env, ['MX-T33'], setting.nodeArgs);
  const withMaterials = await prepareSubmissions(environment, gateway.url, [marriageSubmission(0)]);
  return {
    setting, gateway, sqlitePath, withMaterials, idle: residentMemory(gateway.child.pid!),
    samples: [], heap: new Map(), ok: 0, failed: 0, seconds: 0, cpuMs: 0, latencies: [], failures: [],
  };
}

/** One slice of load on one gateway: RSS sampled throughout, the heap scraped once midway. */
async function slice(environment: BenchEnvironment, subject: Subject, index: number, round: number): Promise<void> {
  const pid = subject.gateway.child.pid!;
  const measured = round > 0;
  const sampler = setInterval(() => { if (measured) subject.samples.push({ round, ...residentMemory(pid) }); }, 100);
  const scraper = setTimeout(() => {
    heapMetrics(subject.gateway.url).then((figures) => { for (const [name, value] of figures) subject.heap.set(name, Math.max(subject.heap.get(name) ?? 0, value)); }, () => undefined);
  }, SLICE_MS / 2);
  const result = await loadSubmissions({
    url: subject.gateway.url, key: environment.key('platform'), concurrency: CONNECTIONS, warmupMs: SLICE_WARMUP_MS, durationMs: SLICE_MS,
    submission: (n) => subject.withMaterials(marriageSubmission(index * 1_000_000 + round * 20_000 + n)), idTokenOf: subject.withMaterials.idTokenOf, serverPid: pid,
  });
  clearInterval(sampler);
  clearTimeout(scraper);
  if (!measured) return;
  subject.ok += result.ok;
  subject.failed += result.failed;
  subject.seconds += result.seconds;
  subject.cpuMs += (result.cpuPerOp * result.ok) / 1000;
  subject.latencies.push(...result.latencies);
  subject.failures.push(...result.failures);
}

function rowOf(subject: Subject): Record<string, unknown> {
  const { setting, samples, heap } = subject;
  // Steady: the later half of the rounds, once the heap and the page cache have grown.
  const steady = samples.filter((sample) => sample.round > ROUNDS / 2).map((sample) => sample.rss).sort((a, b) => a - b);
  const peak = samples.reduce((top, sample) => (sample.rss > top.rss ? sample : top), { round: 0, ...subject.idle });
  const mb = (name: string) => Math.round((heap.get(name) ?? Number.NaN) / MB);
  subject.latencies.sort((a, b) => a - b);
  if (subject.failures.length > 0) process.stderr.write(`${setting.name}: ${subject.failed} failed, e.g. ${subject.failures[0]}\n`);
  return {
    benchmark: `memory, ${setting.postgres ? 'PostgreSQL' : 'SQLite'}, ${CONNECTIONS} connections`, case: setting.name,
    'ops/s': Math.round(subject.ok / subject.seconds), 'p99 ms': percentile(subject.latencies, 99).toFixed(0),
    'CPU µs/op': Math.round((subject.cpuMs * 1000) / subject.ok),
    'RSS idle MB': Math.round(subject.idle.rss), 'RSS peak MB': Math.round(peak.rss), 'RSS steady MB': Math.round(percentile(steady, 50)),
    'peak anon/file MB': `${Math.round(peak.anonymous)}/${Math.round(peak.file)}`,
    'heap used/total MB': `${mb('nodejs_heap_size_used_bytes')}/${mb('nodejs_heap_size_total_bytes')}`,
    'new space MB': mb('nodejs_heap_space_size_total_bytes{space="new"}'),
    'external MB': mb('nodejs_external_memory_bytes'),
    // The database outgrowing the page cache (TONGBAN_SQLITE_CACHE_MB) fills it.
    'db MB': existsSync(subject.sqlitePath) && !setting.postgres ? Math.round(statSync(subject.sqlitePath).size / MB) : '',
    note: subject.failed > 0 ? `${subject.failed} failed` : '',
  };
}

export async function benchMemory(): Promise<Record<string, unknown>[]> {
  const environment = await benchEnvironment();
  const only = process.env['BENCH_MEMORY_SETTINGS']?.split(',');
  const chosen = [];
  for (const setting of SETTINGS) {
    if (only && !only.some((name) => setting.name.includes(name))) continue;
    if (setting.postgres && !await postgresAvailable()) continue;
    chosen.push(setting);
  }
  const subjects: Subject[] = [];
  try {
    for (const [index, setting] of chosen.entries()) subjects.push(await startSubject(environment, setting, index));
    // Round 0 warms every gateway up unmeasured; then each round loads each gateway in turn.
    for (let round = 0; round <= ROUNDS; round += 1) {
      for (const [index, subject] of subjects.entries()) await slice(environment, subject, index, round);
    }
    return subjects.map(rowOf);
  } finally {
    await Promise.all(subjects.map((subject) => subject.gateway.stop()));
    if (chosen.some((setting) => setting.postgres)) {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
      await client.end();
    }
  }
}
