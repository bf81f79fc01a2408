/**
 * PostgreSQL intake beside SQLite's, in the same run: signed
 * `POST /v1/applications` (MX-T33, two sub-applications, with materials) to
 * two `tongban serve` child processes, one on a fresh SQLite file and one on
 * a fresh schema of the PostgreSQL at `BENCH_DATABASE_URL` (default
 * `postgres://postgres@127.0.0.1:5432/test`), dispatchers off, at 1, 10 and
 * 50 concurrent connections. Rounds alternate between the two so that what
 * else the machine does weighs on both alike. Reports accepted/s, p50/p99,
 * gateway CPU per application and the ratio PostgreSQL ÷ SQLite.
 *
 * Round trips per submission are counted from outside: a third gateway
 * reaches PostgreSQL through a counting proxy (each simple `Query` or
 * extended-protocol `Sync` the gateway sends is one wait for the server's
 * answer; each `Parse` is a statement the server parses and plans again).
 * That gateway is never timed. Never asserts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import {
  benchEnvironment, best, gatewayEnv, loadSubmissions, marriageSubmission, measureRound, startGatewayProcess, prepareSubmissions,
  type BenchEnvironment, type Round, type ServerProcess,
} from './intake.js';

const DATABASE_URL = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONNECTIONS = [1, 10, 50] as const;
const ROUNDS = 2;
const WARMUP_MS = 700;
const ROUND_MS = 3500;
const COUNTED_SUBMISSIONS = 50;

/** A gateway on PostgreSQL schema `schema` of DATABASE_URL (or of `databaseUrl`, the proxy's). */
function startPostgresGateway(environment: BenchEnvironment, schema: string, databaseUrl = DATABASE_URL): Promise<ServerProcess> {
  const unused = join(mkdtempSync(join(environment.dir, 'pg-intake-')), 'unused.db');
  return startGatewayProcess(environment, gatewayEnv(environment, unused, {
    TONGBAN_DISPATCHER: 'false', DATABASE_URL: databaseUrl, TONGBAN_DATABASE_SCHEMA: schema, TONGBAN_BLOB_STORE: 'postgres',
  }));
}

function startSqliteGateway(environment: BenchEnvironment): Promise<ServerProcess> {
  const path = join(mkdtempSync(join(environment.dir, 'sqlite-intake-')), 'tongban.db');
  return startGatewayProcess(environment, gatewayEnv(environment, path, { TONGBAN_DISPATCHER: 'false' }));
}

/** What the counting proxy saw the gateway send. */
interface Counts { statements: number; roundTrips: number; parses: number }

/**
 * A TCP proxy to PostgreSQL counting, of what the gateway sends: statements
 * (`Q`, a simple query, and `S`, the Sync ending each extended-protocol
 * one), Parse messages (`P`), and round trips (sends of statements after the
 * server last answered on that connection: pipelined statements share one).
 * The first message of a connection is the startup packet, which has no
 * type byte.
 */
