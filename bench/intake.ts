/**
 * Intake benchmark: signed `POST /v1/applications` through the real gateway
 * (a child process, SQLite, dispatcher off) over loopback — verify the
 * signature, record the jti, validate the merged form, split it, store the
 * application with its sub-applications and outbox rows in one durable
 * commit, sign the 202. Each submission carries its `materials`: the files its
 * scenario needs are uploaded once per gateway before anything is measured,
 * and every submission names those uploads, so the rate is intake's, not the
 * uploads'; and the ID token of its applicant, logged in once per gateway at
 * the bench's identity platform simulator before anything is measured (the
 * token's verification is intake's, the login is not). Reports accepted applications per second with p50/p99
 * latency and the server's CPU per application; never asserts. Also home of
 * the pieces the delivery and ceiling benchmarks share: the environment, the
 * server processes and the load driver.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_IDENTITY_CLIENTS, loginWithIdentityPlatform, startIdentityPlatformSimulator, type IdentityPlatformSimulator,
} from '../adapters/identity-platform/index.js';
import { DEFAULT_MATTER_SYSTEM_CREDENTIALS, startMatterSystemSimulator, type MatterSystemSimulator } from '../adapters/matter-system/simulator/start-matter-system-simulator.js';
import { loadDepartments } from '../src/delivery/department-registry.js';
import { makeIdNumber } from '../src/domain/identifiers/index.js';
import type { PrivateJwk } from '../src/trust/algorithms.js';
import { CERT_FILES, developmentClients, initDevelopmentMaterial } from '../src/trust/dev-material.js';
import { sampleFile } from '../src/cli/sample-files.js';
import { signRequest } from '../src/trust/sign-request.js';
import { createSigningClient, jwks, type SigningClient } from '../src/trust/signing-client.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Development keys, the matter-system simulator (for the catalogue), the identity platform simulator and a scratch folder. */
export interface BenchEnvironment {
  readonly dir: string;
  readonly certsDir: string;
  readonly clientsFile: string;
  readonly matters: MatterSystemSimulator;
  /** The identity platform every bench gateway trusts; its ID tokens last a day (a bench run outlasts the default 10 minutes). */
  readonly identity: IdentityPlatformSimulator;
  key(clientId: string): PrivateJwk;
  close(): Promise<void>;
}

let sharedEnvironment: Promise<BenchEnvironment> | undefined;

/** One environment per bench run (RSA key generation is slow). */
export function benchEnvironment(): Promise<BenchEnvironment> {
  sharedEnvironment ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tongban-bench-'));
    const certsDir = join(dir, 'certs');
    await initDevelopmentMaterial(certsDir, developmentClients(loadDepartments()));
    const matters = await startMatterSystemSimulator();
    const identity = await startIdentityPlatformSimulator({ tokenTtlSeconds: 86_400 });
    identity.registerPerson(BENCH_APPLICANT);
    identity.registerEnterprise({ creditCode: BENCH_ENTERPRISE, name: '梅州市梅县区长青进出口贸易有限公司', legalRepresentativeIdNumber: BENCH_APPLICANT.idNumber });
    return {
      dir, certsDir, clientsFile: join(certsDir, CERT_FILES.clients), matters, identity,
      key: (clientId) => JSON.parse(readFileSync(join(certsDir, `${clientId}.jwk.json`), 'utf8')) as PrivateJwk,
      async close() {
        await matters.close();
        await identity.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  })();
  return sharedEnvironment;
}

/** Closes the shared environment, if one was made. */
export async function closeBenchEnvironment(): Promise<void> {
  await Promise.all([...children].map((child) => stopProcess(child, 5000)));
  if (!sharedEnvironment) return;
  const environment = await sharedEnvironment;
  sharedEnvironment = undefined;
  await environment.close();
}

/** A process listening on a loopback port. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/** Environment of a child: this one's, without any Tongban setting (an unknown TONGBAN_* stops the gateway). */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('TONGBAN_') && name !== 'DATABASE_URL' && name !== 'PORT') env[name] = value;
  return { ...env, ...extra };
}

const children = new Set<ChildProcess>();
// Whatever happens to the bench (an exception, Ctrl-C), no server it started outlives it.
process.once('exit', () => { for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });

