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

export interface Gateway {
  readonly url: string;
  readonly store: Store;
  readonly logger: Logger;
  readonly running: RunningServer;
  /** Graceful stop: drain requests (up to the configured grace), then close the database. */
  close(): Promise<void>;
}

export interface GatewayOptions {
  logger?: Logger;
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

  let shuttingDown = false;
  const isShuttingDown = () => shuttingDown;
  const app = createApp({
    logger,
    bodyLimitBytes: config.bodyLimitBytes,
    isShuttingDown,
    routes: [...healthRoutes({ store, isShuttingDown }), ...(options.extraRoutes ?? [])],
  });
  const running = await listen(app, config.host, config.port);
  logger.info('gateway listening', { url: running.url, store: store.dialect });

  let closing: Promise<void> | undefined;
  return {
    url: running.url,
    store,
    logger,
    running,
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        await running.stop(config.shutdownGraceMs);
        await store.close();
        logger.info('gateway stopped');
      })();
      return closing;
    },
  };
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