async function startCountingProxy(target: URL): Promise<{ url: string; counts: Counts; server: Server; sockets: Set<Socket> }> {
  const counts: Counts = { statements: 0, roundTrips: 0, parses: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    let started = false;
    let answered = true;
    client.on('data', (chunk: Buffer) => {
      const statementsBefore = counts.statements;
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (!started) {
          if (pending.length < 4) break;
          const length = pending.readInt32BE(0);
          if (pending.length < length) break;
          pending = pending.subarray(length);
          started = true;
          continue;
        }
        if (pending.length < 5) break;
        const length = pending.readInt32BE(1);
        if (pending.length < 1 + length) break;
        const type = String.fromCharCode(pending[0]!);
        if (type === 'Q' || type === 'S') counts.statements += 1;
        if (type === 'P') counts.parses += 1;
        pending = pending.subarray(1 + length);
      }
      if (counts.statements > statementsBefore && answered) {
        counts.roundTrips += 1;
        answered = false;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => { answered = true; client.write(chunk); });
    const end = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return { url: url.toString(), counts, server, sockets };
}

/** Statements, round trips and Parse messages per accepted submission, at one connection, after a warm-up. */
async function countRoundTrips(environment: BenchEnvironment, schema: string): Promise<Counts> {
  const proxy = await startCountingProxy(new URL(DATABASE_URL));
  const gateway = await startPostgresGateway(environment, schema, proxy.url);
  try {
    const withMaterials = await prepareSubmissions(environment, gateway.url, [marriageSubmission(0)]);
    const submit = (offset: number, count: number) => loadSubmissions({
      url: gateway.url, key: environment.key('platform'), concurrency: 1, durationMs: 60_000, maxRequests: count,
      submission: (index) => withMaterials(marriageSubmission(offset + index)), idTokenOf: withMaterials.idTokenOf,
    });
    // Every pooled connection sees each statement once before counting: what is left is the steady state.
    await submit(900_000, 30);
    const before = { ...proxy.counts };
    const result = await submit(950_000, COUNTED_SUBMISSIONS);
    const per = (name: keyof Counts) => (proxy.counts[name] - before[name]) / result.ok;
    return { statements: per('statements'), roundTrips: per('roundTrips'), parses: per('parses') };
  } finally {
    await gateway.stop();
    for (const socket of proxy.sockets) socket.destroy();
    await new Promise((resolve) => proxy.server.close(resolve));
  }
}

async function dropSchemas(schemas: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export async function benchPostgresIntake(): Promise<Record<string, unknown>[]> {
  const environment = await benchEnvironment();
  const suffix = randomUUID().replaceAll('-', '').slice(0, 8);
  const schema = `tongban_bench_${suffix}`;
  const countedSchema = `tongban_bench_${suffix}_counted`;
  const rows: Record<string, unknown>[] = [];
  try {
    const counted = await countRoundTrips(environment, countedSchema);
    const sqlite = await startSqliteGateway(environment);
    const postgres = await startPostgresGateway(environment, schema);
    try {
      const sqliteMaterials = await prepareSubmissions(environment, sqlite.url, [marriageSubmission(0)]);
      const postgresMaterials = await prepareSubmissions(environment, postgres.url, [marriageSubmission(0)]);
      let offset = 0;
      for (const connections of CONNECTIONS) {
        const rounds: { sqlite: Round[]; postgres: Round[] } = { sqlite: [], postgres: [] };
        for (let round = 0; round < ROUNDS; round += 1) {
          // Alternate which goes first: a disturbance then weighs on both.
          const order = round % 2 === 0 ? (['sqlite', 'postgres'] as const) : (['postgres', 'sqlite'] as const);
          for (const name of order) {
            offset += 100_000;
            rounds[name].push(await measureRound(environment, name === 'sqlite' ? sqlite : postgres,
              { warmupMs: WARMUP_MS, roundMs: ROUND_MS, offset, concurrency: connections, withMaterials: name === 'sqlite' ? sqliteMaterials : postgresMaterials }));
          }
        }
        const onSqlite = best(rounds.sqlite);
        const onPostgres = best(rounds.postgres);
        for (const [name, result] of [['SQLite', onSqlite], ['PostgreSQL', onPostgres]] as const) {
          rows.push({
            benchmark: 'postgres intake', case: `${name}, ${connections} connection${connections > 1 ? 's' : ''}`, 'ops/s': Math.round(result.perSecond),
            'p50 ms': result.p50.toFixed(1), 'p99 ms': result.p99.toFixed(1), 'CPU µs/op': Math.round(result.cpuPerOp),
            note: [
              name === 'PostgreSQL' ? `PG ÷ SQLite ${(onPostgres.perSecond / onSqlite.perSecond).toFixed(2)}, CPU ×${(onPostgres.cpuPerOp / onSqlite.cpuPerOp).toFixed(2)}` : '',
              name === 'PostgreSQL' && connections === 1 ? `per submission: ${counted.statements.toFixed(1)} statements, ${counted.roundTrips.toFixed(1)} round trips, ${counted.parses.toFixed(1)} parses` : '',
              result.failed > 0 ? `${result.failed} failed` : '',
            ].filter(Boolean).join('; '),
          });
        }
      }
    } finally {
      await Promise.all([sqlite.stop(), postgres.stop()]);
    }
  } finally {
    await dropSchemas([schema, countedSchema]);
  }
  return rows;
}
