/**
 * Scale benchmark (#17): does intake cost grow with the data stored, and
 * does an operator watching the dashboard slow citizens down? Signed
 * `POST /v1/applications` to `tongban serve` child processes (SQLite,
 * dispatcher off), as `bench/intake.ts` measures them:
 * - on an empty database, and on a copy of a database seeded with
 *   `BENCH_SCALE_APPLICATIONS` applications (default 200,000; twice as many
 *   deliveries; `bench/scale-seed.ts`), rounds alternating between the two
 *   gateways so that the machine's other load falls on both alike (ratios
 *   are medians of neighbouring rounds' ratios);
 * - on the seeded database while one ops client reads every dashboard page,
 *   every `/v1/ops/*` list and `/metrics` every 500 ms (`bench/ops-poller.ts`),
 *   against the same gateway's rounds without it;
 * - each of those reads' latency at that size, during intake and alone, and
 *   what one sweep of them all costs in CPU, alone: the gateway's (all its
 *   threads) and the polling client's (this process, idle but for the
 *   poller's thread), since both share the machine with intake.
 * Reports ratios; never asserts.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { hashPassword } from '../src/ops/dashboard/password.js';
import {
  benchEnvironment, best, cpuMs, gatewayEnv, INTAKE_CONCURRENCY, marriageSubmission, measureRound, percentile, startGatewayProcess, prepareSubmissions,
  type BenchEnvironment, type Round, type ServerProcess,
} from './intake.js';
import { BENCH_OPS_USER, OpsPoller, type OpsTargets } from './ops-poller.js';
import { copySeededDatabase, seededDatabase } from './scale-seed.js';

/** Applications stored in the seeded database (BENCH_SCALE_APPLICATIONS). */
function scaleApplications(): number {
  const value = Number(process.env['BENCH_SCALE_APPLICATIONS'] ?? 200_000);
  if (!Number.isInteger(value) || value < 1000) throw new Error('BENCH_SCALE_APPLICATIONS must be an integer ≥ 1000');
  return value;
}

const ROUNDS = 5;
const ROUND_MS = 2500;
const POLL_PERIOD_MS = 500;
/** Sweeps of every ops read with nothing else running: this many, or as many as fit in IDLE_SWEEP_MS. */
const IDLE_SWEEPS = 20;
const IDLE_SWEEP_MS = 20_000;

async function startScaleGateway(environment: BenchEnvironment, sqlitePath: string, opsUsers: string): Promise<ServerProcess> {
  return startGatewayProcess(environment, gatewayEnv(environment, sqlitePath, { TONGBAN_DISPATCHER: 'false', TONGBAN_OPS_USERS: opsUsers }));
}

/** A dead delivery and an application's short id of the seeded file, for the reads that name one. */
function targetsOf(sqlitePath: string): OpsTargets {
  const db = new Database(sqlitePath, { readonly: true });
  try {
    const delivery = db.prepare("SELECT id FROM deliveries WHERE state = 'dead' ORDER BY id DESC LIMIT 1").get() as { id: string };
    const application = db.prepare('SELECT id FROM applications ORDER BY id LIMIT 1 OFFSET 1000').get() as { id: string };
    return { deliveryId: delivery.id, applicationShortId: application.id.slice(-12) };
  } finally {
    db.close();
  }
}

function row(name: string, round: Round, note: string): Record<string, unknown> {
  return {
    benchmark: 'scale', case: name, 'ops/s': Math.round(round.perSecond), 'p50 ms': round.p50.toFixed(1), 'p99 ms': round.p99.toFixed(1),
    'CPU µs/op': Number.isFinite(round.cpuPerOp) ? Math.round(round.cpuPerOp) : '', note: [note, round.failed > 0 ? `${round.failed} failed` : ''].filter(Boolean).join('; '),
  };
}

const ratio = (a: number, b: number) => (a / b).toFixed(2);

/** The median of `values`. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
}

/**
 * Ratios of the rounds measured one after the other (`a[i]` ÷ `b[i]`), as median and range: on a machine
 * others load, neighbouring rounds share the same conditions, the best rounds of each case may not.
 */
