import type { Command } from 'commander';
import { maskUrl, openMigratedStore } from '../gateway.js';
import { LicenceUseLedger } from '../licences/index.js';
import { createLogger } from '../log/index.js';
import { cliConfig } from './cli-config.js';
import { printTable } from './table.js';

/** Entries between two progress lines on stderr. */
const PROGRESS_EVERY = 50_000;

/** `tongban ledger …`: the licence-use ledger. */
export function registerLedgerCommands(program: Command): void {
  const ledger = program.command('ledger').description('The licence-use ledger (append-only, hash-chained; see docs/licences.md)');

  ledger.command('verify')
    .description('Recompute the hash chain of every entry; exit 1 with a table of problems when an entry was edited, deleted or re-ordered')
    .option('--quiet', 'no progress lines on stderr')
    .action(async (options: { quiet?: boolean }) => {
      const config = cliConfig();
      const { store } = await openMigratedStore(config, createLogger({ level: 'warn' }));
      try {
        const where = config.databaseUrl ? maskUrl(config.databaseUrl) : config.sqlitePath;
        let reported = 0;
        const started = Date.now();
        const result = await new LicenceUseLedger(store).verify({
          onProgress: (checked, total) => {
            if (options.quiet || checked - reported < PROGRESS_EVERY) return;
            reported = checked;
            process.stderr.write(`  checked ${checked} of ${total} entries (${Math.round((checked / Math.max(total, 1)) * 100)} %)\n`);
          },
        });
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        if (result.ok) {
          process.stdout.write(`Ledger intact: ${result.entries} entries in ${store.dialect} (${where}) checked in ${seconds} s; head seq ${result.head.seq}, hash ${result.head.hash}\n`);
          return;
        }
        process.stdout.write(`Ledger NOT intact: ${result.problems.length} problem(s) in ${result.entries} entries in ${store.dialect} (${where}):\n`);
        printTable(result.problems.map((problem) => ({ seq: problem.seq, problem: problem.problem, detail: problem.detail })));
        process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
}