/** The Node runtime settings recommended for the gateway in production (README, "Running it in production"; docs/performance.md, memory). */
export const SERVER_NODE_ARGS: readonly string[] = ['--max-semi-space-size=8', '--max-old-space-size=1024'];

/** Starts `node <args>` and waits for the line announcing its URL on stdout. */
export function startServerProcess(args: readonly string[], env: NodeJS.ProcessEnv, options: { timeoutMs?: number; urlPattern?: RegExp; nodeArgs?: readonly string[] } = {}): Promise<ServerProcess> {
  // Every server (gateway, ceiling) runs with the runtime settings the README recommends for the gateway
  // (or `options.nodeArgs`, for a bench comparing settings), unless BENCH_NODE_DEFAULTS=none;
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") adds more.
  const nodeArgs = [...(process.env['BENCH_NODE_DEFAULTS'] === 'none' ? [] : options.nodeArgs ?? SERVER_NODE_ARGS), ...(process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const pattern = options.urlPattern ?? /listening on (http:\/\/[^\s]+)/;
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no URL announced within ${options.timeoutMs ?? 30_000} ms:\n${output.slice(-2000)}`)); }, options.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = pattern.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      resolve({ url: match[1]!, child, stop: (graceMs) => stopProcess(child, graceMs) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); if (process.env['BENCH_SHOW_STDERR']) process.stderr.write(chunk); });
    child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`exited (${code ?? signal}) before announcing its URL:\n${output.slice(-2000)}`)); });
  });
}

/** SIGTERM and wait; SIGKILL when it does not exit in time. */
export function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}

/** Gateway settings for a bench run on SQLite file `sqlitePath`. */
export function gatewayEnv(environment: BenchEnvironment, sqlitePath: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    PORT: '0',
    TONGBAN_LOG_LEVEL: 'silent',
    TONGBAN_CERTS_DIR: environment.certsDir,
    TONGBAN_CLIENTS_FILE: environment.clientsFile,
    TONGBAN_SQLITE_PATH: sqlitePath,
    TONGBAN_MATTER_SYSTEM_URL: environment.matters.url,
    TONGBAN_MATTER_SYSTEM_APP_KEY: DEFAULT_MATTER_SYSTEM_CREDENTIALS.appKey,
    TONGBAN_MATTER_SYSTEM_APP_SECRET: DEFAULT_MATTER_SYSTEM_CREDENTIALS.appSecret,
    TONGBAN_CATALOG_SYNC_INTERVAL_MS: '0',
    TONGBAN_IDENTITY_ISSUER: environment.identity.issuer,
    ...extra,
    ...benchGatewaySettings(),
  });
}

/**
 * Settings given to every gateway the benches start, from `BENCH_GATEWAY_ENV`
 * (a JSON object of `TONGBAN_*` variables), to compare a setting within the
 * same bench: `BENCH_GATEWAY_ENV='{"TONGBAN_INTAKE_CONCURRENCY":"0"}'`.
 */
function benchGatewaySettings(): Record<string, string> {
  const text = process.env['BENCH_GATEWAY_ENV'];
  if (!text) return {};
  const parsed = JSON.parse(text) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)
    || !Object.entries(parsed).every(([name, value]) => name.startsWith('TONGBAN_') && typeof value === 'string')) {
    throw new Error('BENCH_GATEWAY_ENV must be a JSON object of TONGBAN_* variables with string values');
  }
  return parsed as Record<string, string>;
}

/**
 * The person who submits every bench application: the wife of each MX-T33
 * couple, and the legal representative of the MX-T06 enterprise — so that one
 * login per gateway stands for every submission.
 */
export const BENCH_APPLICANT = { idNumber: makeIdNumber({ areaCode: '441403', birthDate: '1992-04-18', sequence: 246 }), name: '丘秀梅' } as const;
/** The enterprise of the MX-T06 filings (its 统一社会信用代码). */
const BENCH_ENTERPRISE = '91441403631726502B';

/**
 * Logs `person` in at the identity platform `issuer` for `client` (its client
 * id is the OIDC client): a nonce from the gateway through `client`, the
 * platform's login flow. Answers the ID token.
 */
export async function logIn(client: SigningClient, issuer: string, person: { idNumber: string; name: string; creditCode?: string }): Promise<string> {
  const nonce = await client.request('POST', '/v1/identity/nonces');
  if (nonce.status !== 201) throw new Error(`a login nonce answered ${nonce.status}: ${nonce.raw.toString('utf8').slice(0, 500)}`);
  const registered = DEFAULT_IDENTITY_CLIENTS.find((candidate) => candidate.clientId === client.clientId);
  if (!registered) throw new Error(`client ${client.clientId} is not registered at the identity platform`);
  const login = await loginWithIdentityPlatform({
    issuer, clientId: client.clientId, clientSecret: registered.clientSecret, redirectUri: registered.redirectUris[0]!, nonce: (nonce.body as { nonce: string }).nonce, person,
  });
  return login.idToken;
}

/** Starts `tongban serve` and waits until the theme's catalogue entry is served (the startup sync ran). */
export async function startGatewayProcess(environment: BenchEnvironment, env: NodeJS.ProcessEnv, themeCodes: readonly string[] = ['MX-T33'], nodeArgs?: readonly string[]): Promise<ServerProcess> {
  const gateway = await startServerProcess(['bin/tongban.js', 'serve'], env, { nodeArgs });
  const platform = createSigningClient({ baseUrl: gateway.url, clientId: 'platform', key: environment.key('platform'), tongbanKeys: () => jwks(gateway.url) });
  const deadline = Date.now() + 30_000;
  try {
    for (const code of themeCodes) {
      while ((await platform.request('GET', `/v1/themes/${code}`)).status !== 200) {
        if (Date.now() > deadline) throw new Error(`the gateway did not serve theme ${code} within 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } catch (error) {
    await gateway.stop();
    throw error;
  }
  return gateway;
}

/** A submission: theme, scenario answers, the merged form and its materials. */
export interface Submission {
  themeCode: string;
  answers: Record<string, boolean | string>;
  form: Record<string, Record<string, unknown>>;
  materials?: Materials;
}

/** A submission's `materials`: material identity → `{ upload: id }`. */
export type Materials = Record<string, { upload: string }>;

/** Adds to a submission its scenario's `materials` (from {@link prepareSubmissions}); `idTokenOf` gives the ID token to send it with. */
export interface WithMaterials {
  (submission: Submission): Submission;
  /** The ID token of the submission's applicant ({@link BENCH_APPLICANT}, for an MX-T06 filing logged in for the enterprise), logged in once at this gateway. */
  readonly idTokenOf: (submission: Submission) => string;
  /** The uploads the submissions name, as the gateway answered them (`POST /v1/materials`, 201). */
  readonly uploads: readonly UploadAnswer[];
}

/** An upload as `POST /v1/materials` answers it. */
export interface UploadAnswer {
  id: string;
  sha256: string;
  size: number;
  mediaType: string;
  expiresAt: string;
}

/**
 * Prepares the submissions of `samples`' scenarios at the gateway at `url`
 * before anything is measured: uploads, once, a file for every required
 * material those scenarios need an upload for (as their guides say; one
 * upload per identity, a PDF, or a JPEG where a PDF is not allowed), as the
 * platform, and logs {@link BENCH_APPLICANT} in once (for herself, and for
 * the MX-T06 enterprise when a sample files for it). The answer adds to any
 * submission of those scenarios the `materials` naming these uploads (a
 * client may name one upload from many applications, so a run uploads
 * nothing more while it is measured), and its `idTokenOf` the token to send.
 */
export async function prepareSubmissions(environment: BenchEnvironment, url: string, samples: readonly Submission[]): Promise<WithMaterials> {
  const platform = createSigningClient({ baseUrl: url, clientId: 'platform', key: environment.key('platform'), tongbanKeys: () => jwks(url) });
  const scenarioOf = (submission: Submission) => `${submission.themeCode} ${JSON.stringify(submission.answers)}`;
  const uploads = new Map<string, UploadAnswer>();
  const byScenario = new Map<string, Materials>();
  for (const sample of samples) {
    if (byScenario.has(scenarioOf(sample))) continue;
    const guide = await platform.request('POST', `/v1/themes/${sample.themeCode}/guide`, { body: { answers: sample.answers } });
    if (guide.status !== 200) throw new Error(`the guide of ${sample.themeCode} answered ${guide.status}: ${guide.raw.toString('utf8').slice(0, 500)}`);
    const materials: Materials = {};
    for (const material of (guide.body as { materials: { code: string; name: string; required: boolean; ways: string[]; mediaTypes: string[] }[] }).materials) {
      if (!material.required || !material.ways.includes('upload')) continue;
      if (!uploads.has(material.code)) {
        const file = await sampleFile(material.mediaTypes.includes('application/pdf') ? 'application/pdf' : 'image/jpeg', `${material.code} ${material.name}`);
        const answer = await platform.request('POST', '/v1/materials', { body: new Uint8Array(file.bytes), headers: { 'content-type': file.mediaType } });
        if (answer.status !== 201) throw new Error(`uploading ${material.code} answered ${answer.status}: ${answer.raw.toString('utf8').slice(0, 500)}`);
        uploads.set(material.code, answer.body as UploadAnswer);
      }
      materials[material.code] = { upload: uploads.get(material.code)!.id };
    }
    byScenario.set(scenarioOf(sample), materials);
  }
  const natural = await logIn(platform, environment.identity.issuer, BENCH_APPLICANT);
  const legal = samples.some(forEnterprise) ? await logIn(platform, environment.identity.issuer, { ...BENCH_APPLICANT, creditCode: BENCH_ENTERPRISE }) : undefined;
  const withMaterials = (submission: Submission) => {
    const materials = byScenario.get(scenarioOf(submission));
    if (!materials) throw new Error(`no materials uploaded for ${scenarioOf(submission)}`);
    return { ...submission, materials };
  };
  return Object.assign(withMaterials, {
    uploads: [...uploads.values()],
    idTokenOf: (submission: Submission) => {
      if (!forEnterprise(submission)) return natural;
      if (legal === undefined) throw new Error(`no login for the enterprise of ${scenarioOf(submission)}: prepare a sample of it`);
      return legal;
    },
  });
}

/** Whether a submission is the bench enterprise's filing (its legal representative submits it, logged in for the enterprise). */
const forEnterprise = (submission: Submission) => submission.form['enterprise']?.['creditCode'] === BENCH_ENTERPRISE;

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '潘', '丘'];

