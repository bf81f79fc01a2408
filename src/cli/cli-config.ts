/**
 * The configuration the CLI's database and key commands read. As the
 * gateway's (`loadConfig()`), with one rule for newcomers: when neither
 * DATABASE_URL nor TONGBAN_SQLITE_PATH is set (in the environment or the
 * TONGBAN_CONFIG file) and a sandbox recorded itself in `data/sandbox.json`
 * of this folder, the command reads the sandbox's database — so `npm start`,
 * `npx tongban demo`, then `npx tongban deliveries list` shows the demo's
 * deliveries. Its keys folder and, while it runs, its matter system come
 * with it, unless TONGBAN_CERTS_DIR or TONGBAN_MATTER_SYSTEM_URL is set.
 * Each command says on stderr which database it reads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { DEFAULT_MATTER_SYSTEM_CREDENTIALS } from '../../adapters/matter-system/simulator/start-matter-system-simulator.js';
import { CONFIG_FILE_ENV, loadConfig, type Config } from '../config/index.js';
import { maskUrl } from '../gateway.js';
import { readSandboxState, SANDBOX_STATE_FILE, type RecordedSandbox } from './sandbox-state.js';

/** The CLI's configuration, and the sandbox it follows (when it does). */
export interface CliConfig {
  config: Config;
  /** Set when the database (and what comes with it) is the recorded sandbox's. */
  sandbox?: RecordedSandbox;
}

/** Loads the CLI's configuration (see the file comment); pure apart from reading files. */
export function loadCliConfig(env: NodeJS.ProcessEnv = process.env, stateFile: string = SANDBOX_STATE_FILE): CliConfig {
  const config = loadConfig(env); // validates the environment as it is, whatever follows
  if (configured(env, 'DATABASE_URL', 'databaseUrl') || configured(env, 'TONGBAN_SQLITE_PATH', 'sqlitePath')) return { config };
  const sandbox = readSandboxState(stateFile);
  if (!sandbox || !existsSync(sandbox.state.databasePath)) return { config };
  const overrides: Record<string, string> = { TONGBAN_SQLITE_PATH: sandbox.state.databasePath };
  if (!configured(env, 'TONGBAN_CERTS_DIR', 'certsDir')) overrides['TONGBAN_CERTS_DIR'] = sandbox.state.certsDir;
  if (sandbox.running && sandbox.state.matterSystemUrl && !configured(env, 'TONGBAN_MATTER_SYSTEM_URL', 'matterSystemUrl')) {
    overrides['TONGBAN_MATTER_SYSTEM_URL'] = sandbox.state.matterSystemUrl;
    overrides['TONGBAN_MATTER_SYSTEM_APP_KEY'] = DEFAULT_MATTER_SYSTEM_CREDENTIALS.appKey;
    overrides['TONGBAN_MATTER_SYSTEM_APP_SECRET'] = DEFAULT_MATTER_SYSTEM_CREDENTIALS.appSecret;
  }
  return { config: loadConfig({ ...env, ...overrides }), sandbox };
}

/**
 * {@link loadCliConfig}, saying on stderr which database the command reads
 * (or, for `keys`, which keys folder), so a command never reads another
 * database than the one its user thinks of without telling.
 */
export function cliConfig(reads: 'database' | 'keys' = 'database'): Config {
  const { config, sandbox } = loadCliConfig();
  process.stderr.write(`${reads === 'keys' ? describeKeys(config, sandbox) : describeDatabase(config, sandbox)}\n`);
  return config;
}

/** "Database: …" — which database, and why that one. */
export function describeDatabase(config: Config, sandbox?: RecordedSandbox): string {
  if (config.databaseUrl) return `Database: PostgreSQL ${maskUrl(config.databaseUrl)} (DATABASE_URL)`;
  if (!sandbox) return `Database: SQLite ${shown(config.sqlitePath)}`;
  return `Database: the sandbox's, SQLite ${shown(config.sqlitePath)} (recorded in ${shown(sandbox.file)}; ${whether(sandbox)}). `
    + 'Set TONGBAN_SQLITE_PATH or DATABASE_URL to read another.';
}

function describeKeys(config: Config, sandbox?: RecordedSandbox): string {
  if (!sandbox || config.certsDir !== sandbox.state.certsDir) return `Keys: ${shown(config.certsDir)}`;
  return `Keys: the sandbox's, ${shown(config.certsDir)} (recorded in ${shown(sandbox.file)}; ${whether(sandbox)}). Set TONGBAN_CERTS_DIR to use another.`;
}

/** The running sandbox's gateway URL, when one is recorded in this folder and alive. */
export function runningSandboxUrl(stateFile: string = SANDBOX_STATE_FILE): string | undefined {
  const sandbox = readSandboxState(stateFile);
  return sandbox?.running ? sandbox.state.url : undefined;
}

const whether = (sandbox: RecordedSandbox) => (sandbox.running ? `sandbox running at ${sandbox.state.url}` : 'sandbox stopped');

/** A path relative to the working folder when it lies under it. */
function shown(path: string): string {
  if (!isAbsolute(path)) return path;
  const inside = relative(process.cwd(), path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

/** Whether the setting is given in the environment or in the TONGBAN_CONFIG file. */
function configured(env: NodeJS.ProcessEnv, variable: string, key: string): boolean {
  if (env[variable] !== undefined && env[variable] !== '') return true;
  const file = env[CONFIG_FILE_ENV];
  if (!file) return false;
  try {
    const values = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    return values[key] !== undefined && values[key] !== '';
  } catch {
    return false; // loadConfig has said what is wrong with it
  }
}
