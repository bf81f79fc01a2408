import { Command } from 'commander';
import { ConfigError } from '../config/index.js';
import { StartupError } from '../gateway.js';
import { registerCallCommand } from './call.js';
import { registerClientsCommands } from './clients.js';
import { registerDeliveriesCommands } from './deliveries.js';
import { registerDemoCommand } from './demo.js';
import { registerKeysCommands } from './keys.js';
import { registerLedgerCommands } from './ledger.js';
import { registerMappingsCommands } from './mappings.js';
import { migrateCommand } from './migrate.js';
import { registerOpsCommands } from './ops.js';
import { registerSandboxCommand } from './sandbox.js';
import { serveCommand } from './serve.js';
import { registerSyncCommands } from './sync.js';
import { registerWebhooksCommands } from './webhooks.js';

const program = new Command('tongban')
  .description('Tongban (通办): integration gateway for 一件事一次办 government services')
  .showHelpAfterError();

program.command('serve')
  .description('Run the gateway against the configured database and upstream systems (settings from the environment; see README)')
  .action(serveCommand);

program.command('migrate')
  .description('Apply pending database migrations (SQLite by default, PostgreSQL when DATABASE_URL is set) and exit')
  .action(migrateCommand);

registerKeysCommands(program);
registerClientsCommands(program);
registerMappingsCommands(program);
registerSandboxCommand(program);
registerDemoCommand(program);
registerCallCommand(program);
registerLedgerCommands(program);
registerDeliveriesCommands(program);
registerWebhooksCommands(program);
registerSyncCommands(program);
registerOpsCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof StartupError) {
    process.stderr.write(`tongban: ${error.message}\n`);
  } else if (error instanceof Error && !(error instanceof TypeError || error instanceof ReferenceError)) {
    process.stderr.write(`tongban: ${error.message}\n`);
  } else {
    process.stderr.write(`tongban: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
}