function person(index: number, sex: 'male' | 'female', birthYear: number) {
  const sequence = ((index * 2) % 998) + (sex === 'male' ? 1 : 0);
  return {
    name: `${SURNAMES[index % SURNAMES.length]}${sex === 'male' ? '建国' : '秀梅'}${String.fromCharCode(0x4e00 + (index % 500))}`,
    idNumber: makeIdNumber({ areaCode: '441403', birthDate: `${birthYear}-0${1 + (index % 9)}-1${index % 10}`, sequence }),
  };
}

/**
 * 结婚生育一件事 (MX-T33) for an already married couple, the wife
 * {@link BENCH_APPLICANT}: 生育登记 (卫生健康局,
 * rest, ES256) and 市外迁入-投靠配偶 (公安局, rest, SM2) — two sub-applications
 * by default, both delivered at once (their prerequisite, 结婚登记, does not
 * apply); either can be left out.
 */
export function marriageSubmission(index: number, options: { registerBirth?: boolean; joinSpouseHousehold?: boolean } = {}): Submission {
  const wife = BENCH_APPLICANT; // the applicant of every submission (one login); the husbands differ
  const husband = person(index + 7, 'male', 1988 + (index % 10));
  const registerBirth = options.registerBirth ?? true;
  const joinSpouseHousehold = options.joinSpouseHousehold ?? true;
  return {
    themeCode: 'MX-T33',
    answers: { alreadyMarried: true, registerBirth, joinSpouseHousehold },
    form: {
      applicant: {
        phone: `1597321${String(1000 + (index % 9000)).padStart(4, '0')}`, ...(joinSpouseHousehold ? { ...wife, address: '广东省深圳市福田区福华路62号' } : {}),
      },
      ...(joinSpouseHousehold ? { spouse: { ...husband, address: '广东省梅州市梅县区畲江镇27号' } } : {}),
      ...(registerBirth ? { husband, wife, marriage: { certificateNumber: `J441403-2025-${String(100000 + (index % 900000))}`, childCount: index % 3 } } : {}),
    },
  };
}

