/**
 * The licence hop: what Tongban adds to a licence look-up, next to what a
 * plain relay adds. One licence-library simulator process serves three
 * callers in the same run, the gateway a fourth, and a bare server a fifth:
 *
 * - **direct**: the library's own protocol (`POST queryByHolder` with an
 *   access token), as a platform wired straight to the library would call it;
 * - **relay**: the same calls through a bare `node:http` proxy (one child
 *   process) — what any hop costs;
 * - **gateway**: signed `GET /v1/licences` through `tongban serve` (a child
 *   process, SQLite): signature and replay check, the holder's ID token
 *   (verified against the identity platform's key), authorisation, declared
 *   types, the adapter's call, every licence's verification (identifier,
 *   validity, issuer data signature and certificate chain), the ledger
 *   entries' durable commit, and the signed answer;
 * - **signed read**: signed `GET /v1/authorizations/{id}` through the same
 *   gateway, from the same client — a signed request that reads one row and
 *   calls nothing. What it costs is what every signed request costs, so its
 *   throughput ÷ the relay's is the most a look-up could reach, and its p50
 *   less one hop the least a look-up could add;
 * - **floor**: the signed read's contract (the gateway's own request
 *   verification, its jti journal, one row read, the gateway's own answer
 *   signing) on a bare `node:http` server in a child process of its
 *   own, without the gateway's request path (Express, middleware, tracing,
 *   metrics, logging): what the contract itself costs.
 *
 * Each asks for a mother's 居民身份证, 出生医学证明 and 结婚证 (three licences,
 * theme MX-T05). Measured at one connection (p50/p99 and the p50 added over
 * direct) and at {@link CONCURRENCY} connections (look-ups per second), in
 * alternating rounds so whatever else the machine does weighs on all three
 * alike. Reports the ratios the issue sets targets for: added p50 of the
 * gateway (≤ 1 ms) and its throughput ÷ the relay's (≥ 0.4), and what one
 * fsync on the database's disk costs at the time (a look-up's durable
 * commit waits for one; on a shared disk it varies tenfold). Never asserts.
 *
 * Run alone: `npm run bench -- licence-hop`. The simulator and relay are
 * this file run as `node --import tsx bench/licence-hop.ts simulator <out.json>`
 * and `… relay <target-url>`.
 */
import { createHmac } from 'node:crypto';
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HOLDER_TYPE_CODES, PATHS } from '../adapters/licence-library/licence-library-api.js';
import { DEFAULT_LICENCE_LIBRARY_ACCOUNT, sharedIssuerPki, startLicenceLibrarySimulator } from '../adapters/licence-library/index.js';
import { ALL_ISSUERS } from '../adapters/common/population/index.js';
import { LICENCE_TYPES, type LicenceTypeKey } from '../src/domain/licence-library.js';
import Database from 'better-sqlite3';
import { SqliteJtiJournal } from '../src/store/sqlite-jti-journal.js';
import { signRequest } from '../src/trust/sign-request.js';
import { signResponse } from '../src/trust/sign-response.js';
import { verifyRequest } from '../src/trust/verify-request.js';
import { generateKeyPair, toPublicJwk, type PrivateJwk } from '../src/trust/algorithms.js';
import { createSigningClient, jwks } from '../src/trust/signing-client.js';
import { benchEnvironment, cleanEnv, cpuMs, gatewayEnv, logIn, percentile, startGatewayProcess, startServerProcess, type ServerProcess } from './intake.js';

const THEME = 'MX-T05';
const TYPES: readonly LicenceTypeKey[] = ['residentIdCard', 'birthCertificate', 'marriageCertificate'];
const USE_CAUSE = '办理出生一件事：核验母亲身份、出生医学证明和结婚证';
/** Connections in flight for the throughput case. */
const CONCURRENCY = 16;
const SERIAL_MS = 2500;
const PARALLEL_MS = 2500;
const ROUNDS = 2;

/** What the simulator child writes for the benchmark. */
interface SimulatorInfo {
  url: string;
  anchorsFile: string;
  holderCode: string;
  /** The holder's name, for the holder's login at the identity platform. */
  holderName: string;
  licences: number;
}

