import { maskUrl, openMigratedStore } from '../gateway.js';
import { createLogger } from '../log/index.js';
import { appliedVersion } from '../store/index.js';
import { cliConfig } from './cli-config.js';

/** `tongban migrate`: applies pending migrations and prints the schema version. */
export async function migrateCommand(): Promise<void> {
  const config = cliConfig();
  const { store, applied } = await openMigratedStore(config, createLogger({ level: 'warn' }));
  try {
    const version = await appliedVersion(store);
    const where = config.databaseUrl ? maskUrl(config.databaseUrl) : config.sqlitePath;
    process.stdout.write(applied.length > 0
      ? `Applied migrations ${applied.join(', ')} to ${store.dialect} (${where}); schema at version ${version}\n`
      : `Nothing to apply: ${store.dialect} (${where}) is at version ${version}\n`);
  } finally {
    await store.close();
  }
}