/** 我要开办进出口贸易企业 (MX-T06), a change filing: one sub-application to 科工商务局 (rest, EdDSA). */
export function tradeChangeSubmission(index: number): Submission {
  return {
    themeCode: 'MX-T06',
    answers: { filingType: 'change', registerCompany: false },
    form: {
      enterprise: {
        creditCode: BENCH_ENTERPRISE, name: `梅州市梅县区长青进出口贸易有限公司${index}`, phone: '0753-2281406', registeredCapital: 1000 + index,
        businessScope: '一般项目：货物进出口；技术进出口；国内贸易代理；日用百货销售；五金产品批发。', type: '有限责任公司（自然人投资或控股）',
      },
      legalRepresentative: { name: `罗军${String.fromCharCode(0x4e00 + (index % 500))}` },
    },
  };
}

/** Result of a load run. */
export interface LoadResult {
  /** Answers with the expected status. */
  ok: number;
  /** Other answers and transport errors. */
  failed: number;
  /** Seconds measured. */
  seconds: number;
  /** Latencies of the good answers (ms), sorted. */
  latencies: number[];
  /** A few failure descriptions. */
  failures: string[];
  /** CPU the server process used per good answer (µs), when its pid was given. */
  cpuPerOp: number;
}

/**
 * Sends signed submissions at `concurrency` for `durationMs` (after `warmupMs`
 * not measured) over keep-alive loopback connections. Answers are not
 * verified here: that is the platform's cost, not the gateway's.
 */
