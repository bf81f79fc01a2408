/**
 * One operator for the scale benchmark: logged in to the dashboard (its
 * login form, session cookie and CSRF token, as a browser does) and holding
 * the development `ops` client's key for the signed `/v1/ops/*` API. It reads
 * every dashboard page, every ops list and `/metrics`, one after the other,
 * and again every `periodMs` (at once when a sweep took longer), recording
 * each read's latency by path — from a worker thread of its own, so that the
 * load generator on this process's event loop does not delay its timing.
 */
import { Agent, request as httpRequest } from 'node:http';
import { Worker } from 'node:worker_threads';
import type { BenchEnvironment, ServerProcess } from './intake.js';
import { signRequest } from '../src/trust/sign-request.js';
import type { PrivateJwk } from '../src/trust/index.js';

/** The dashboard user the bench's gateways are started with, and its password. */
export const BENCH_OPS_USER = { name: 'bench', password: 'tongban-bench-ops' } as const;

/** Ids the parameterised reads need: a delivery, and the short id (last 12 hex digits) of an application. */
export interface OpsTargets {
  deliveryId: string;
  applicationShortId: string;
}

/** Every read an operator's screens and scripts make, as paths. */
export function opsReadPaths(targets: OpsTargets): { dashboard: string[]; api: string[] } {
  return {
    dashboard: [
      '/ops', '/ops?range=24h', '/ops/deliveries', '/ops/deliveries?state=dead', '/ops/deliveries?state=pending', `/ops/deliveries/${targets.deliveryId}`,
      '/ops/sync', '/ops/overdue', '/ops/ledger', `/ops/search?q=${targets.applicationShortId}`,
    ],
    api: [
      '/v1/ops/deliveries?limit=100', '/v1/ops/deliveries?state=dead&limit=100', '/v1/ops/deliveries?state=pending&department=gaj&limit=100',
      `/v1/ops/deliveries/${targets.deliveryId}/attempts`, '/v1/ops/overdue', '/v1/ops/adapters', '/v1/ops/outstanding-materials', '/v1/ops/supplements',
      '/v1/ops/commitment-reports', '/metrics',
    ],
  };
}

/** What the poller's thread needs: the gateway, the dashboard session, the `ops` client's key, and the reads. */
export interface PollerSession {
  url: string;
  cookie: string;
  key: PrivateJwk;
  paths: ReturnType<typeof opsReadPaths>;
}

/** What the thread answers after each command: every latency (ms) by path so far, and the failures. */
interface Snapshot {
  id: number;
  latencies: [string, number[]][];
  failures: string[];
}

/**
 * The operator, reading in a worker thread of its own: the load generator
 * shares this process's event loop, and an answer the gateway gave in time
 * must not be timed late because the generator was signing submissions.
 */
export class OpsPoller {
  /** Latencies (ms) by path, in the order taken (as of the last command that finished). */
  readonly latencies = new Map<string, number[]>();
  readonly failures: string[] = [];
  private next = 0;
  private readonly waiting = new Map<number, () => void>();

  private constructor(private readonly worker: Worker) {
    worker.on('message', (snapshot: Snapshot) => {
      this.latencies.clear();
      for (const [path, values] of snapshot.latencies) this.latencies.set(path, values);
      this.failures.splice(0, this.failures.length, ...snapshot.failures);
      this.waiting.get(snapshot.id)?.();
      this.waiting.delete(snapshot.id);
    });
  }

