import { readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadDepartments } from '../delivery/department-registry.js';
import { isSignatureAlgorithm, type PrivateJwk, type SignatureAlgorithm } from '../trust/algorithms.js';
import { readPkcs12 } from '../trust/dev-ca.js';
import { CERT_FILES, developmentClients, initDevelopmentMaterial } from '../trust/dev-material.js';
import { importIntoKeyring, Keyring, retireKey, rotateKeyring } from '../trust/keyring.js';
import { cliConfig } from './cli-config.js';
import { printTable } from './table.js';

function keyringPath(): string {
  return join(cliConfig('keys').certsDir, CERT_FILES.keyring);
}

function algorithm(value: string): SignatureAlgorithm {
  if (!isSignatureAlgorithm(value)) throw new Error(`--alg must be one of EdDSA, ES256, RS256, SM2 (got "${value}")`);
  return value;
}

/** `tongban keys …`: development material, rotation, retirement, production import. */
export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description("Tongban's signing keys and the development certificates");

  keys.command('init')
    .description('Create what is missing of the development CA, Tongban keyring and document certificate, and one key per development client (platform, ops, each department) under TONGBAN_CERTS_DIR (default certs/dev)')
    .action(async () => {
      const config = cliConfig('keys');
      const summary = await initDevelopmentMaterial(config.certsDir, developmentClients(loadDepartments()));
      process.stdout.write(`Development keys in ${summary.dir}: created ${summary.created.length} file(s), kept ${summary.kept.length}.\n`);
      for (const file of summary.created) process.stdout.write(`  + ${file}\n`);
    });

  keys.command('list')
    .description('List keyring entries (kid, algorithm, status); private material is never printed')
    .action(() => {
      const keyring = Keyring.open(keyringPath(), 0);
      printTable(keyring.entries().map((entry) => ({ kid: entry.kid, alg: entry.alg, status: entry.status, created: entry.createdAt, retired: entry.retiredAt ?? '' })));
    });

  keys.command('rotate')
    .description('Make a new key active; the old one stays published and verifying (status "previous") until retired. Running gateways switch within seconds, without restart')
    .option('--alg <alg>', 'algorithm of the new key (default: same as the current one)')
    .action(async (options: { alg?: string }) => {
      const entry = await rotateKeyring(keyringPath(), options.alg ? algorithm(options.alg) : undefined);
      process.stdout.write(`Signing with new key ${entry.kid} (${entry.alg}). Retire the previous key once clients have refreshed the JWKS: tongban keys retire <kid>\n`);
    });

  keys.command('retire <kid>')
    .description('Retire a previous key: it leaves /.well-known/jwks.json')
    .action((kid: string) => {
      const entry = retireKey(keyringPath(), kid);
      process.stdout.write(`Retired ${entry.kid}.\n`);
    });

  keys.command('import')
    .description('Import a production signing key as the active key: --pem <file> (PKCS#8/SEC1, optionally encrypted) or --p12 <file>; the passphrase is read from the environment variable named by --passphrase-env')
    .option('--pem <file>', 'PEM private key')
    .option('--p12 <file>', 'PKCS#12 file (RSA key)')
    .option('--passphrase-env <variable>', 'environment variable holding the passphrase', 'TONGBAN_KEY_PASSPHRASE')
    .requiredOption('--alg <alg>', 'signature algorithm of the key (EdDSA, ES256, RS256)')
    .option('--kid <kid>', 'key id (default: imported-<time>)')
    .action((options: { pem?: string; p12?: string; passphraseEnv: string; alg: string; kid?: string }) => {
      const alg = algorithm(options.alg);
      const passphrase = process.env[options.passphraseEnv];
      let pem: string;
      if (options.pem) pem = readFileSync(options.pem, 'utf8');
      else if (options.p12) pem = readPkcs12(readFileSync(options.p12), passphrase ?? '').privateKeyPem;
      else throw new Error('give --pem <file> or --p12 <file>');
      const jwk = createPrivateKey({ key: pem, format: 'pem', ...(passphrase ? { passphrase } : {}) }).export({ format: 'jwk' });
      const entry = importIntoKeyring(keyringPath(), { ...jwk, ...(options.kid ? { kid: options.kid } : {}), alg } as PrivateJwk, alg);
      process.stdout.write(`Imported ${entry.kid} (${entry.alg}) as the active signing key.\n`);
    });
}
