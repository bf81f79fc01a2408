import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDepartments } from '../../src/delivery/department-registry.js';
import type { PrivateJwk } from '../../src/trust/algorithms.js';
import { CERT_FILES, developmentClients, initDevelopmentMaterial } from '../../src/trust/dev-material.js';

let shared: Promise<string> | undefined;

/** A folder of development keys, made once per test process (RSA generation is slow). */
export function devCertsDir(): Promise<string> {
  shared ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tongban-certs-'));
    await initDevelopmentMaterial(dir, developmentClients(loadDepartments()));
    return dir;
  })();
  return shared;
}

/** Environment for a gateway using the shared development keys and clients. */
export async function devTrustEnv(): Promise<Record<string, string>> {
  const dir = await devCertsDir();
  return { TONGBAN_CERTS_DIR: dir, TONGBAN_CLIENTS_FILE: join(dir, CERT_FILES.clients) };
}

/** A development client's private key (`platform`, `ops`, `dept-gaj`, …). */
export async function devKey(clientId: string): Promise<PrivateJwk> {
  const dir = await devCertsDir();
  return JSON.parse(readFileSync(join(dir, `${clientId}.jwk.json`), 'utf8')) as PrivateJwk;
}
