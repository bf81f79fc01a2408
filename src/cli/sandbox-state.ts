/**
 * The sandbox's record of itself, `data/sandbox.json` in the folder it was
 * started from: where its database and keys are, its gateway's URL, its
 * matter system, and its pid. CLI commands run in the same folder read it,
 * so that after `npm start` and `npx tongban demo`, `npx tongban deliveries
 * list` shows the sandbox's deliveries with no flag (see cli-config.ts).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where the sandbox writes its record, relative to the folder it runs in. */
export const SANDBOX_STATE_FILE = join('data', 'sandbox.json');

/** What `data/sandbox.json` holds. Paths are absolute. */
export interface SandboxState {
  /** The gateway's SQLite file. */
  databasePath: string;
  /** The gateway's base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Tongban's keyring and the development client keys. */
  certsDir: string;
  /** The matter-system simulator's base URL (reachable while the sandbox runs). */
  matterSystemUrl: string;
  pid: number;
  startedAt: string;
  /** Set when the sandbox stopped gracefully. */
  stoppedAt?: string;
}

/** A sandbox record as read back, with whether that sandbox still runs. */
export interface RecordedSandbox {
  state: SandboxState;
  /** The state file, as given (relative to the working folder unless absolute). */
  file: string;
  running: boolean;
}

/** Writes the record (atomically: a reader never sees half a file). */
export function writeSandboxState(state: SandboxState, file: string = SANDBOX_STATE_FILE): void {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  const partial = `${resolve(file)}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(partial, resolve(file));
}

/**
 * Marks the record stopped, if it is still this process's (another sandbox
 * started in the same folder since then keeps its own). The record stays:
 * the database it names still holds the sandbox's data.
 */
export function markSandboxStopped(file: string = SANDBOX_STATE_FILE, pid: number = process.pid): void {
  const recorded = readSandboxState(file);
  if (!recorded || recorded.state.pid !== pid) return;
  writeSandboxState({ ...recorded.state, stoppedAt: new Date().toISOString() }, file);
}

/** The record in `file`, or undefined when there is none (or it is not a sandbox record). */
export function readSandboxState(file: string = SANDBOX_STATE_FILE): RecordedSandbox | undefined {
  if (!existsSync(file)) return undefined;
  let state: SandboxState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as SandboxState;
  } catch {
    return undefined;
  }
  if (typeof state !== 'object' || state === null || typeof state.databasePath !== 'string' || typeof state.url !== 'string'
    || typeof state.certsDir !== 'string' || typeof state.pid !== 'number') return undefined;
  return { state, file, running: state.stoppedAt === undefined && isAlive(state.pid) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}
