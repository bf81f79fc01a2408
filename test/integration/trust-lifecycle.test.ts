import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Route } from '../../src/api/routes/route.js';
import { TongbanError } from '../../src/errors/index.js';
import type { Gateway } from '../../src/gateway.js';
import { generateKeyPair } from '../../src/trust/algorithms.js';
import { parseClientsFile } from '../../src/trust/client-registry.js';
import { CERT_FILES } from '../../src/trust/dev-material.js';
import { Keyring, retireKey, rotateKeyring } from '../../src/trust/keyring.js';
import { ReplayGuard } from '../../src/trust/replay-guard.js';
import { signRequest } from '../../src/trust/sign-request.js';
import { createSigningClient, jwks } from '../../src/trust/signing-client.js';
import { devCertsDir, devKey } from '../helpers/dev-keys.js';
import { startTestGateway } from '../helpers/gateway.js';
import { allPassed, storeFixtures } from '../helpers/stores.js';
import { waitFor } from '../helpers/wait.js';

const probe: Route = { method: 'GET', path: '/v1/test/none', access: { roles: ['platform'] }, summary: 'probe', handler: (_req, res) => { res.json({}); } };

async function whoami(gateway: Gateway, headers: Record<string, string>): Promise<{ status: number; code?: string }> {
  const response = await fetch(`${gateway.url}/v1/test/none`, { headers });
  const body = await response.json() as { code?: string };
  return { status: response.status, ...(body.code ? { code: body.code } : {}) };
}

describe('replay guard across restarts and replicas', () => {
  for (const fixture of storeFixtures()) {
    it(`${fixture.name}: a jti used on one gateway is refused by another gateway (or after a restart) on the same database`, async function () {
      const store = await fixture.open();
      await store.close();
      const env = fixture.gatewayEnv();
      const headers = await signRequest({ method: 'GET', pathAndQuery: '/v1/test/none', clientId: 'platform', key: await devKey('platform') });
      const a = (await startTestGateway(env, { extraRoutes: [probe] })).gateway;
      expect(await whoami(a, headers)).to.deep.equal({ status: 200 });
      if (fixture.name === 'postgres') {
        const b = (await startTestGateway(env, { extraRoutes: [probe] })).gateway;
        expect(await whoami(b, headers), 'other replica').to.deep.equal({ status: 401, code: 'REPLAY_DETECTED' });
        await b.close();
      }
      await a.close();
      const restarted = (await startTestGateway(env, { extraRoutes: [probe] })).gateway;
      expect(await whoami(restarted, headers), 'after restart').to.deep.equal({ status: 401, code: 'REPLAY_DETECTED' });
      await restarted.close();
      await fixture.cleanup(allPassed(this.test!.parent!));
    });
  }

  it('purges expired entries only', async () => {
    const [fixture] = storeFixtures();
    const store = await fixture!.open();
    const guard = new ReplayGuard(store, 0);
    const now = Math.floor(Date.now() / 1000);
    expect(await guard.markUsed('c', 'old', now - 10)).to.equal(true);
    expect(await guard.markUsed('c', 'fresh', now + 100)).to.equal(true);
    expect(await guard.markUsed('c', 'fresh', now + 100)).to.equal(false);
    expect(await guard.purge()).to.equal(1);
    expect(await guard.markUsed('c', 'fresh', now + 100)).to.equal(false);
    await store.close();
    await fixture!.cleanup(true);
  });

  for (const fixture of storeFixtures()) {
    it(`purges a backlog a chunk per statement, oldest first, on ${fixture.name}`, async () => {
      const store = await fixture.open();
      const guard = new ReplayGuard(store, 0, 60_000, 3);
      const now = Math.floor(Date.now() / 1000);
      for (let index = 0; index < 10; index += 1) expect(await guard.markUsed('c', `old-${index}`, now - 100 + index)).to.equal(true);
      expect(await guard.markUsed('c', 'fresh', now + 100)).to.equal(true);
      expect(await guard.purge((now - 95) * 1000), 'only those expired before the instant').to.equal(5);
      expect(await guard.purge(), 'the rest, in chunks of 3').to.equal(5);
      // What is left is held still, what was purged is not (on SQLite they are in the store's jti journal, not used_jtis).
      expect(await guard.markUsed('c', 'fresh', now + 100)).to.equal(false);
      for (let index = 0; index < 10; index += 1) expect(await guard.markUsed('c', `old-${index}`, now + 100), `old-${index}`).to.equal(true);
      await store.close();
      await fixture.cleanup(true);
    });
  }
});

