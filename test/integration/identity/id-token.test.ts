/**
 * The applicant's ID token, verified by a real gateway against a real
 * identity platform simulator over HTTP: every refusal has its own code, in
 * the documented order, on SQLite and PostgreSQL (the nonces live in the
 * database). A test route answers the verified actor, so these cases test
 * the verification alone; the routes that use it have their own tests.
 */
import { expect } from 'chai';
import { generateKeyPair as joseKeyPair, SignJWT } from 'jose';
import { startIdentityPlatformSimulator, type IdentityPlatformSimulator } from '../../../adapters/identity-platform/index.js';
import type { Route } from '../../../src/api/routes/route.js';
import type { Gateway } from '../../../src/gateway.js';
import { generateKeyPair } from '../../../src/trust/algorithms.js';
import { signRequest } from '../../../src/trust/sign-request.js';
import { createSigningClient, jwks, type SigningClient } from '../../../src/trust/signing-client.js';
import { devKey } from '../../helpers/dev-keys.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { loginAt, nonceFrom, TEST_IDENTITY_CLIENTS, type TestPerson } from '../../helpers/identity.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';

/** A person of the simulator's default population (the licence library's). */
const APPLICANT: TestPerson = { idNumber: '', name: '' };

for (const fixture of storeFixtures()) describe(`the applicant's ID token (${fixture.name})`, function () {
  this.timeout(60_000);
  let simulator: IdentityPlatformSimulator;
  let simulatorNow = Date.now();
  let gateway: Gateway;
  let platform: SigningClient;
  let platformB: SigningClient;

  const whoami: Route = {
    method: 'POST', path: '/v1/test/acting-person', access: { roles: ['platform'] }, summary: 'the verified actor (test)',
    handler: async (req, res) => { res.json(await gateway.identity.actorOf(req)); },
  };

  before(async () => {
    simulator = await startIdentityPlatformSimulator({ clients: TEST_IDENTITY_CLIENTS, clock: () => simulatorNow });
    const person = simulator.registerPerson({ idNumber: '11010519491231002X', name: '赵小芳' });
    Object.assign(APPLICANT, { idNumber: person.idNumber, name: person.name });
    await (await fixture.open()).close();
    ({ gateway } = await startTestGateway({ ...fixture.gatewayEnv(), TONGBAN_IDENTITY_ISSUER: simulator.issuer }, { extraRoutes: [whoami] }));
    const other = await generateKeyPair('EdDSA');
    await gateway.clients.upsert([{ id: 'platform-b', role: 'platform', name: '另一申办平台 (test)', algorithms: ['EdDSA'], keys: [other.publicJwk] }]);
    platform = createSigningClient({ baseUrl: gateway.url, clientId: 'platform', key: await devKey('platform'), tongbanKeys: () => jwks(gateway.url) });
    platformB = createSigningClient({ baseUrl: gateway.url, clientId: 'platform-b', key: other.privateJwk, tongbanKeys: () => jwks(gateway.url) });
  });
  after(async function () {
    await gateway?.close();
    await simulator?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });
  beforeEach(() => {
    simulatorNow = Date.now();
    simulator.faults.reset();
  });

  const acting = (idToken: string | undefined, client = platform) => client.request('POST', '/v1/test/acting-person', idToken === undefined ? {} : { idToken });
  const code = (answer: { body: unknown }) => (answer.body as { code?: string }).code;
  const login = (person: TestPerson = APPLICANT, options: Parameters<typeof loginAt>[3] = {}, client = platform) => loginAt(gateway.url, client, person, options);

  it('accepts a token of a login that started with a Tongban nonce, again and again within its lifetime', async () => {
    const idToken = await login();
    for (let round = 0; round < 2; round += 1) {
      const answer = await acting(idToken);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.body).to.include({ idNumber: APPLICANT.idNumber, name: APPLICANT.name, subjectType: 'natural', level: 'L3', issuer: simulator.issuer });
      expect((answer.body as { methods: string[] }).methods).to.deep.equal(['face']);
    }
  });

  it('a missing token → 401 ID_TOKEN_MISSING', async () => {
    const answer = await acting(undefined);
    expect([answer.status, code(answer)]).to.deep.equal([401, 'ID_TOKEN_MISSING']);
  });

  it('a token not bound by the signature\'s idt claim, or bound to another token → 401 ID_TOKEN_INVALID', async () => {
    const idToken = await login();
    const unbound = await platform.request('POST', '/v1/test/acting-person', { headers: { 'tongban-id-token': idToken } });
    expect([unbound.status, code(unbound)]).to.deep.equal([401, 'ID_TOKEN_INVALID']);
    expect((unbound.body as { detail: string }).detail).to.match(/idt/);

    const another = await login();
    const signature = await signRequest({ method: 'POST', pathAndQuery: '/v1/test/acting-person', clientId: 'platform', key: await devKey('platform'), idToken: another });
    const swapped = await fetch(`${gateway.url}/v1/test/acting-person`, { method: 'POST', headers: { ...signature, 'tongban-id-token': idToken } });
    const body = await swapped.json() as { code: string };
    expect([swapped.status, body.code]).to.deep.equal([401, 'ID_TOKEN_INVALID']);
  });

  it('a token that is not a JWS, or whose payload was edited → 401 ID_TOKEN_INVALID', async () => {
    expect(code(await acting('not-a-token'))).to.equal('ID_TOKEN_INVALID');
    const idToken = await login();
    const [header, payload, signature] = idToken.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const edited = Buffer.from(JSON.stringify({ ...claims, id_number: '11010519491231002X', name: '冒名' })).toString('base64url');
    const answer = await acting(`${header}.${edited}.${signature}`);
    expect([answer.status, code(answer)]).to.deep.equal([401, 'ID_TOKEN_INVALID']);
  });

  it('a token signed by a key the platform does not publish → 401 ID_TOKEN_UNKNOWN_KEY; a rotation is followed at once', async () => {
    const idToken = await login();
    const { payload } = decode(idToken);
    const forger = await joseKeyPair('ES256');
    const forged = await new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: 'forged-key', typ: 'JWT' }).sign(forger.privateKey);
    const answer = await acting(forged);
    expect([answer.status, code(answer)]).to.deep.equal([401, 'ID_TOKEN_UNKNOWN_KEY']);
    // Right after that unknown kid, the platform rotates: a token signed with its new key verifies at once.
    simulator.rotateKeys();
    const afterRotation = await acting(await login());
    expect(afterRotation.status, JSON.stringify(afterRotation.body)).to.equal(200);
  });

  it('a key the platform retired → 401 ID_TOKEN_UNKNOWN_KEY (a gateway reading the key set after the retirement)', async () => {
    const beforeRetirement = await login();
    simulator.rotateKeys({ retire: true });
    const fresh = await startTestGateway({ ...fixture.gatewayEnv(), TONGBAN_IDENTITY_ISSUER: simulator.issuer }, { extraRoutes: [{ ...whoami, handler: async (req, res) => { res.json(await fresh.gateway.identity.actorOf(req)); } }] });
    try {
      const client = createSigningClient({ baseUrl: fresh.gateway.url, clientId: 'platform', key: await devKey('platform') });
      const retired = await client.request('POST', '/v1/test/acting-person', { idToken: beforeRetirement });
      expect([retired.status, code(retired)]).to.deep.equal([401, 'ID_TOKEN_UNKNOWN_KEY']);
    } finally {
      await fresh.gateway.close();
    }
  });

  it('a token after one rotation (old key still published) still verifies', async () => {
    const idToken = await login();
    simulator.rotateKeys();
    const answer = await acting(idToken);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  });

  it('an expired token → 401 ID_TOKEN_EXPIRED', async () => {
    simulatorNow = Date.now() - 30 * 60_000; // the login happened half an hour ago: its 10-minute token has expired
    const idToken = await login(APPLICANT, { now: () => simulatorNow });
    const answer = await acting(idToken);
    expect([answer.status, code(answer)]).to.deep.equal([401, 'ID_TOKEN_EXPIRED']);
  });

  it('a token issued to another client → 401 ID_TOKEN_AUDIENCE', async () => {
    const idToken = await login(APPLICANT, { clientId: 'platform-b' });
    const answer = await acting(idToken);
    expect([answer.status, code(answer)]).to.deep.equal([401, 'ID_TOKEN_AUDIENCE']);
  });

  it('a login below the minimum level (password, L1) → 401 ID_TOKEN_LEVEL; SMS (L2) is enough', async () => {
    const weak = await acting(await login({ ...APPLICANT, method: 'password' }));
    expect([weak.status, code(weak)]).to.deep.equal([401, 'ID_TOKEN_LEVEL']);
    const sms = await acting(await login({ ...APPLICANT, method: 'sms' }));
    expect(sms.status, JSON.stringify(sms.body)).to.equal(200);
    expect(sms.body).to.include({ level: 'L2' });
  });

  it('a nonce Tongban did not issue, none at all, or one issued to another client → 401 ID_TOKEN_NONCE', async () => {
    const made = await acting(await login(APPLICANT, { nonce: 'a-nonce-the-platform-made-up-itself' }));
    expect([made.status, code(made)]).to.deep.equal([401, 'ID_TOKEN_NONCE']);
    const none = await acting(await login(APPLICANT, { nonce: null }));
    expect([none.status, code(none)]).to.deep.equal([401, 'ID_TOKEN_NONCE']);
    const othersNonce = await nonceFrom(gateway.url, platformB);
    const foreign = await acting(await login(APPLICANT, { nonce: othersNonce }));
    expect([foreign.status, code(foreign)]).to.deep.equal([401, 'ID_TOKEN_NONCE']);
  });

  it('a second token for the same login (nonce) → 401 ID_TOKEN_REPLAYED; the first stays good', async () => {
    const nonce = await nonceFrom(gateway.url, platform);
    const first = await login(APPLICANT, { nonce });
    const second = await login(APPLICANT, { nonce });
    expect((await acting(first)).status).to.equal(200);
    const replayed = await acting(second);
    expect([replayed.status, code(replayed)]).to.deep.equal([401, 'ID_TOKEN_REPLAYED']);
    expect((await acting(first)).status).to.equal(200);
  });

  it('the identity platform unreachable when its keys are first needed → 503 IDENTITY_UNAVAILABLE, and fine once it is back', async () => {
    const idToken = await login();
    const fresh = await startTestGateway({ ...fixture.gatewayEnv(), TONGBAN_IDENTITY_ISSUER: simulator.issuer }, { extraRoutes: [{ ...whoami, handler: async (req, res) => { res.json(await fresh.gateway.identity.actorOf(req)); } }] });
    try {
      const client = createSigningClient({ baseUrl: fresh.gateway.url, clientId: 'platform', key: await devKey('platform') });
      simulator.faults.goDown();
      const down = await client.request('POST', '/v1/test/acting-person', { idToken });
      expect([down.status, code(down)]).to.deep.equal([503, 'IDENTITY_UNAVAILABLE']);
      simulator.faults.comeBack();
      const back = await client.request('POST', '/v1/test/acting-person', { idToken });
      expect(back.status, JSON.stringify(back.body)).to.equal(200);
    } finally {
      await fresh.gateway.close();
    }
  });

  it('without a configured identity platform: 503 IDENTITY_UNAVAILABLE, and no nonce is issued', async () => {
    const bare = await startTestGateway({ ...fixture.gatewayEnv(), TONGBAN_IDENTITY_ISSUER: '' });
    try {
      const client = createSigningClient({ baseUrl: bare.gateway.url, clientId: 'platform', key: await devKey('platform') });
      const nonce = await client.request('POST', '/v1/identity/nonces');
      expect([nonce.status, code(nonce)]).to.deep.equal([503, 'IDENTITY_UNAVAILABLE']);
      const settings = await client.request('GET', '/v1/identity');
      expect(settings.body).to.include({ configured: false, issuer: null, minLevel: 'L2', audience: 'platform' });
    } finally {
      await bare.gateway.close();
    }
  });

  it('a department may not ask for nonces (403 ROLE_NOT_ALLOWED)', async () => {
    const department = createSigningClient({ baseUrl: gateway.url, clientId: 'dept-gaj', key: await devKey('dept-gaj') });
    const answer = await department.request('POST', '/v1/identity/nonces');
    expect([answer.status, code(answer)]).to.deep.equal([403, 'ROLE_NOT_ALLOWED']);
  });
});

function decode(token: string): { payload: Record<string, unknown> } {
  return { payload: JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown> };
}
