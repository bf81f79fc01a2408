/** `tongban ops …`: ops dashboard users. */
import type { Command } from 'commander';
import { hashPassword } from '../ops/dashboard/password.js';

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new Error('give the password on stdin (e.g. `read -rs P && printf %s "$P" | tongban ops hash-password`) or with --password');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function registerOpsCommands(program: Command): void {
  const ops = program.command('ops').description('The ops dashboard (/ops): users and passwords (docs/ops.md)');
  ops.command('hash-password')
    .description('Print the scrypt hash of a password for TONGBAN_OPS_USERS (password read from stdin unless --password)')
    .option('--password <password>', 'the password (visible in the shell history: prefer stdin)')
    .option('--user <name>', 'also print the TONGBAN_OPS_USERS JSON for this user')
    .action(async (options: { password?: string; user?: string }) => {
      const password = options.password ?? await readPassword();
      const hash = await hashPassword(password);
      process.stdout.write(options.user ? `${JSON.stringify({ [options.user]: hash })}\n` : `${hash}\n`);
    });
}
