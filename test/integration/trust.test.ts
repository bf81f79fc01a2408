import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Route } from '../../src/api/routes/route.js';
import type { Gateway } from '../../src/gateway.js';
import { generateKeyPair, type PrivateJwk } from '../../src/trust/algorithms.js';
import { contentDigest } from '../../src/trust/content-digest.js';
import { signCompact } from '../../src/trust/jws.js';
import { signRequest } from '../../src/trust/sign-request.js';
import { createSigningClient, jwks } from '../../src/trust/signing-client.js';
import { verifyResponse } from '../../src/trust/verify-response.js';
import { devKey } from '../helpers/dev-keys.js';
import { startTestGateway } from '../helpers/gateway.js';

let alongsideRuns = 0;

const routes: Route[] = [
  { method: 'GET', path: '/v1/test/whoami', access: { roles: ['platform', 'department', 'ops'] }, summary: 'who am I',
    handler: (req, res) => { res.json({ client: req.client }); } },
  { method: 'POST', path: '/v1/test/platform-only', access: { roles: ['platform'] }, summary: 'platform only',
    handler: (req, res) => { res.status(201).json({ echo: req.body }); } },
  { method: 'GET', path: '/v1/test/alongside', access: { roles: ['platform', 'ops'], replayCheck: 'alongside' }, summary: 'a read run alongside its jti record',
    handler: (req, res) => {
      alongsideRuns += 1;
      res.set('X-Handler', 'ran').json({ client: req.client, secret: 'what the handler read' });
    } },
  { method: 'GET', path: '/v1/departments/:dept/test-inbox', access: { roles: ['department', 'ops'], departmentParam: 'dept' }, summary: 'department scoped',
    handler: (req, res) => { res.json({ department: req.params['dept'] }); } },
];

