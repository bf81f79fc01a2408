import { loadConfig } from '../config/index.js';
import { startGateway } from '../gateway.js';

/** `tongban serve`: the gateway alone; stops gracefully on SIGTERM/SIGINT. */
export async function serveCommand(): Promise<void> {
  const config = loadConfig();
  const gateway = await startGateway(config);
  process.stdout.write(`Tongban gateway listening on ${gateway.url} (store: ${gateway.store.dialect})\n`);
  const stop = (signal: string) => {
    gateway.logger.info('shutdown requested', { signal });
    gateway.close().then(() => process.exit(0), (error: unknown) => {
      process.stderr.write(`shutdown failed: ${(error as Error).message}\n`);
      process.exit(1);
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
