import { expect } from 'chai';
import { createHash } from 'node:crypto';
import type { JWK } from 'jose';
import {
  createSigningClient,
  generateKeyPair,
  jwks,
  signResponse,
  verifyRequest,
  type FetchFunction,
  type GeneratedKeyPair,
  type VerifyingClient,
} from '../../../src/trust/index.js';
import { expectTongbanError } from './expect-code.js';

/** What the fake Tongban saw of one request. */
interface Seen {
  url: string;
  method: string;
  pathAndQuery: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** An answer of the fake Tongban; signed unless `unsigned` or it brings its own signature. */
type Answer = (seen: Seen, requestJti: string) => Promise<{ status: number; headers?: Record<string, string>; body?: string; unsigned?: boolean }>;

describe('trust: signing client', () => {
  let platform: GeneratedKeyPair;
  let tongban: GeneratedKeyPair;
  let seen: Seen[];

  before(async () => {
    platform = await generateKeyPair('EdDSA');
    tongban = await generateKeyPair('ES256');
  });

  beforeEach(() => {
    seen = [];
  });

  /** An in-process Tongban: verifies each request as the gateway would, then answers with `answer`. */
  function fakeTongban(answer: Answer, signingKey = tongban.privateJwk): FetchFunction {
    const client: VerifyingClient = { id: 'platform-1', algorithms: ['EdDSA'], keys: { [platform.publicJwk.kid]: platform.publicJwk } };
    return async (input, init) => {
      const url = new URL(String(input));
      const headers = Object.fromEntries(new Headers(init?.headers));
      const body = init?.body === undefined || init.body === null ? Buffer.alloc(0) : Buffer.from(init.body as Uint8Array);
      const request: Seen = { url: url.href, method: init?.method ?? 'GET', pathAndQuery: `${url.pathname}${url.search}`, headers, body };
      seen.push(request);
      const { claims } = await verifyRequest(request, { resolveClient: async (id) => (id === client.id ? client : undefined), markJtiUsed: async () => true });
      const reply = await answer(request, claims.jti);
      const replyBody = reply.body ?? '';
      const signs = reply.unsigned !== true && reply.headers?.['tongban-signature'] === undefined;
      const signature = signs ? await signResponse({ body: replyBody, clientId: 'platform-1', requestJti: claims.jti, key: signingKey }) : {};
      return new Response(replyBody === '' ? null : replyBody, { status: reply.status, headers: { ...signature, ...reply.headers } });
    };
  }

  const json = { 'content-type': 'application/json' };

  it('signs the request (path prefix kept in htu) and verifies the signed JSON answer', async () => {
    const fetch = fakeTongban(async (request) => ({ status: 201, headers: json, body: JSON.stringify({ echoed: JSON.parse(request.body.toString()) }) }));
    const client = createSigningClient({ baseUrl: 'https://gateway.test/tongban/', clientId: 'platform-1', key: platform.privateJwk, tongbanKeys: [tongban.publicJwk], fetch });
    const response = await client.request('post', '/v1/applications?dryRun=1', { body: { matter: '出生登记' }, headers: { 'idempotency-key': 'k-1' } });
    expect(response).to.include({ status: 201, verified: true });
    expect(response.body).to.deep.equal({ echoed: { matter: '出生登记' } });
    expect(response.raw.toString()).to.equal('{"echoed":{"matter":"出生登记"}}');
    expect(seen[0]).to.include({ url: 'https://gateway.test/tongban/v1/applications?dryRun=1', method: 'POST' });
    expect(seen[0]!.headers).to.include({ 'content-type': 'application/json', 'idempotency-key': 'k-1' });
  });

  it('names its client id, and with an ID token sends it as Tongban-Id-Token bound by the signature\'s idt claim (base64url SHA-256, no padding)', async () => {
    const fetch = fakeTongban(async () => ({ status: 200, headers: json, body: '{}' }));
    const client = createSigningClient({ baseUrl: 'https://gateway.test', clientId: 'platform-1', key: platform.privateJwk, tongbanKeys: [tongban.publicJwk], fetch });
    expect(client.clientId).to.equal('platform-1');
    const idToken = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln';
    await client.request('GET', '/v1/licences?x=1', { idToken });
    await client.request('GET', '/v1/licences?x=1');
    const claims = (index: number) => JSON.parse(Buffer.from(seen[index]!.headers['tongban-signature']!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(seen[0]!.headers['tongban-id-token']).to.equal(idToken);
    expect(claims(0)['idt']).to.equal(createHash('sha256').update(idToken, 'ascii').digest('base64url'));
    expect(seen[1]!.headers).to.not.have.property('tongban-id-token');
    expect(claims(1)).to.not.have.property('idt');
  });

  it('does not verify without Tongban keys, and returns text bodies as text', async () => {
    const fetch = fakeTongban(async () => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' }));
    const response = await createSigningClient({ baseUrl: 'https://gateway.test', clientId: 'platform-1', key: platform.privateJwk, fetch }).request('GET', '/healthz');
    expect(response).to.include({ status: 200, verified: false, body: 'ok' });
  });

  it('throws DIGEST_MISMATCH, naming the request, when a signed answer body was altered', async () => {
    const fetch = fakeTongban(async (_request, jti) => ({
      status: 200,
      headers: { ...json, ...(await signResponse({ body: '{"status":"accepted"}', clientId: 'platform-1', requestJti: jti, key: tongban.privateJwk })) },
      body: '{"status":"rejected"}',
    }));
    const client = createSigningClient({ baseUrl: 'https://gateway.test', clientId: 'platform-1', key: platform.privateJwk, tongbanKeys: [tongban.publicJwk], fetch });
    const error = await expectTongbanError(client.request('GET', '/v1/applications/A-1'), 'DIGEST_MISMATCH');
    expect(error.message).to.contain('GET /v1/applications/A-1 (status 200)');
  });

  it('throws SIGNATURE_MISSING for an unsigned 2xx answer', async () => {
    const fetch = fakeTongban(async () => ({ status: 200, headers: json, body: '{}', unsigned: true }));
    const client = createSigningClient({ baseUrl: 'https://gateway.test', clientId: 'platform-1', key: platform.privateJwk, tongbanKeys: [tongban.publicJwk], fetch });
    await expectTongbanError(client.request('GET', '/v1/themes'), 'SIGNATURE_MISSING');
  });

  it('throws CLAIM_INVALID for a signed answer to another request', async () => {
    const fetch = fakeTongban(async () => ({
      status: 200,
      headers: await signResponse({ body: '', clientId: 'platform-1', requestJti: 'some-other-request', key: tongban.privateJwk }),
    }));
    const client = createSigningClient({ baseUrl: 'https://gateway.test', clientId: 'platform-1', key: platform.privateJwk, tongbanKeys: [tongban.publicJwk], fetch });
    await expectTongbanError(client.request('DELETE', '/v1/x'), 'CLAIM_INVALID');
  });

  it('returns an unsigned error answer (e.g. from a proxy) with verified false', async () => {
    const problem = { code: 'RATE_LIMITED', status: 429 };
    const fetch = fakeTongban(async () => ({ status: 429, headers: { 'content-type': 'application/problem+json' }, body: JSON.stringify(problem), unsigned: true }));
    const client = createSigningClient({ baseUrl: 'https://gateway.test', clientId: 'platform-1', key: platform.privateJwk, tongbanKeys: [tongban.publicJwk], fetch });
    const response = await client.request('GET', '/v1/themes');
    expect(response).to.include({ status: 429, verified: false });
    expect(response.body).to.deep.equal(problem);
  });

  it('fetches the keys once, and again when Tongban signs with a new kid (rotation)', async () => {
    const rotated = await generateKeyPair('SM2');
    let published: JWK[] = [tongban.publicJwk];
    let fetches = 0;
    const tongbanKeys = async () => (fetches += 1, published);
    const oldKeyFetch = fakeTongban(async () => ({ status: 204 }));
    const newKeyFetch = fakeTongban(async () => ({ status: 204 }), rotated.privateJwk);
    let current = oldKeyFetch;
    const client = createSigningClient({ baseUrl: 'https://gateway.test', clientId: 'platform-1', key: platform.privateJwk, tongbanKeys, fetch: (input, init) => current(input, init) });

    expect((await client.request('GET', '/a')).verified).to.equal(true);
    expect((await client.request('GET', '/b')).verified).to.equal(true);
    expect(fetches).to.equal(1);
    published = [tongban.publicJwk, rotated.publicJwk];
    current = newKeyFetch;
    expect((await client.request('GET', '/c')).verified).to.equal(true);
    expect(fetches).to.equal(2);
  });

  describe('jwks', () => {
    it('reads the keys from /.well-known/jwks.json', async () => {
      const urls: string[] = [];
      const fetch: FetchFunction = async (input) => (urls.push(String(input)), Response.json({ keys: [tongban.publicJwk] }));
      expect(await jwks('https://gateway.test/tongban', fetch)).to.deep.equal([tongban.publicJwk]);
      expect(urls).to.deep.equal(['https://gateway.test/tongban/.well-known/jwks.json']);
    });

    it('throws when the answer is not a JWKS', async () => {
      let failure: unknown;
      await jwks('https://gateway.test', async () => new Response('nope', { status: 404 })).catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(Error).with.property('message').that.contains('404');
    });
  });
});