/** The simulator (child process): a mother holding valid, lasting licences of every type asked for. */
async function serveSimulator(outPath: string): Promise<void> {
  sharedIssuerPki().warm(ALL_ISSUERS);
  const library = await startLicenceLibrarySimulator();
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const byHolder = new Map<string, typeof library.population.licences[number][]>();
  for (const licence of library.population.licences) byHolder.set(licence.holder.code, [...(byHolder.get(licence.holder.code) ?? []), licence]);
  const mother = [...byHolder].find(([, licences]) => TYPES.every((type) => licences.some((licence) => licence.type === type))
    && licences.filter((licence) => TYPES.includes(licence.type)).every((licence) => licence.status === '01' && licence.validFrom <= today
      && (licence.validUntil === null || licence.validUntil > '2035-01-01')));
  if (!mother) throw new Error(`no holder with valid ${TYPES.join(', ')} in the population`);
  const anchorsFile = join(mkdtempSync(join(process.env['TMPDIR'] ?? '/tmp', 'tongban-licence-hop-')), 'anchors.pem');
  writeFileSync(anchorsFile, library.trustAnchorsPem.join('\n'));
  const holderName = library.population.persons.find((person) => person.idNumber === mother[0])!.name;
  const info: SimulatorInfo = { url: library.url, anchorsFile, holderCode: mother[0], holderName, licences: mother[1].filter((licence) => TYPES.includes(licence.type)).length };
  writeFileSync(outPath, JSON.stringify(info));
  // The recorded requests would grow without bound under load: keep none.
  setInterval(() => { library.requests.length = 0; }, 1000).unref();
  process.stdout.write(`simulator listening on ${library.url}\n`);
  process.once('SIGTERM', () => { void library.close().then(() => process.exit(0)); });
}

