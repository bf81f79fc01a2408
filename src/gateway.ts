/**
 * The composition root: the one place where configuration, store, trust,
 * adapters and routes are wired together. Nothing else imports concrete
 * implementations across rooms.
 */
import { createApp } from './api/app.js';
import { healthRoutes } from './api/routes/health.js';
import type { Route } from './api/routes/route.js';
import { listen, type RunningServer } from './api/server.js';
import type { Config } from './config/index.js';
import { createLogger, type Logger } from './log/index.js';
import { migrate, openStore, type Store } from './store/index.js';
import { createAccessGuard } from './api/middleware/authenticate.js';
import { signResponses } from './api/middleware/sign-responses.js';
import { jwksRoutes } from './api/routes/jwks.js';
import { ClientRegistry, parseClientsFile } from './trust/client-registry.js';
import { CERT_FILES } from './trust/dev-material.js';
import { Keyring } from './trust/keyring.js';
import { ReplayGuard } from './trust/replay-guard.js';
import { existsSync, readFileSync } from 'node:fs';
import { createMatterSystemAdapter } from '../adapters/matter-system/index.js';
import { catalogRoutes } from './api/routes/catalog.js';
import { CatalogStore, CatalogSyncer } from './catalog/index.js';
import type { MatterCatalog } from './spec/matter-catalog.js';
import { join } from 'node:path';

export interface Gateway {
  readonly url: string;
  readonly store: Store;
  readonly logger: Logger;
  readonly running: RunningServer;
  readonly keyring: Keyring;
  readonly clients: ClientRegistry;
  /** Present when a matter system is configured. */
  readonly catalogSyncer: CatalogSyncer | undefined;
  /** Graceful stop: drain requests (up to the configured grace), then close the database. */
  close(): Promise<void>;
}

export interface GatewayOptions {
  logger?: Logger;
  /** Replaces the matter-system adapter built from the configuration (tests). */
  matterCatalog?: MatterCatalog;
  /** Extra routes (tests, the sandbox). */
  extraRoutes?: readonly Route[];
}

/** Raised when the gateway cannot start; the message is meant for the operator. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** Opens the store, applies migrations, builds the app and listens. */
export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const { store } = await openMigratedStore(config, logger);
  const clients = new ClientRegistry(store);
  let keyring: Keyring;
  try {
    keyring = openKeyring(config);
    if (config.clientsFile) await loadClientsFile(clients, config.clientsFile, logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  const replayGuard = new ReplayGuard(store, config.clockSkewSeconds);
  const matterCatalog = options.matterCatalog ?? (config.matterSystemUrl ? createMatterSystemAdapter({
    baseUrl: config.matterSystemUrl, appKey: config.matterSystemAppKey!, appSecret: config.matterSystemAppSecret!, timeoutMs: config.matterSystemTimeoutMs,
  }) : undefined);
  const catalog = new CatalogStore(store);
  const catalogSyncer = matterCatalog ? new CatalogSyncer(store, matterCatalog, { intervalMs: config.catalogSyncIntervalMs, logger }) : undefined;
  if (!catalogSyncer) logger.warn('no matter system configured (TONGBAN_MATTER_SYSTEM_URL): serving the stored catalogue without syncing');

  let shuttingDown = false;
  const isShuttingDown = () => shuttingDown;
  const app = createApp({
    logger,
    bodyLimitBytes: config.bodyLimitBytes,
    isShuttingDown,
    guard: createAccessGuard({ registry: clients, replayGuard, skewSeconds: config.clockSkewSeconds }),
    answerSigner: signResponses(keyring, logger),
    routes: [
      ...healthRoutes({ store, isShuttingDown }),
      ...jwksRoutes(keyring),
      ...catalogRoutes({ store, catalog, ...(catalogSyncer ? { syncer: catalogSyncer } : {}) }),
      ...(options.extraRoutes ?? []),
    ],
  });
  const running = await listen(app, config.host, config.port);
  logger.info('gateway listening', { url: running.url, store: store.dialect });
  catalogSyncer?.start();

  let closing: Promise<void> | undefined;
  return {
    url: running.url,
    store,
    logger,
    running,
    keyring,
    clients,
    catalogSyncer,
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        await running.stop(config.shutdownGraceMs);
        await catalogSyncer?.stop();
        await store.close();
        logger.info('gateway stopped');
      })();
      return closing;
    },
  };
}

function openKeyring(config: Config): Keyring {
  const path = join(config.certsDir, CERT_FILES.keyring);
  if (!existsSync(path)) {
    throw new StartupError(`No signing keyring at ${path} (TONGBAN_CERTS_DIR=${config.certsDir}): run "tongban keys init" for development keys, or "tongban keys import" for production keys`);
  }
  try {
    return Keyring.open(path);
  } catch (error) {
    throw new StartupError(`Cannot use the signing keyring ${path}: ${(error as Error).message}`, { cause: error });
  }
}

async function loadClientsFile(registry: ClientRegistry, file: string, logger: Logger): Promise<void> {
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StartupError(`Cannot read TONGBAN_CLIENTS_FILE=${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const declarations = parseClientsFile(content, `TONGBAN_CLIENTS_FILE=${file}`);
    await registry.upsert(declarations);
    logger.info('clients loaded', { file, count: declarations.length });
  } catch (error) {
    const fields = (error as { errors?: { pointer: string; message: string }[] }).errors ?? [];
    throw new StartupError(`${(error as Error).message}${fields.map((field) => `\n  - ${field.pointer}: ${field.message}`).join('')}`, { cause: error });
  }
}

/**
 * Opens the configured store and applies pending migrations.
 * @throws StartupError naming `DATABASE_URL` (or the SQLite path) and the cause.
 */
export async function openMigratedStore(config: Config, logger: Logger): Promise<{ store: Store; applied: number[] }> {
  const store = openStore(config, (error) => logger.warn('database connection lost', { error: error.message }));
  try {
    const applied = await migrate(store);
    if (applied.length > 0) logger.info('migrations applied', { dialect: store.dialect, versions: applied });
    return { store, applied };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw new StartupError(describeStartupFailure(config, error), { cause: error });
  }
}

function describeStartupFailure(config: Config, error: unknown): string {
  const cause = (error as Error).message || String(error);
  const root = (error as { cause?: { message?: string } }).cause?.message;
  const reason = root && !cause.includes(root) ? `${cause} (${root})` : cause;
  if (config.databaseUrl) return `Cannot use the database at DATABASE_URL=${maskUrl(config.databaseUrl)}: ${reason}`;
  return `Cannot use the SQLite database at TONGBAN_SQLITE_PATH=${config.sqlitePath}: ${reason}`;
}

/** Hides the password of a connection URL. */
export function maskUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1****@');
}
