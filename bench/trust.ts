/**
 * Trust benchmark: sign and verify operations per second for each algorithm,
 * the latency the authentication middleware adds to a request, and what the
 * applicant's ID token adds on top (bound by the signature's idt, verified
 * against the identity platform simulator's key, its login's nonce looked
 * up). Reports; never asserts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIdentityPlatformSimulator } from '../adapters/identity-platform/index.js';
import { loadConfig } from '../src/config/index.js';
import { loadDepartments } from '../src/delivery/department-registry.js';
import { makeIdNumber } from '../src/domain/identifiers/index.js';
import { startGateway, type Gateway } from '../src/gateway.js';
import { createLogger } from '../src/log/index.js';
import { generateKeyPair, SIGNATURE_ALGORITHMS, type PrivateJwk } from '../src/trust/algorithms.js';
import { CERT_FILES, developmentClients, initDevelopmentMaterial } from '../src/trust/dev-material.js';
import { signRequest } from '../src/trust/sign-request.js';
import { createSigningClient } from '../src/trust/signing-client.js';
import { verifyRequest } from '../src/trust/verify-request.js';
import { readFileSync } from 'node:fs';
import { PUBLIC } from '../src/api/routes/route.js';
import { logIn } from './intake.js';

/** Runs `fn` repeatedly for about `ms` milliseconds; returns operations per second. */
async function rate(fn: () => Promise<unknown>, ms = 1000): Promise<number> {
  for (let i = 0; i < 20; i += 1) await fn();
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    await fn();
    count += 1;
  }
  return count / ((performance.now() - started) / 1000);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function benchTrust(): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const body = JSON.stringify({ themeCode: 'MX-T05', form: { 'applicant.name': '张三', 'applicant.idNumber': '11010519491231002X' } });
  for (const alg of SIGNATURE_ALGORITHMS) {
    const { privateJwk, publicJwk } = await generateKeyPair(alg);
    const client = { id: 'bench', algorithms: [alg], keys: { [publicJwk.kid]: publicJwk } };
    const headers = await signRequest({ method: 'POST', pathAndQuery: '/v1/applications', body, clientId: 'bench', key: privateJwk });
    const signs = await rate(() => signRequest({ method: 'POST', pathAndQuery: '/v1/applications', body, clientId: 'bench', key: privateJwk }));
    const verifies = await rate(() => verifyRequest({ method: 'POST', pathAndQuery: '/v1/applications', body: Buffer.from(body), headers },
      { resolveClient: async () => client, markJtiUsed: async () => true }));
    rows.push({ benchmark: 'trust', case: `sign request ${alg}`, 'ops/s': Math.round(signs) });
    rows.push({ benchmark: 'trust', case: `verify request ${alg}`, 'ops/s': Math.round(verifies) });
  }
  rows.push(...await middlewareLatency());
  return rows;
}

/**
 * Same request, public route vs signed route vs signed route verifying an ID
 * token, sequential, over loopback: the differences are what authentication
 * and the ID token add.
 */
async function middlewareLatency(): Promise<Record<string, unknown>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-bench-'));
  await initDevelopmentMaterial(dir, developmentClients(loadDepartments()));
  const identity = await startIdentityPlatformSimulator();
  const person = { idNumber: makeIdNumber({ areaCode: '441403', birthDate: '1990-06-01', sequence: 88 }), name: '潘建国' };
  identity.registerPerson(person);
  const config = loadConfig({
    PORT: '0', TONGBAN_CERTS_DIR: dir, TONGBAN_CLIENTS_FILE: join(dir, CERT_FILES.clients), TONGBAN_SQLITE_PATH: join(dir, 'db.sqlite'), TONGBAN_LOG_LEVEL: 'silent',
    TONGBAN_IDENTITY_ISSUER: identity.issuer,
  });
  let started: Gateway | undefined;
  const gateway = await startGateway(config, {
    logger: createLogger({ level: 'silent' }),
    extraRoutes: [
      { method: 'POST', path: '/v1/bench/public', access: PUBLIC, summary: 'bench', handler: (_req, res) => { res.json({ ok: true }); } },
      { method: 'POST', path: '/v1/bench/signed', access: { roles: ['platform'] }, summary: 'bench', handler: (_req, res) => { res.json({ ok: true }); } },
      {
        method: 'POST', path: '/v1/bench/identified', access: { roles: ['platform'] }, summary: 'bench',
        handler: async (req, res) => { await started!.identity.actorOf(req); res.json({ ok: true }); },
      },
    ],
  });
  started = gateway;
  const key = JSON.parse(readFileSync(join(dir, 'platform.jwk.json'), 'utf8')) as PrivateJwk;
  const idToken = await logIn(createSigningClient({ baseUrl: gateway.url, clientId: 'platform', key }), identity.issuer, person);
  const body = JSON.stringify({ hello: '世界' });
  const measure = async (path: string, sign: boolean, withIdToken = false) => {
    const samples: number[] = [];
    for (let i = 0; i < 400; i += 1) {
      const token = withIdToken ? { idToken } : {};
      const headers: Record<string, string> = {
        'content-type': 'application/json', ...(withIdToken ? { 'tongban-id-token': idToken } : {}),
        ...(sign ? await signRequest({ method: 'POST', pathAndQuery: path, body, clientId: 'platform', key, ...token }) : {}),
      };
      const sentAt = performance.now();
      const response = await fetch(gateway.url + path, { method: 'POST', headers, body });
      if (response.status !== 200) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
      if (i >= 50) samples.push(performance.now() - sentAt);
    }
    return samples.sort((a, b) => a - b);
  };
  const unsigned = await measure('/v1/bench/public', false);
  const signed = await measure('/v1/bench/signed', true);
  const identified = await measure('/v1/bench/identified', true, true);
  await gateway.close();
  await identity.close();
  rmSync(dir, { recursive: true, force: true });
  const row = (name: string, samples: number[]) => ({ benchmark: 'trust', case: name, 'p50 ms': percentile(samples, 50).toFixed(2), 'p99 ms': percentile(samples, 99).toFixed(2) });
  return [
    row('request, no authentication (answer signed)', unsigned),
    row('request, EdDSA-authenticated (answer signed)', signed),
    row('request, EdDSA-authenticated with an ID token verified (answer signed)', identified),
    { benchmark: 'trust', case: 'authentication adds (p50)', 'p50 ms': (percentile(signed, 50) - percentile(unsigned, 50)).toFixed(2) },
    { benchmark: 'trust', case: 'the ID token adds (p50)', 'p50 ms': (percentile(identified, 50) - percentile(signed, 50)).toFixed(2) },
  ];
}