export async function loadSubmissions(options: {
  url: string; key: PrivateJwk; clientId?: string; concurrency: number; durationMs: number; warmupMs?: number; expectStatus?: number;
  submission: (index: number) => Submission; maxRequests?: number; serverPid?: number;
  /** The ID token to send a submission with (its applicant's; {@link WithMaterials.idTokenOf}). */
  idTokenOf?: (submission: Submission) => string;
  /** Paces the requests at this many per second (default: as fast as answers come). */
  ratePerSecond?: number;
}): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const target = new URL('/v1/applications', options.url);
  const expect = options.expectStatus ?? 202;
  let index = 0;
  const result: LoadResult = { ok: 0, failed: 0, seconds: 0, latencies: [], failures: [], cpuPerOp: Number.NaN };
  const start = performance.now();
  const measureFrom = start + (options.warmupMs ?? 0);
  const stopAt = measureFrom + options.durationMs;
  let cpuFrom = Number.NaN;
  const cpuTimer = setTimeout(() => { cpuFrom = cpuMs(options.serverPid); }, measureFrom - start);
  const worker = async () => {
    while (performance.now() < stopAt && (options.maxRequests === undefined || index < options.maxRequests)) {
      const mine = index;
      index += 1;
      if (options.ratePerSecond !== undefined) {
        const due = start + (mine * 1000) / options.ratePerSecond;
        if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
      }
      const submission = options.submission(mine);
      const body = JSON.stringify(submission);
      const idToken = options.idTokenOf?.(submission);
      const headers = {
        'content-type': 'application/json', 'idempotency-key': `bench-${randomUUID()}`, ...(idToken === undefined ? {} : { 'tongban-id-token': idToken }),
        ...await signRequest({ method: 'POST', pathAndQuery: target.pathname, body, clientId: options.clientId ?? 'platform', key: options.key, ...(idToken === undefined ? {} : { idToken }) }),
      };
      const sentAt = performance.now();
      const answer = await post(agent, target, headers, body).catch((error: Error) => ({ status: 0, text: error.message }));
      const doneAt = performance.now();
      if (sentAt < measureFrom) continue;
      if (answer.status === expect) {
        result.ok += 1;
        result.latencies.push(doneAt - sentAt);
      } else {
        result.failed += 1;
        if (result.failures.length < 5) result.failures.push(`${answer.status} ${answer.text.slice(0, 300)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  clearTimeout(cpuTimer);
  result.cpuPerOp = ((cpuMs(options.serverPid) - cpuFrom) * 1000) / result.ok;
  result.seconds = (Math.min(performance.now(), stopAt) - measureFrom) / 1000;
  result.latencies.sort((a, b) => a - b);
  agent.destroy();
  return result;
}

function post(agent: Agent, url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc (Linux);
 * NaN elsewhere. Under a shared machine, CPU per operation is steadier than
 * operations per second.
 */
export function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    // After "pid (comm) ", field 3 is state; utime and stime are fields 14 and 15 of the full line, in clock ticks (100 per second).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** The p-th percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Concurrent submissions the intake benchmarks keep in flight. */
export const INTAKE_CONCURRENCY = 64;

/** One measured round of load against one server. */
export interface Round {
  perSecond: number;
  p50: number;
  p99: number;
  /** Server CPU per accepted application (µs). */
  cpuPerOp: number;
  failed: number;
}

/**
 * Loads `url` for `roundMs` after `warmupMs`. Submission numbers continue
 * across rounds (`offset`), so every request is a new application.
 */
export async function measureRound(environment: BenchEnvironment, server: ServerProcess,
  options: { warmupMs: number; roundMs: number; offset: number; withMaterials: WithMaterials; concurrency?: number }): Promise<Round> {
  const result = await loadSubmissions({
    url: server.url, key: environment.key('platform'), concurrency: options.concurrency ?? INTAKE_CONCURRENCY, warmupMs: options.warmupMs, durationMs: options.roundMs,
    submission: (index) => options.withMaterials(marriageSubmission(options.offset + index)), idTokenOf: options.withMaterials.idTokenOf, serverPid: server.child.pid,
  });
  if (result.failures.length > 0) process.stderr.write(`${server.url}: ${result.failed} failed, e.g. ${result.failures[0]}\n`);
  return { perSecond: result.ok / result.seconds, p50: percentile(result.latencies, 50), p99: percentile(result.latencies, 99), cpuPerOp: result.cpuPerOp, failed: result.failed };
}

/**
 * The round with the highest rate (on a shared machine the best round is the
 * one least disturbed), with the lowest CPU per operation seen.
 */
export function best(rounds: readonly Round[]): Round {
  const top = rounds.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  return { ...top, cpuPerOp: Math.min(...rounds.map((round) => round.cpuPerOp)), failed: rounds.reduce((sum, round) => sum + round.failed, 0) };
}

/** A gateway process for intake: fresh SQLite file, dispatcher off (intake alone is measured). */
export async function startIntakeGateway(environment: BenchEnvironment): Promise<ServerProcess> {
  const sqlitePath = join(mkdtempSync(join(environment.dir, 'intake-')), 'tongban.db');
  return startGatewayProcess(environment, gatewayEnv(environment, sqlitePath, { TONGBAN_DISPATCHER: 'false' }));
}

/** A table row for a measurement. */
export function intakeRow(name: string, round: Round): Record<string, unknown> {
  return {
    benchmark: 'intake', case: name, 'ops/s': Math.round(round.perSecond), 'p50 ms': round.p50.toFixed(1), 'p99 ms': round.p99.toFixed(1),
    'CPU µs/op': Number.isFinite(round.cpuPerOp) ? Math.round(round.cpuPerOp) : '', note: round.failed > 0 ? `${round.failed} failed` : '',
  };
}

export async function benchIntake(): Promise<Record<string, unknown>[]> {
  const environment = await benchEnvironment();
  const gateway = await startIntakeGateway(environment);
  const rounds: Round[] = [];
  try {
    const withMaterials = await prepareSubmissions(environment, gateway.url, [marriageSubmission(0)]);
    for (let round = 0; round < 2; round += 1) rounds.push(await measureRound(environment, gateway, { warmupMs: round === 0 ? 1500 : 300, roundMs: 4000, offset: round * 100_000, withMaterials }));
  } finally {
    await gateway.stop();
  }
  return [intakeRow(`gateway, SQLite, MX-T33 (2 sub-applications), ${INTAKE_CONCURRENCY} concurrent`, best(rounds))];
}