describe('Tongban signature v1 over a real socket', () => {
  let gateway: Gateway;
  let platformKey: PrivateJwk;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tongban-trust-'));
    ({ gateway } = await startTestGateway({ TONGBAN_SQLITE_PATH: join(dir, 'db.sqlite') }, { extraRoutes: routes }));
    platformKey = await devKey('platform');
  });

  after(async () => {
    await gateway.close();
  });

  /** Sends a request with explicit headers (for the rejection cases). */
  async function send(method: string, path: string, headers: Record<string, string>, body?: string) {
    const response = await fetch(gateway.url + path, { method, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers }, ...(body ? { body } : {}) });
    const raw = Buffer.from(await response.arrayBuffer());
    return { status: response.status, headers: Object.fromEntries(response.headers), raw, json: raw.length ? JSON.parse(raw.toString()) as Record<string, unknown> : undefined };
  }

  async function signed(options: { method?: string; path?: string; body?: string; clientId?: string; key?: PrivateJwk; nowSeconds?: number; jti?: string; signedPath?: string; signedMethod?: string }) {
    const method = options.method ?? 'GET';
    const path = options.path ?? '/v1/test/whoami';
    return signRequest({
      method: options.signedMethod ?? method, pathAndQuery: options.signedPath ?? path, body: options.body ?? '',
      clientId: options.clientId ?? 'platform', key: options.key ?? platformKey,
      ...(options.nowSeconds ? { nowSeconds: options.nowSeconds } : {}), ...(options.jti ? { jti: options.jti } : {}),
    });
  }

  describe('a signed round trip for every algorithm, answer verified against the JWKS', () => {
    const cases: [string, string][] = [['platform', 'EdDSA'], ['ops', 'ES256'], ['dept-mzrsj', 'RS256'], ['dept-gaj', 'SM2']];
    for (const [clientId, alg] of cases) {
      it(`${alg} (${clientId})`, async () => {
        const key = await devKey(clientId);
        expect(key.alg).to.equal(alg);
        const client = createSigningClient({ baseUrl: gateway.url, clientId, key, tongbanKeys: () => jwks(gateway.url) });
        const answer = await client.request('GET', '/v1/test/whoami?x=1');
        expect(answer.status).to.equal(200);
        expect(answer.verified).to.equal(true);
        expect((answer.body as { client: { id: string } }).client.id).to.equal(clientId);
      });
    }
  });

  it('a POST body round trip; the answer binds the request jti and the body digest', async () => {
    const client = createSigningClient({ baseUrl: gateway.url, clientId: 'platform', key: platformKey, tongbanKeys: () => jwks(gateway.url) });
    const answer = await client.request('POST', '/v1/test/platform-only', { body: { 姓名: '张三', n: 1 } });
    expect(answer.status).to.equal(201);
    expect(answer.body).to.deep.equal({ echo: { 姓名: '张三', n: 1 } });
    const { claims } = await verifyResponse({ body: answer.raw, headers: answer.headers }, { keys: await jwks(gateway.url), audience: 'platform', requestJti: answer.requestJti });
    expect(claims).to.include({ iss: 'tongban', aud: 'platform', rjti: answer.requestJti, cdg: contentDigest(answer.raw) });
  });

  describe('every rejection has its own problem code', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const cases: { name: string; status: number; code: string; make: () => Promise<{ method?: string; path?: string; headers: Record<string, string>; body?: string }> }[] = [
      { name: 'no signature', status: 401, code: 'SIGNATURE_MISSING', make: async () => ({ headers: {} }) },
      { name: 'malformed JWS', status: 401, code: 'SIGNATURE_MALFORMED', make: async () => ({ headers: { 'tongban-signature': 'not.a-jws', 'content-digest': contentDigest('') } }) },
      { name: 'unknown client', status: 401, code: 'CLIENT_UNKNOWN', make: async () => ({ headers: await signed({ clientId: 'nobody' }) }) },
      { name: 'unknown kid', status: 401, code: 'KEY_UNKNOWN', make: async () => {
        const stranger = (await generateKeyPair('EdDSA')).privateJwk;
        return { headers: await signed({ key: stranger }) };
      } },
      { name: 'algorithm not allowed for the client', status: 401, code: 'ALGORITHM_NOT_ALLOWED', make: async () => {
        const es = (await generateKeyPair('ES256', platformKey.kid)).privateJwk;
        return { headers: await signed({ key: es }) };
      } },
      { name: 'bad signature', status: 401, code: 'SIGNATURE_INVALID', make: async () => {
        const headers = await signed({});
        const [h, p, s] = headers['tongban-signature'].split('.');
        const flipped = Buffer.from(s!, 'base64url');
        flipped[0] = flipped[0]! ^ 0xff;
        return { headers: { ...headers, 'tongban-signature': `${h}.${p}.${flipped.toString('base64url')}` } };
      } },
      { name: 'expired', status: 401, code: 'SIGNATURE_EXPIRED', make: async () => ({ headers: await signed({ nowSeconds: now() - 1000 }) }) },
      { name: 'iat in the future', status: 401, code: 'SIGNATURE_NOT_YET_VALID', make: async () => ({ headers: await signed({ nowSeconds: now() + 1000 }) }) },
      { name: 'wrong audience', status: 401, code: 'CLAIM_INVALID', make: async () => {
        const digest = contentDigest('');
        const token = await signCompact({ alg: platformKey.alg, kid: platformKey.kid, typ: 'tongban-req+jwt' },
          { iss: 'platform', aud: 'someone-else', iat: now(), exp: now() + 60, jti: randomUUID(), htm: 'GET', htu: '/v1/test/whoami', cdg: digest }, platformKey);
        return { headers: { 'tongban-signature': token, 'content-digest': digest } };
      } },
      { name: 'method mismatch', status: 401, code: 'METHOD_MISMATCH', make: async () => ({ headers: await signed({ signedMethod: 'POST' }) }) },
      { name: 'path mismatch', status: 401, code: 'PATH_MISMATCH', make: async () => ({ headers: await signed({ signedPath: '/v1/test/whoami?admin=1' }) }) },
      { name: 'digest missing', status: 401, code: 'DIGEST_MISSING', make: async () => {
        const { 'content-digest': _, ...rest } = await signed({});
        return { headers: rest };
      } },
      { name: 'digest does not match the body', status: 401, code: 'DIGEST_MISMATCH', make: async () => ({
        method: 'POST', path: '/v1/test/platform-only', body: '{"amount":1000}',
        headers: await signed({ method: 'POST', path: '/v1/test/platform-only', body: '{"amount":1}' }),
      }) },
      { name: 'role not allowed', status: 403, code: 'ROLE_NOT_ALLOWED', make: async () => ({
        method: 'POST', path: '/v1/test/platform-only', body: '{}',
        headers: await signed({ method: 'POST', path: '/v1/test/platform-only', body: '{}', clientId: 'ops', key: await devKey('ops') }),
      }) },
      { name: "another department's path", status: 403, code: 'DEPARTMENT_MISMATCH', make: async () => ({
        path: '/v1/departments/swj/test-inbox',
        headers: await signed({ path: '/v1/departments/swj/test-inbox', clientId: 'dept-gaj', key: await devKey('dept-gaj') }),
      }) },
    ];
    for (const testCase of cases) {
      it(`${testCase.name} → ${testCase.status} ${testCase.code}`, async () => {
        const request = await testCase.make();
        const answer = await send(request.method ?? 'GET', request.path ?? '/v1/test/whoami', request.headers, request.body);
        expect(answer.status, JSON.stringify(answer.json)).to.equal(testCase.status);
        expect(answer.headers['content-type']).to.match(/^application\/problem\+json/);
        expect(answer.json).to.include({ code: testCase.code, status: testCase.status });
        expect(answer.headers['tongban-signature'], 'error answers are signed too').to.be.a('string');
      });
    }

    it('a read run alongside its jti record (replayCheck: alongside): a replay runs the handler but answers 401 REPLAY_DETECTED, signed, with nothing it read', async () => {
      const headers = await signed({ path: '/v1/test/alongside' });
      const runsBefore = alongsideRuns;
      const first = await send('GET', '/v1/test/alongside', headers);
      expect(first.status).to.equal(200);
      expect(first.json).to.include({ secret: 'what the handler read' });
      const replay = await send('GET', '/v1/test/alongside', headers);
      expect(alongsideRuns - runsBefore, 'the handler ran for both').to.equal(2);
      expect(replay.status).to.equal(401);
      expect(replay.headers['content-type']).to.match(/^application\/problem\+json/);
      expect(replay.json).to.include({ code: 'REPLAY_DETECTED' });
      expect(replay.raw.toString()).not.to.contain('what the handler read');
      expect(replay.headers['x-handler']).to.equal(undefined);
      expect(replay.headers['tongban-signature'], 'signed like any answer').to.be.a('string');
      const { claims } = await verifyResponse({ body: replay.raw, headers: replay.headers }, { keys: await jwks(gateway.url), audience: 'platform', requestJti: JSON.parse(Buffer.from(headers['tongban-signature']!.split('.')[1]!, 'base64url').toString()).jti });
      expect(claims.cdg).to.equal(contentDigest(replay.raw));
      // A role refused is refused, and its jti consumed all the same.
      const department = await signed({ path: '/v1/test/alongside', clientId: 'dept-gaj', key: await devKey('dept-gaj') });
      expect((await send('GET', '/v1/test/alongside', department)).json).to.include({ code: 'ROLE_NOT_ALLOWED' });
      expect((await send('GET', '/v1/test/alongside', department)).json).to.include({ code: 'REPLAY_DETECTED' });
    });

    it('a replayed jti → 401 REPLAY_DETECTED (the first use succeeds)', async () => {
      const headers = await signed({});
      expect((await send('GET', '/v1/test/whoami', headers)).status).to.equal(200);
      const replay = await send('GET', '/v1/test/whoami', headers);
      expect(replay.status).to.equal(401);
      expect(replay.json).to.include({ code: 'REPLAY_DETECTED' });
    });

    it('a department may use its own department path', async () => {
      const path = '/v1/departments/gaj/test-inbox';
      const answer = await send('GET', path, await signed({ path, clientId: 'dept-gaj', key: await devKey('dept-gaj') }));
      expect(answer.status).to.equal(200);
      expect(answer.json).to.deep.equal({ department: 'gaj' });
    });

    it('ops may use any department path the route allows', async () => {
      const path = '/v1/departments/gaj/test-inbox';
      const answer = await send('GET', path, await signed({ path, clientId: 'ops', key: await devKey('ops') }));
      expect(answer.status).to.equal(200);
    });

    it('a revoked client is refused with CLIENT_UNKNOWN', async () => {
      const key = await devKey('dept-whglyj');
      const ok = await send('GET', '/v1/test/whoami', await signed({ clientId: 'dept-whglyj', key }));
      expect(ok.status).to.equal(200);
      await gateway.clients.revoke('dept-whglyj');
      const refused = await send('GET', '/v1/test/whoami', await signed({ clientId: 'dept-whglyj', key }));
      expect(refused.json).to.include({ code: 'CLIENT_UNKNOWN' });
    });
  });
});