/** The plain relay (child process): every request forwarded as it came, the answer streamed back. */
function serveRelay(target: string): void {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const server = createServer((req, res) => {
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => { res.writeHead(502).end(); });
    req.pipe(forward);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`relay listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

/**
 * The floor (child process): the signed read's contract on bare `node:http`,
 * built from the gateway's own primitives and nothing else. It verifies the
 * request with the gateway's `verifyRequest` (signature, claims, time, digest),
 * records the jti in the gateway's own jti journal (`SqliteJtiJournal`: taken
 * at once, inserted with the other jtis of its turn of the event loop, answered
 * only after the journal's WAL is synced on the thread pool), reads one row
 * from SQLite and parses its JSON, and signs the answer with the gateway's
 * `signResponse`. No Express, middleware, tracing, metrics or logging, and no
 * checkpointer worker (the journal checkpoints itself). What the same contract
 * costs without the gateway's request path around it. `clientJwk` is the
 * platform client's public key (JSON).
 */
async function serveFloor(clientJwk: string, dir: string): Promise<void> {
  const publicJwk = JSON.parse(clientJwk) as PrivateJwk;
  const client = { id: 'platform', algorithms: [publicJwk.alg], keys: { [publicJwk.kid]: toPublicJwk(publicJwk) } };
  // The gateway's development keyring signs with EdDSA: so does the floor.
  const { privateJwk } = await generateKeyPair('EdDSA');
  const journal = new SqliteJtiJournal({ path: join(dir, 'floor.db-jtis') });
  const db = new Database(join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE authorizations (id TEXT PRIMARY KEY, document TEXT)');
  db.prepare('INSERT INTO authorizations VALUES (?, ?)').run('floor', JSON.stringify({
    id: 'floor', holder: { code: '110101199003077777', type: 'citizen' }, licenceTypes: TYPES, purpose: { themeCode: THEME, matterCodes: [], description: '办理出生一件事' },
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(), consent: { method: 'face-recognition', at: new Date().toISOString() }, revokedAt: null,
  }));
  const read = db.prepare('SELECT document FROM authorizations WHERE id = ?').pluck();
  // No second record to ask: the floor has no store of its own beside the journal.
  const markJtiUsed = (clientId: string, jti: string, expSeconds: number) => journal.record(clientId, jti, expSeconds * 1000, () => false);
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const verified = await verifyRequest({ method: req.method!, pathAndQuery: req.url!, body: new Uint8Array(), headers: req.headers }, { resolveClient: async (id) => (id === client.id ? client : undefined), markJtiUsed });
        const document = read.get(req.url!.split('/').pop()) as string | undefined;
        if (document === undefined) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('no such authorisation');
          return;
        }
        const body = JSON.stringify(JSON.parse(document));
        const signature = await signResponse({ body, clientId: verified.client.id, requestJti: verified.claims.jti, key: privateJwk });
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...signature }).end(body);
      } catch (error) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end(String(error));
      }
    })();
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`floor listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
  process.once('SIGTERM', () => server.close(() => void journal.close().then(() => process.exit(0))));
}

/** One kind of caller: how to send one look-up. */
interface Caller {
  readonly name: string;
  /** The row's case, when not "<name>, <n> licences per look-up". */
  readonly label?: string;
  /** Sends one look-up; resolves with the answer's status and body. */
  send(agent: Agent): Promise<{ status: number; body: string }>;
  /** The server process whose CPU is counted (the relay's or the gateway's), if any. */
  readonly pid?: number;
}

function exchange(agent: Agent, url: URL, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method, agent, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => resolve({ status: answer.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      answer.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A caller speaking the library's protocol to `baseUrl` (the simulator, or the relay in front of it). */
async function libraryCaller(name: string, baseUrl: string, holderCode: string, pid?: number): Promise<Caller> {
  const { accessId, accessSecret } = DEFAULT_LICENCE_LIBRARY_ACCOUNT;
  const timestamp = String(Date.now());
  const agent = new Agent({ keepAlive: true });
  const tokenAnswer = await exchange(agent, new URL(PATHS.token, baseUrl), 'POST', { 'content-type': 'application/json' },
    JSON.stringify({ accessId, data: { timestamp, sign: createHmac('sha256', accessSecret).update(accessId + timestamp).digest('hex') } }));
  agent.destroy();
  const accessToken = (JSON.parse(tokenAnswer.body) as { data: { accessToken: string } }).data.accessToken;
  const url = new URL(PATHS.queryByHolder, baseUrl);
  const body = JSON.stringify({
    accessId, accessToken,
    data: { holderCode, holderTypeCode: HOLDER_TYPE_CODES.citizen, certificateTypeCode: TYPES.map((type) => LICENCE_TYPES[type].code).join(','), useCause: USE_CAUSE },
  });
  return { name, ...(pid !== undefined ? { pid } : {}), send: (each) => exchange(each, url, 'POST', { 'content-type': 'application/json' }, body) };
}

/**
 * Signed `GET /v1/licences` under a fresh authorisation of the holder, with
 * the ID token of the holder's one login; and, from the same client, signed
 * `GET /v1/authorizations/{id}` of that authorisation: a signed request that
 * reads one row (signature, client and replay check, the jti's durable
 * commit, the signed answer) and calls nothing — the least any signed
 * request costs, so the most the look-up could reach.
 */
async function gatewayCallers(gateway: ServerProcess, holderCode: string, holderName: string): Promise<[Caller, Caller]> {
  const environment = await benchEnvironment();
  const key = environment.key('platform');
  const platform = createSigningClient({ baseUrl: gateway.url, clientId: 'platform', key, tongbanKeys: () => jwks(gateway.url) });
  environment.identity.registerPerson({ idNumber: holderCode, name: holderName });
  const idToken = await logIn(platform, environment.identity.issuer, { idNumber: holderCode, name: holderName });
  const now = Date.now();
  const recorded = await platform.request('POST', '/v1/authorizations', {
    idToken,
    body: {
      holder: { code: holderCode, type: 'citizen' }, licenceTypes: TYPES, purpose: { themeCode: THEME, matterCodes: [], description: '办理出生一件事' },
      expiresAt: new Date(now + 30 * 86_400_000).toISOString(), consent: { method: 'face-recognition', at: new Date(now - 60_000).toISOString() },
    },
  });
  if (recorded.status !== 201) throw new Error(`POST /v1/authorizations answered ${recorded.status}: ${recorded.raw.toString('utf8').slice(0, 500)}`);
  const authorizationId = (recorded.body as { id: string }).id;
  const query = new URLSearchParams({ holderCode, holderType: 'citizen', licenceType: TYPES.join(','), themeCode: THEME, authorizationId, useCause: USE_CAUSE });
  /** Sends a `GET` of `pathAndQuery` signed by the platform client (with the holder's ID token when given). */
  const signedGet = (pathAndQuery: string, withIdToken?: string): Caller['send'] => {
    const url = new URL(pathAndQuery, gateway.url);
    return async (agent) => exchange(agent, url, 'GET', {
      ...(withIdToken !== undefined ? { 'tongban-id-token': withIdToken } : {}),
      ...await signRequest({ method: 'GET', pathAndQuery, clientId: 'platform', key, ...(withIdToken !== undefined ? { idToken: withIdToken } : {}) }),
    });
  };
  return [
    { name: 'gateway', pid: gateway.child.pid!, send: signedGet(`/v1/licences?${query.toString()}`, idToken) },
    { name: 'signed read', label: 'gateway, signed read of one authorisation (no look-up)', pid: gateway.child.pid!, send: signedGet(`/v1/authorizations/${authorizationId}`) },
  ];
}

/** Signed `GET /v1/authorizations/floor` to the floor's bare server, from the same client key as the gateway's callers. */
function floorCaller(floor: ServerProcess, key: PrivateJwk): Caller {
  const pathAndQuery = '/v1/authorizations/floor';
  const url = new URL(pathAndQuery, floor.url);
  return {
    name: 'floor', label: 'floor: the signed read\'s contract on bare node:http (no look-up)', pid: floor.child.pid!,
    send: async (agent) => exchange(agent, url, 'GET', await signRequest({ method: 'GET', pathAndQuery, clientId: 'platform', key })),
  };
}

interface Measured {
  /** Sorted latencies (ms) of good answers. */
  latencies: number[];
  perSecond: number;
  failed: number;
  /** Server CPU per look-up (µs), for the relay and the gateway. */
  cpuPerOp: number;
  firstFailure?: string;
}

/** `connections` callers back to back for `durationMs` (after a short warm-up); answers must be 200. */
async function measure(caller: Caller, connections: number, durationMs: number): Promise<Measured> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let failed = 0;
  let firstFailure: string | undefined;
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) await caller.send(agent);
  const cpuFrom = cpuMs(caller.pid);
  const start = performance.now();
  const stopAt = start + durationMs;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < stopAt) {
      const sentAt = performance.now();
      const answer = await caller.send(agent).catch((error: Error) => ({ status: 0, body: error.message }));
      if (answer.status === 200 && !answer.body.includes('"status":10')) latencies.push(performance.now() - sentAt);
      else {
        failed += 1;
        firstFailure ??= `${answer.status} ${answer.body.slice(0, 300)}`;
      }
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  const cpuPerOp = ((cpuMs(caller.pid) - cpuFrom) * 1000) / latencies.length;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { latencies, perSecond: latencies.length / seconds, failed, cpuPerOp, ...(firstFailure ? { firstFailure } : {}) };
}

/** Sorted durations (ms) of 4 KiB write + fsync in `dir`: what the durable commit each look-up waits for costs on this disk now. */
function fsyncMs(dir: string): number[] {
  const path = join(dir, 'fsync-probe');
  const fd = openSync(path, 'w');
  const samples: number[] = [];
  try {
    for (let index = 0; index < 50; index += 1) {
      writeSync(fd, Buffer.alloc(4096, index));
      const started = performance.now();
      fsyncSync(fd);
      samples.push(performance.now() - started);
    }
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
  return samples.sort((a, b) => a - b);
}

/** The best round: lowest p50 at one connection, highest rate at many (the least disturbed on a shared machine). */
function bestSerial(rounds: readonly Measured[]): Measured {
  return rounds.reduce((a, b) => (percentile(b.latencies, 50) < percentile(a.latencies, 50) ? b : a));
}
function bestParallel(rounds: readonly Measured[]): Measured {
  return rounds.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
}

export async function benchLicenceHop(): Promise<Record<string, unknown>[]> {
  const environment = await benchEnvironment();
  const dir = mkdtempSync(join(environment.dir, 'licence-hop-'));
  const infoPath = join(dir, 'simulator.json');
  const simulator = await startServerProcess(['--import', 'tsx', 'bench/licence-hop.ts', 'simulator', infoPath], cleanEnv({}), { timeoutMs: 120_000 });
  const processes: ServerProcess[] = [simulator];
  try {
    const info = JSON.parse(readFileSync(infoPath, 'utf8')) as SimulatorInfo;
    const relay = await startServerProcess(['--import', 'tsx', 'bench/licence-hop.ts', 'relay', info.url], cleanEnv({}));
    processes.push(relay);
    const gateway = await startGatewayProcess(environment, gatewayEnv(environment, join(dir, 'tongban.db'), {
      TONGBAN_DISPATCHER: 'false',
      TONGBAN_LICENCE_LIBRARY_URL: info.url,
      TONGBAN_LICENCE_LIBRARY_ACCESS_ID: DEFAULT_LICENCE_LIBRARY_ACCOUNT.accessId,
      TONGBAN_LICENCE_LIBRARY_ACCESS_SECRET: DEFAULT_LICENCE_LIBRARY_ACCOUNT.accessSecret,
      TONGBAN_LICENCE_LIBRARY_TRUST_ANCHORS_FILE: info.anchorsFile,
    }), [THEME]);
    processes.push(gateway);
    const floor = await startServerProcess(['--import', 'tsx', 'bench/licence-hop.ts', 'floor', dir],
      cleanEnv({ FLOOR_CLIENT_JWK: JSON.stringify(toPublicJwk(environment.key('platform'))) }));
    processes.push(floor);
    const callers = [
      await libraryCaller('direct', info.url, info.holderCode),
      await libraryCaller('relay', relay.url, info.holderCode, relay.child.pid!),
      ...await gatewayCallers(gateway, info.holderCode, info.holderName),
      floorCaller(floor, environment.key('platform')),
    ];
    const serial = new Map<string, Measured[]>(callers.map((caller) => [caller.name, []]));
    const parallel = new Map<string, Measured[]>(callers.map((caller) => [caller.name, []]));
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const caller of callers) serial.get(caller.name)!.push(await measure(caller, 1, SERIAL_MS));
      for (const caller of callers) parallel.get(caller.name)!.push(await measure(caller, CONCURRENCY, PARALLEL_MS));
    }
    const rows: Record<string, unknown>[] = [];
    const p50 = new Map<string, number>();
    const rate = new Map<string, number>();
    for (const caller of callers) {
      const one = bestSerial(serial.get(caller.name)!);
      const many = bestParallel(parallel.get(caller.name)!);
      const failed = [...serial.get(caller.name)!, ...parallel.get(caller.name)!].reduce((sum, each) => sum + each.failed, 0);
      const failure = [...serial.get(caller.name)!, ...parallel.get(caller.name)!].find((each) => each.firstFailure)?.firstFailure;
      if (failure) process.stderr.write(`licence-hop ${caller.name}: ${failed} failed, e.g. ${failure}\n`);
      p50.set(caller.name, percentile(one.latencies, 50));
      rate.set(caller.name, many.perSecond);
      rows.push({
        benchmark: 'licence-hop', case: caller.label ?? `${caller.name}, ${info.licences} licences per look-up`, 'ops/s': Math.round(many.perSecond),
        'p50 ms': percentile(one.latencies, 50).toFixed(2), 'p99 ms': percentile(one.latencies, 99).toFixed(2),
        'CPU µs/op': Number.isFinite(many.cpuPerOp) ? `${Math.round(one.cpuPerOp)} / ${Math.round(many.cpuPerOp)}` : '',
        note: `p50/p99 at 1 connection, ops/s at ${CONCURRENCY}; server CPU per look-up at 1 / ${CONCURRENCY}${failed > 0 ? `; ${failed} failed` : ''}`,
      });
    }
    const added = (name: string) => p50.get(name)! - p50.get('direct')!;
    rows.push({
      benchmark: 'licence-hop', case: 'added p50 over direct: relay / gateway (target gateway ≤ 1 ms)',
      'p50 ms': `${added('relay').toFixed(2)} / ${added('gateway').toFixed(2)}`, note: `gateway adds ${(added('gateway') / added('relay')).toFixed(1)}× what the relay adds`,
    });
    const fsync = fsyncMs(dir);
    rows.push({
      benchmark: 'licence-hop', case: 'one fsync on the database\'s disk, now (a look-up waits for one)',
      'p50 ms': percentile(fsync, 50).toFixed(2), 'p99 ms': percentile(fsync, 99).toFixed(2),
      note: `gateway's added p50 less one fsync: ${(added('gateway') - percentile(fsync, 50)).toFixed(2)} ms`,
    });
    rows.push({
      benchmark: 'licence-hop', case: `throughput gateway ÷ relay at ${CONCURRENCY} connections (target ≥ 0.4)`,
      'ops/s': (rate.get('gateway')! / rate.get('relay')!).toFixed(2), note: `direct ${Math.round(rate.get('direct')!)}/s`,
    });
    rows.push({
      benchmark: 'licence-hop', case: 'the most a look-up could reach: signed read ÷ relay',
      'ops/s': (rate.get('signed read')! / rate.get('relay')!).toFixed(2), 'p50 ms': `${(p50.get('signed read')! - added('relay')).toFixed(2)}`,
      note: 'ops/s: throughput ratio; p50: the signed read\'s p50 less one hop (the relay\'s added p50), the least a look-up can add',
    });
    rows.push({
      benchmark: 'licence-hop', case: 'the same contract without the gateway\'s request path: floor ÷ relay',
      'ops/s': (rate.get('floor')! / rate.get('relay')!).toFixed(2), 'p50 ms': `${(p50.get('floor')! - added('relay')).toFixed(2)}`,
      note: `signed read ÷ floor ${(rate.get('signed read')! / rate.get('floor')!).toFixed(2)}; p50: the floor's p50 less one hop`,
    });
    return rows;
  } finally {
    await Promise.all(processes.map((each) => each.stop()));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === 'simulator') await serveSimulator(process.argv[3]!);
  else if (process.argv[2] === 'relay') serveRelay(process.argv[3]!);
  else if (process.argv[2] === 'floor') await serveFloor(process.env['FLOOR_CLIENT_JWK']!, process.argv[3]!);
}