describe('key rotation without downtime', () => {
  let gateway: Gateway;
  let certs: string;

  before(async () => {
    certs = mkdtempSync(join(tmpdir(), 'tongban-rotate-'));
    cpSync(await devCertsDir(), certs, { recursive: true });
    ({ gateway } = await startTestGateway({ TONGBAN_CERTS_DIR: certs, TONGBAN_CLIENTS_FILE: join(certs, CERT_FILES.clients), TONGBAN_SQLITE_PATH: join(certs, 'db.sqlite') },
      { extraRoutes: [{ method: 'GET', path: '/v1/test/ping', access: { roles: ['platform'] }, summary: 't', handler: (_q, r) => { r.json({ pong: true }); } }] }));
  });

  after(async () => {
    await gateway.close();
  });

  it('switches signing to the new key while the old key stays published, until retired', async () => {
    const keyringPath = join(certs, CERT_FILES.keyring);
    const oldKid = Keyring.open(keyringPath).signingKey().kid;
    const client = createSigningClient({ baseUrl: gateway.url, clientId: 'platform', key: await devKey('platform'), tongbanKeys: () => jwks(gateway.url) });
    expect((await client.request('GET', '/v1/test/ping')).verified).to.equal(true);

    const rotated = await rotateKeyring(keyringPath);
    const published = await waitFor(async () => {
      const keys = await jwks(gateway.url);
      return keys.some((key) => key.kid === rotated.kid) ? keys : undefined;
    }, { what: 'the new key in the JWKS' });
    expect(published.map((key) => key.kid)).to.deep.equal([rotated.kid, oldKid]);
    expect(published.every((key) => !('d' in key)), 'no private members published').to.equal(true);

    // The same client (holding the old JWKS) keeps verifying: it re-fetches on an unknown kid.
    const answer = await client.request('GET', '/v1/test/ping');
    expect(answer.verified).to.equal(true);
    expect(JSON.parse(Buffer.from(answer.headers['tongban-signature']!.split('.')[0]!, 'base64url').toString()).kid).to.equal(rotated.kid);

    retireKey(keyringPath, oldKid);
    await waitFor(async () => !(await jwks(gateway.url)).some((key) => key.kid === oldKid), { what: 'the old key to leave the JWKS' });
  });

  it('refuses to retire the active key', async () => {
    const keyringPath = join(certs, CERT_FILES.keyring);
    const active = Keyring.open(keyringPath).signingKey().kid;
    expect(() => retireKey(keyringPath, active)).to.throw(/active/);
  });
});

describe('clients file validation', () => {
  it('names each field at fault with its JSON Pointer', async () => {
    const { privateJwk, publicJwk } = await generateKeyPair('EdDSA');
    let caught: unknown;
    try {
      parseClientsFile({ clients: [
        { id: 'dept-x', role: 'department', algorithms: ['EdDSA'], keys: [publicJwk] },
        { id: 'p', role: 'platform', algorithms: ['ES256'], keys: [privateJwk] },
      ] });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(TongbanError);
    const pointers = (caught as TongbanError).errors!.map((error) => error.pointer);
    expect(pointers).to.include('/clients/0');
    expect(pointers).to.include('/clients/1/id');
  });

  it('refuses private keys and algorithm mismatches', async () => {
    const { privateJwk } = await generateKeyPair('EdDSA');
    let caught: TongbanError | undefined;
    try {
      parseClientsFile({ clients: [{ id: 'platform-a', role: 'platform', algorithms: ['ES256'], keys: [privateJwk] }] });
    } catch (error) {
      caught = error as TongbanError;
    }
    expect(caught?.errors?.map((error) => error.message)).to.deep.equal([
      'holds a private key member "d"; register public keys only',
      '"EdDSA" is not among the client\'s algorithms',
    ]);
  });
});

describe('tongban clients CLI', () => {
  it('adds, lists and revokes a client', async function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'tongban-cli-'));
    const { publicJwk } = await generateKeyPair('SM2');
    writeFileSync(join(dir, 'pub.json'), JSON.stringify(publicJwk));
    const env = { PATH: process.env['PATH'], TONGBAN_SQLITE_PATH: join(dir, 'db.sqlite'), TONGBAN_CERTS_DIR: dir };
    const run = (...args: string[]) => spawnSync(process.execPath, ['bin/tongban.js', 'clients', ...args], { env, encoding: 'utf8' });
    const added = run('add', '--id', 'dept-test', '--role', 'department', '--department', 'gaj', '--jwk', join(dir, 'pub.json'));
    expect(added.status, added.stderr).to.equal(0);
    const listed = run('list');
    expect(listed.stdout).to.match(/dept-test\s+department\s+gaj\s+active\s+SM2/);
    expect(run('revoke', 'dept-test').status).to.equal(0);
    expect(run('list').stdout).to.match(/dept-test\s+department\s+gaj\s+revoked/);
    const bad = run('add', '--id', 'x', '--role', 'department', '--jwk', join(dir, 'pub.json'));
    expect(bad.status).to.equal(1);
    expect(bad.stderr).to.contain('department');
  });
});
