/**
 * The gateway as a real child process (`node bin/tongban.js serve`), so a
 * test can kill it with SIGKILL mid-work and start another on the same
 * database. Every process started here is tracked; `killAll()` and
 * `running()` let a suite prove none is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MATTER_SYSTEM_CREDENTIALS, type MatterSystemSimulator } from '../../adapters/matter-system/simulator/start-matter-system-simulator.js';
import { CERT_FILES } from '../../src/trust/dev-material.js';
import { createSigningClient, jwks, type FetchFunction, type SigningClient } from '../../src/trust/signing-client.js';
import { devCertsDir, devKey } from '../helpers/dev-keys.js';
import { sharedIdentityPlatform } from '../helpers/identity.js';
import { waitFor } from '../helpers/wait.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const started = new Set<ChildProcess>();
/** The URL of each gateway process started here, while it listens. */
const urls = new Map<ChildProcess, string>();

/** The placeholder origin `reachGateway` replaces with a running gateway's. */
export const GATEWAY_ORIGIN = 'http://tongban.test';

/**
 * Fetch for department systems (their material downloads): Tongban as behind a
 * load balancer, so `GATEWAY_ORIGIN` goes to a gateway process still running
 * — a department keeps downloading across a crash or a replica's death.
 */
export const reachGateway: FetchFunction = (input, init) => {
  const live = [...urls].find(([child]) => child.exitCode === null && child.signalCode === null);
  if (!live) return Promise.reject(new Error('no gateway process is running'));
  return globalThis.fetch(String(input).replace(GATEWAY_ORIGIN, live[1]), init);
};

/** A running gateway process. */
export interface GatewayProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** The dispatcher's lease owner id, from the "dispatcher started" log line (undefined with the dispatcher off). */
  readonly dispatcherOwner: string | undefined;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** JSON log lines so far. */
  logs(): Record<string, unknown>[];
  /** The platform client, signing with the development key. */
  platform: SigningClient;
  /** SIGKILL: no shutdown, no flush — as if the machine lost power for this process. Resolves when it is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait (graceful stop). */
  stop(): Promise<void>;
}

/** Settings every reliability gateway shares: development keys, the matter-system simulator, the shared identity platform simulator, quiet logs, fast retries. */
export async function baseEnv(matters: MatterSystemSimulator, extra: Record<string, string>): Promise<NodeJS.ProcessEnv> {
  const certsDir = await devCertsDir();
  const env: NodeJS.ProcessEnv = {};
  // An unknown TONGBAN_* variable stops the gateway: pass none of this process's own.
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('TONGBAN_') && name !== 'DATABASE_URL' && name !== 'PORT') env[name] = value;
  return {
    ...env,
    PORT: '0',
    TONGBAN_LOG_LEVEL: 'info',
    TONGBAN_CERTS_DIR: certsDir,
    TONGBAN_CLIENTS_FILE: join(certsDir, CERT_FILES.clients),
    TONGBAN_MATTER_SYSTEM_URL: matters.url,
    TONGBAN_MATTER_SYSTEM_APP_KEY: DEFAULT_MATTER_SYSTEM_CREDENTIALS.appKey,
    TONGBAN_MATTER_SYSTEM_APP_SECRET: DEFAULT_MATTER_SYSTEM_CREDENTIALS.appSecret,
    TONGBAN_CATALOG_SYNC_INTERVAL_MS: '0',
    // A push now includes the department downloading its files from a gateway under full load: room for that.
    TONGBAN_DELIVERY_TIMEOUT_MS: '4000',
    TONGBAN_DELIVERY_BACKOFF_BASE_MS: '100',
    TONGBAN_DELIVERY_BACKOFF_CAP_MS: '1000',
    TONGBAN_DELIVERY_MAX_ATTEMPTS: '1000',
    TONGBAN_DELIVERY_LEASE_MS: '5000',
    TONGBAN_SHUTDOWN_GRACE_MS: '2000',
    ...(await sharedIdentityPlatform()).env,
    ...extra,
  };
}

/**
 * Starts `tongban serve` and waits until it listens and serves the theme
 * (its startup catalogue sync ran, or another replica's did).
 */
export async function startGatewayProcess(env: NodeJS.ProcessEnv, options: { themeCode?: string; timeoutMs?: number } = {}): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['bin/tongban.js', 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    urls.delete(child);
    resolve();
  }));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const url = await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`the gateway exited (${child.exitCode}) while starting:\n${output.slice(-3000)}`);
    return /listening on (http:\/\/\S+)/.exec(output)?.[1];
  }, { timeoutMs, intervalMs: 25, what: 'the gateway to listen' }).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}\n${output.slice(-3000)}`);
  });
  const logs = () => output.split('\n').filter((line) => line.startsWith('{')).flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
  urls.set(child, url);
  const platform = createSigningClient({ baseUrl: url, clientId: 'platform', key: await devKey('platform'), tongbanKeys: () => jwks(url) });
  const themeCode = options.themeCode ?? 'MX-T33';
  await waitFor(async () => (await platform.request('GET', `/v1/themes/${themeCode}`)).status === 200, { timeoutMs, intervalMs: 50, what: `the gateway to serve theme ${themeCode}` });
  const dispatcherOwner = logs().find((line) => line['message'] === 'dispatcher started')?.['owner'] as string | undefined;
  return {
    url, child, dispatcherOwner, platform, logs,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Kills every gateway process still running (for `after`). */
export async function killAll(): Promise<void> {
  await Promise.all([...started].map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  })));
}

/** Gateway processes started here that are still alive (by asking the OS, not the handle). */
export function running(): number[] {
  return [...started].map((child) => child.pid!).filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
}
