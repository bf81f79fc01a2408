/** `bin/tongban.js …` as a child process, the way a user runs it; never throws for a non-zero exit. */
import { spawn } from 'node:child_process';
import { BIN } from './sandbox-process.js';

/** What a finished command left: its exit code (null when killed) and what it printed. */
export interface CliOutcome { code: number | null; stdout: string; stderr: string }

/**
 * Runs `tongban <args>` in `cwd` with exactly `env` (build it with
 * `childEnv`), feeding `input` on stdin; killed after `timeoutMs`.
 */
export function runTongban(args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number }): Promise<CliOutcome> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 60_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