  /** Logs in to the dashboard of `gateway` (started with {@link BENCH_OPS_USER} in TONGBAN_OPS_USERS) and starts the poller's thread. */
  static async login(environment: BenchEnvironment, gateway: ServerProcess, targets: OpsTargets): Promise<OpsPoller> {
    const form = await fetch(`${gateway.url}/ops/login`, { headers: { accept: 'text/html' } });
    const csrf = cookiesOf(form.headers)['tongban_ops_csrf'];
    await form.arrayBuffer();
    if (!csrf) throw new Error(`GET /ops/login set no CSRF cookie (${form.status})`);
    const login = await fetch(`${gateway.url}/ops/login`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie: `tongban_ops_csrf=${csrf}` },
      body: new URLSearchParams({ username: BENCH_OPS_USER.name, password: BENCH_OPS_USER.password, _csrf: csrf, next: '/ops' }).toString(),
    });
    await login.arrayBuffer();
    const cookies = cookiesOf(login.headers);
    if (login.status !== 303 || !cookies['tongban_ops_session']) throw new Error(`the dashboard login answered ${login.status}`);
    const cookie = Object.entries(cookies).map(([name, value]) => `${name}=${value}`).join('; ');
    const session: PollerSession = { url: gateway.url, cookie, key: environment.key('ops'), paths: opsReadPaths(targets) };
    // A worker does not inherit tsx's loader: the thread registers it, then imports the TypeScript module.
    const thread = new URL('./ops-poller-thread.ts', import.meta.url).href;
    const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(thread)}); })`;
    const poller = new OpsPoller(new Worker(bootstrap, { eval: true, workerData: session }));
    await poller.command('reset');
    return poller;
  }

  /** Every read once, in turn. */
  sweep(): Promise<void> {
    return this.command('sweep');
  }

  /** Sweeps every `periodMs` until {@link stop}. */
  start(periodMs: number): void {
    this.worker.postMessage({ id: -1, op: 'start', periodMs });
  }

  stop(): Promise<void> {
    return this.command('stop');
  }

  /** Forgets the latencies recorded so far. */
  reset(): Promise<void> {
    return this.command('reset');
  }

  /** Ends the thread. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private command(op: 'sweep' | 'stop' | 'reset'): Promise<void> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ id, op });
    });
  }
}

/** The reads themselves, run by the poller's thread (ops-poller-thread.ts). */
export class OpsSweeper {
  /** Latencies (ms) by path, in the order taken. */
  readonly latencies = new Map<string, number[]>();
  readonly failures: string[] = [];
  private stopped = true;
  private running: Promise<void> | undefined;
  /**
   * One kept-alive connection, as a browser keeps one to a site. node:http rather than fetch: the poller shares the
   * 2 vCPUs with the gateway and the load generator, and fetch cost it about 2.7 times the CPU per read (docs/performance.md#jti-journal).
   */
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(private readonly session: PollerSession) {}

  /** Every read once, in turn: the dashboard's pages with the session cookie, the ops API signed by the `ops` client. */
  async sweep(): Promise<void> {
    for (const path of this.session.paths.dashboard) {
      await this.timed(path, () => this.get(path, { accept: 'text/html', cookie: this.session.cookie }));
    }
    for (const path of this.session.paths.api) {
      await this.timed(path, async () => this.get(path, path === '/metrics' ? {}
        : { accept: 'application/json', ...await signRequest({ method: 'GET', pathAndQuery: path, clientId: 'ops', key: this.session.key }) }));
    }
  }

  /** A GET of `path`; resolves with the status once the whole answer has arrived. */
  private get(path: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(this.session.url + path, { agent: this.agent, headers }, (answer) => {
        answer.on('data', () => undefined);
        answer.on('end', () => resolve(answer.statusCode ?? 0));
        answer.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
  }

  /** Sweeps every `periodMs` until {@link stop}. */
  start(periodMs: number): void {
    this.stopped = false;
    this.running = (async () => {
      while (!this.stopped) {
        const began = performance.now();
        await this.sweep();
        const wait = periodMs - (performance.now() - began);
        if (wait > 0 && !this.stopped) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  reset(): void {
    this.latencies.clear();
  }

  private async timed(path: string, read: () => Promise<number>): Promise<void> {
    const began = performance.now();
    const status = await read().catch((error: Error) => { this.failures.push(`${path}: ${error.message}`); return 0; });
    const ms = performance.now() - began;
    if (status !== 200) {
      if (status !== 0 && this.failures.length < 20) this.failures.push(`${path}: ${status}`);
      return;
    }
    let list = this.latencies.get(path);
    if (!list) this.latencies.set(path, list = []);
    list.push(ms);
  }
}

function cookiesOf(headers: Headers): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const header of headers.getSetCookie()) {
    const [pair] = header.split(';');
    const at = pair!.indexOf('=');
    if (at > 0) cookies[pair!.slice(0, at).trim()] = pair!.slice(at + 1).trim();
  }
  return cookies;
}
