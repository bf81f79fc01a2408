/**
 * `tongban sync …`: run a catalogue sync from the matter system now, and list
 * past runs. A run takes the same database lease as the gateway's scheduled
 * syncs, so it never overlaps one.
 */
import type { Command } from 'commander';
import { createMatterSystemAdapter } from '../../adapters/matter-system/index.js';
import { CatalogSyncer, listRuns, type CatalogSource, type SyncRun } from '../catalog/index.js';
import { openMigratedStore } from '../gateway.js';
import { createLogger } from '../log/index.js';
import { cliConfig, describeDatabase, loadCliConfig } from './cli-config.js';
import { cliActor, step } from './progress.js';
import { printTable } from './table.js';

function runRow(run: SyncRun): Record<string, unknown> {
  return {
    id: run.id, kind: run.kind, trigger: run.trigger, status: run.status, started: run.startedAt, finished: run.finishedAt ?? '',
    themes: `${run.themesChanged}/${run.themesReceived}`, matters: `${run.mattersChanged}/${run.mattersReceived}`,
    error: run.errorCode ? `${run.errorCode}: ${run.errorMessage ?? ''}`.slice(0, 100) : '',
  };
}

/** The matter system as a catalogue source that reports each fetch as a progress step. */
function withProgress(source: CatalogSource): CatalogSource {
  const fetch = async <T>(label: string, work: () => Promise<T[]>): Promise<T[]> => {
    const progress = step(label);
    const items = await work();
    progress.done(`${items.length} received`);
    return items;
  };
  return {
    listThemes: (options) => fetch('fetching themes from the matter system', () => source.listThemes(options)),
    listMatters: (options) => fetch('fetching matters from the matter system', () => source.listMatters(options)),
  };
}

export function registerSyncCommands(program: Command): void {
  const sync = program.command('sync').description('Catalogue sync from the provincial matter system (省事项系统)');

  sync.command('run')
    .description('Sync the catalogue now (incremental unless --full); needs TONGBAN_MATTER_SYSTEM_URL, _APP_KEY and _APP_SECRET. Exit 1 when the run fails')
    .option('--full', 'fetch everything, not only what changed since the last sync')
    .action(async (options: { full?: boolean }) => {
      const { config, sandbox } = loadCliConfig();
      process.stderr.write(`${describeDatabase(config, sandbox)}\n`);
      if (!config.matterSystemUrl) {
        throw new Error(`"sync run" needs the matter system: set TONGBAN_MATTER_SYSTEM_URL, TONGBAN_MATTER_SYSTEM_APP_KEY and TONGBAN_MATTER_SYSTEM_APP_SECRET${sandbox && !sandbox.running ? ' (or start the sandbox again: its matter system runs inside it)' : ''}`);
      }
      const adapter = createMatterSystemAdapter({
        baseUrl: config.matterSystemUrl, appKey: config.matterSystemAppKey!, appSecret: config.matterSystemAppSecret!, timeoutMs: config.matterSystemTimeoutMs,
      });
      const { store } = await openMigratedStore(config, createLogger({ level: 'silent' }));
      try {
        const kind = options.full ? 'full' : 'incremental';
        process.stderr.write(`Syncing the catalogue (${kind}) from ${new URL(config.matterSystemUrl).origin}\n`);
        const syncer = new CatalogSyncer(store, withProgress(adapter), { intervalMs: 0, logger: createLogger({ level: 'silent' }) });
        const started = Date.now();
        const run = await syncer.runNow(kind, cliActor());
        await syncer.stop();
        process.stderr.write(`✓ run #${run.id} recorded (${((Date.now() - started) / 1000).toFixed(1)} s in all)\n`);
        printTable([runRow(run)]);
        if (run.status === 'failed') {
          process.stdout.write(`Sync run #${run.id} FAILED: ${run.errorCode ?? ''} ${run.errorMessage ?? ''}\nThe stored catalogue is unchanged.\n`);
          process.exitCode = 1;
        } else if (run.kind !== kind) {
          process.stdout.write(`Ran a full sync: there was no earlier sync to continue from.\n`);
        }
      } finally {
        await store.close();
      }
    });

  sync.command('runs')
    .description('Recent sync runs, newest first')
    .option('--failed', 'only failed runs')
    .option('--limit <n>', 'at most n runs', '20')
    .action(async (options: { failed?: boolean; limit: string }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new Error(`--limit must be an integer from 1 to 500 (got "${options.limit}")`);
      const { store } = await openMigratedStore(cliConfig(), createLogger({ level: 'error' }));
      try {
        printTable((await listRuns(store, { limit, ...(options.failed ? { status: 'failed' as const } : {}) })).map(runRow));
      } finally {
        await store.close();
      }
    });
}
