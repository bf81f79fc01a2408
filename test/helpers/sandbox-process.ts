/**
 * `tongban sandbox` as a child process (`bin/tongban.js sandbox --port 0`),
 * in a folder of the test's own with its own SQLite file and development
 * keys, so the project's data/ and certs/dev are left alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.js';

export const BIN = fileURLToPath(new URL('../../bin/tongban.js', import.meta.url));

/** This process's environment without Tongban's settings (an unknown TONGBAN_* variable stops the gateway), plus `extra`. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('TONGBAN_') && name !== 'DATABASE_URL' && name !== 'PORT') env[name] = value;
  return { ...env, ...extra };
}

/** SIGTERM, then SIGKILL when the process has not exited within `graceMs`. */
export async function stop(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), graceMs); })]);
  clearTimeout(timer);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** A running sandbox: its process, the gateway's URL, and everything it printed so far. */
export interface SandboxProcess {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
}

/**
 * Starts the sandbox in `dir` (keys under `dir/certs`, database `dir/sandbox.db`)
 * on a free port and waits until its gateway is ready.
 */
export async function startSandbox(dir: string, options: { eventDelayMs?: number; timeoutMs?: number } = {}): Promise<SandboxProcess & { env: NodeJS.ProcessEnv }> {
  const env = childEnv({ TONGBAN_CERTS_DIR: join(dir, 'certs'), TONGBAN_SQLITE_PATH: join(dir, 'sandbox.db') });
  // --port 0: the sandbox picks a free port and prints the gateway's URL (the department simulators must get it too).
  const child = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--event-delay', String(options.eventDelayMs ?? 200)], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  let url = '';
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`the sandbox exited (${child.exitCode}) while starting:\n${output.slice(-3000)}`);
      const printed = /^Tongban gateway\s+(http:\/\/127\.0\.0\.1:\d+)/m.exec(output);
      if (!printed) return false;
      url = printed[1]!;
      const answer = await fetch(`${url}/readyz`).catch(() => undefined);
      return answer?.status === 200;
    }, { timeoutMs: options.timeoutMs ?? 50_000, intervalMs: 250, what: 'the sandbox to be ready (/readyz)' });
  } catch (error) {
    await stop(child, 5_000);
    throw error;
  }
  return { child, url, env, output: () => output };
}