function pairedRatios(a: readonly Round[], b: readonly Round[], pick: (round: Round) => number): string {
  const ratios = a.map((round, index) => pick(round) / pick(b[index]!));
  return `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
}

export async function benchScale(): Promise<Record<string, unknown>[]> {
  const environment = await benchEnvironment();
  const size = scaleApplications();
  process.stderr.write(`scale: seeding ${size} applications…\n`);
  const seeded = await seededDatabase(environment, size);
  const stored = `${Math.round(seeded.applications / 1000)}k applications, ${Math.round(seeded.deliveries / 1000)}k deliveries stored`;
  const opsUsers = JSON.stringify({ [BENCH_OPS_USER.name]: await hashPassword(BENCH_OPS_USER.password) });
  const scratch = mkdtempSync(join(environment.dir, 'scale-'));
  const seededPath = join(scratch, 'seeded', 'tongban.db');
  copySeededDatabase(seeded, seededPath);
  const targets = targetsOf(seededPath);

  const empty = await startScaleGateway(environment, join(scratch, 'empty', 'tongban.db'), opsUsers);
  const full = await startScaleGateway(environment, seededPath, opsUsers).catch(async (error: unknown) => { await empty.stop(); throw error; });
  const rows: Record<string, unknown>[] = [];
  try {
    const sample = [marriageSubmission(0)];
    const emptyMaterials = await prepareSubmissions(environment, empty.url, sample);
    const fullMaterials = await prepareSubmissions(environment, full.url, sample);
    const poller = await OpsPoller.login(environment, full, targets);
    const rounds = { empty: [] as Round[], full: [] as Round[], polled: [] as Round[] };
    let duringIntake: Map<string, number[]>;
    let alone: Map<string, number[]>;
    /** CPU (ms) one sweep of every read costs, alone: the gateway's and the polling client's. */
    let sweepCpu: { gateway: number; client: number; sweeps: number };
    try {
      for (let round = 0; round < ROUNDS; round += 1) {
        const warmupMs = round === 0 ? 1500 : 300;
        const offset = round * 3 * 100_000;
        rounds.empty.push(await measureRound(environment, empty, { warmupMs, roundMs: ROUND_MS, offset, withMaterials: emptyMaterials }));
        rounds.full.push(await measureRound(environment, full, { warmupMs, roundMs: ROUND_MS, offset: offset + 100_000, withMaterials: fullMaterials }));
        poller.start(POLL_PERIOD_MS);
        rounds.polled.push(await measureRound(environment, full, { warmupMs: 300, roundMs: ROUND_MS, offset: offset + 200_000, withMaterials: fullMaterials }));
        await poller.stop();
      }
      duringIntake = new Map([...poller.latencies].map(([path, values]) => [path, [...values].sort((a, b) => a - b)]));
      await poller.reset();
      const sweepUntil = performance.now() + IDLE_SWEEP_MS;
      const gatewayFrom = cpuMs(full.child.pid);
      const clientFrom = process.cpuUsage();
      let sweeps = 0;
      for (; sweeps < IDLE_SWEEPS && performance.now() < sweepUntil; sweeps += 1) await poller.sweep();
      const client = process.cpuUsage(clientFrom);
      sweepCpu = { gateway: (cpuMs(full.child.pid) - gatewayFrom) / sweeps, client: (client.user + client.system) / 1000 / sweeps, sweeps };
      alone = new Map([...poller.latencies].map(([path, values]) => [path, [...values].sort((a, b) => a - b)]));
    } finally {
      await poller.close();
    }
    if (poller.failures.length > 0) process.stderr.write(`scale: ops reads failed: ${poller.failures.slice(0, 5).join('; ')}\n`);

    const [emptyBest, fullBest, polledBest] = [best(rounds.empty), best(rounds.full), best(rounds.polled)];
    rows.push(
      row(`intake, empty database, MX-T33, ${INTAKE_CONCURRENCY} concurrent`, emptyBest, ''),
      row(`intake, ${stored}`, fullBest, `÷ empty, median of ${ROUNDS} paired rounds: ${pairedRatios(rounds.full, rounds.empty, (round) => round.perSecond)} (target ≥ 0.9), `
        + `CPU × ${pairedRatios(rounds.full, rounds.empty, (round) => round.cpuPerOp)}; best rounds ${ratio(fullBest.perSecond, emptyBest.perSecond)}, p99 × ${ratio(fullBest.p99, emptyBest.p99)}`),
      row(`intake, ${stored}, one ops client polling every ${POLL_PERIOD_MS} ms`, polledBest,
        `÷ not polling, median of ${ROUNDS} paired rounds: ${pairedRatios(rounds.polled, rounds.full, (round) => round.perSecond)} (target ≥ 0.9), `
        + `CPU × ${pairedRatios(rounds.polled, rounds.full, (round) => round.cpuPerOp)}; best rounds ${ratio(polledBest.perSecond, fullBest.perSecond)}, p99 × ${ratio(polledBest.p99, fullBest.p99)}`),
    );
    for (const [path, values] of alone) {
      const during = duringIntake.get(path) ?? [];
      rows.push({
        benchmark: 'scale', case: `ops read ${path}, alone`, 'p50 ms': percentile(values, 50).toFixed(1), 'p99 ms': percentile(values, 99).toFixed(1),
        note: during.length > 0 ? `during intake (${during.length} reads): p50 ${percentile(during, 50).toFixed(1)}, p99 ${percentile(during, 99).toFixed(1)} ms` : '',
      });
    }
    const everyRead = [...duringIntake.values()].flat().sort((a, b) => a - b);
    const everyReadAlone = [...alone.values()].flat().sort((a, b) => a - b);
    rows.push({
      benchmark: 'scale', case: `every ops read together (${everyReadAlone.length} alone, ${everyRead.length} during intake)`,
      'p50 ms': percentile(everyReadAlone, 50).toFixed(1), 'p99 ms': percentile(everyReadAlone, 99).toFixed(1),
      note: `alone; during intake p50 ${percentile(everyRead, 50).toFixed(1)}, p99 ${percentile(everyRead, 99).toFixed(1)} ms (target: every read p99 ≤ 50 ms)`,
    });
    rows.push({
      benchmark: 'scale', case: `CPU of one sweep of every ops read, alone (${sweepCpu.sweeps} sweeps)`,
      note: `gateway ${sweepCpu.gateway.toFixed(1)} ms, polling client ${sweepCpu.client.toFixed(1)} ms; at one sweep every ${POLL_PERIOD_MS} ms `
        + `${(((sweepCpu.gateway + sweepCpu.client) / POLL_PERIOD_MS) * 100).toFixed(0)} % of one vCPU`,
    });
    rows.push({ benchmark: 'scale', case: `seeding ${stored}`, note: `${seeded.seconds.toFixed(0)} s (real intake and delivery of the templates, then bulk copies)` });
  } finally {
    await Promise.all([empty.stop(), full.stop()]);
  }
  return rows;
}
