import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { JWK } from 'jose';
import { openMigratedStore } from '../gateway.js';
import { createLogger } from '../log/index.js';
import type { Role } from '../domain/clients.js';
import { ClientRegistry, parseClientsFile } from '../trust/client-registry.js';
import { cliConfig } from './cli-config.js';
import { printTable } from './table.js';

async function withRegistry<T>(work: (registry: ClientRegistry) => Promise<T>): Promise<T> {
  const { store } = await openMigratedStore(cliConfig(), createLogger({ level: 'warn' }));
  try {
    return await work(new ClientRegistry(store));
  } finally {
    await store.close();
  }
}

function describeInvalid(error: unknown): Error {
  const fields = (error as { errors?: { pointer: string; message: string }[] }).errors;
  if (!fields) return error as Error;
  return new Error(`${(error as Error).message}\n${fields.map((field) => `  - ${field.pointer}: ${field.message}`).join('\n')}`);
}

/** `tongban clients …`: the client registry in the database. */
export function registerClientsCommands(program: Command): void {
  const clients = program.command('clients').description('Clients allowed to call Tongban (platforms, departments, ops, counter terminals) and their public keys');

  clients.command('list')
    .description('List clients with role, department (or a counter terminal\'s hall), algorithms, key ids and status')
    .action(() => withRegistry(async (registry) => {
      printTable((await registry.list()).map((client) => ({
        id: client.id, role: client.role, department: client.department ?? client.hall ?? '', status: client.status,
        algorithms: client.algorithms.join(','), keys: Object.keys(client.keys).join(','), name: client.name,
      })));
    }));

  clients.command('add')
    .description('Register a client (or add a key to it) from its public JWK file')
    .requiredOption('--id <id>', 'client id (the "iss" it signs with)')
    .requiredOption('--role <role>', 'platform | department | ops | counter')
    .option('--department <code>', 'department code (required for role department)')
    .option('--hall <code>', 'service hall code (required for role counter: a window terminal of 一窗受理)')
    .option('--name <name>', 'display name')
    .requiredOption('--jwk <file>', 'public JWK with kid and alg (a private JWK is refused)')
    .action((options: { id: string; role: string; department?: string; hall?: string; name?: string; jwk: string }) => withRegistry(async (registry) => {
      const jwk = JSON.parse(readFileSync(options.jwk, 'utf8')) as JWK;
      let declarations;
      try {
        declarations = parseClientsFile({ clients: [{
          id: options.id, role: options.role as Role, ...(options.department ? { department: options.department } : {}), ...(options.hall ? { hall: options.hall } : {}),
          ...(options.name ? { name: options.name } : {}), algorithms: [jwk.alg], keys: [jwk],
        }] }, 'client');
      } catch (error) {
        throw describeInvalid(error);
      }
      await registry.upsert(declarations);
      process.stdout.write(`Client ${options.id} registered with key ${String(jwk.kid)}.\n`);
    }));

  clients.command('load <file>')
    .description('Register every client of a clients file ({"clients":[…]}), e.g. certs/dev/clients.json')
    .action((file: string) => withRegistry(async (registry) => {
      let declarations;
      try {
        declarations = parseClientsFile(JSON.parse(readFileSync(file, 'utf8')), file);
      } catch (error) {
        throw describeInvalid(error);
      }
      await registry.upsert(declarations);
      process.stdout.write(`Loaded ${declarations.length} client(s) from ${file}.\n`);
    }));

  clients.command('revoke <id>')
    .description('Revoke a client: its requests are refused from now on')
    .option('--kid <kid>', 'revoke only this key of the client')
    .action((id: string, options: { kid?: string }) => withRegistry(async (registry) => {
      const done = options.kid ? await registry.revokeKey(id, options.kid) : await registry.revoke(id);
      if (!done) throw new Error(`no active ${options.kid ? `key ${options.kid} of ` : ''}client ${id}`);
      process.stdout.write(`Revoked ${options.kid ? `key ${options.kid} of ` : ''}client ${id}.\n`);
    }));
}
