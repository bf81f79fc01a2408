import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  DEFAULT_IDENTITY_CLIENTS, IdentityLoginError, loginWithIdentityPlatform, startIdentityPlatformSimulator,
  type IdentityPlatformSimulator, type IdTokenClaims, type IdentityLoginOptions,
} from '../../../adapters/identity-platform/index.js';
import { sharedDefaultPopulation } from '../../../adapters/identity-platform/simulator/registry.js';
import { makeCreditCode } from '../../../src/domain/identifiers/index.js';

const client = DEFAULT_IDENTITY_CLIENTS[0]!;
const redirectUri = client.redirectUris[0]!;

describe('identity platform simulator', () => {
  let simulator: IdentityPlatformSimulator;
  let clockOffsetMs = 0;
  const population = sharedDefaultPopulation();
  const adult = population.persons.find((person) => person.idNumber !== null && person.phone !== null && person.death === undefined)!;
  const enterprise = population.enterprises.find((candidate) => candidate.registrationStatus === 'active')!;
  const representative = population.persons.find((person) => person.key === enterprise.legalRepresentativeKey)!;
  const agent = population.persons.find((person) => person.idNumber !== null && person.phone !== null && person.key !== representative.key && person.death === undefined)!;

  before(async () => {
    simulator = await startIdentityPlatformSimulator({ clock: () => Date.now() + clockOffsetMs, tokenTtlSeconds: 300 });
  });
  after(async () => {
    await simulator?.close();
  });
  afterEach(() => {
    clockOffsetMs = 0;
    simulator.faults.reset();
  });

  const login = (person: IdentityLoginOptions['person'], extra: Partial<IdentityLoginOptions> = {}) => loginWithIdentityPlatform({
    issuer: simulator.issuer, clientId: client.clientId, clientSecret: client.clientSecret, redirectUri, nonce: 'n-0S6_WzA2Mj', person, ...extra,
  });
  const loginError = async (person: IdentityLoginOptions['person'], extra: Partial<IdentityLoginOptions> = {}) => {
    const error = await login(person, extra).then(() => undefined, (caught: unknown) => caught);
    expect(error).to.be.instanceOf(IdentityLoginError);
    return error as IdentityLoginError;
  };
  const verifyOverHttp = async (idToken: string) => {
    const jwks = createRemoteJWKSet(new URL(`${simulator.issuer}/oauth2/jwks`));
    return (await jwtVerify<IdTokenClaims>(idToken, jwks, { issuer: simulator.issuer, audience: client.clientId, algorithms: ['ES256'] })).payload;
  };

  /** The browser half of a login: returns the code from the redirect and the PKCE verifier. */
  const authorize = async (options: { clientId?: string; redirectUri?: string; form?: Record<string, string> } = {}) => {
    const verifier = randomBytes(32).toString('base64url');
    const answer = await fetch(`${simulator.issuer}/oauth2/authorize`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({
        response_type: 'code', client_id: options.clientId ?? client.clientId, redirect_uri: options.redirectUri ?? redirectUri,
        scope: 'openid profile idcard', state: 'xyz', nonce: 'abc', code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256', id_number: adult.idNumber!, name: adult.name, method: 'face', credential: 'live-pass', ...options.form,
      }),
    });
    expect(answer.status).to.equal(302);
    const location = new URL(answer.headers.get('location')!);
    return { location, code: location.searchParams.get('code')!, verifier };
  };
  const token = (form: Record<string, string>, auth = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`) => fetch(`${simulator.issuer}/oauth2/token`, {
    method: 'POST', headers: { authorization: auth }, body: new URLSearchParams({ grant_type: 'authorization_code', redirect_uri: redirectUri, ...form }),
  });
  const userinfo = (accessToken: string) => fetch(`${simulator.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });

  it('publishes its discovery document and JWKS', async () => {
    const answer = await fetch(`${simulator.issuer}/.well-known/openid-configuration`);
    expect(answer.status).to.equal(200);
    const discovery = await answer.json() as Record<string, unknown>;
    expect(simulator.issuer).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(discovery).to.include({
      issuer: simulator.issuer,
      authorization_endpoint: `${simulator.issuer}/oauth2/authorize`,
      token_endpoint: `${simulator.issuer}/oauth2/token`,
      userinfo_endpoint: `${simulator.issuer}/oauth2/userinfo`,
      jwks_uri: `${simulator.issuer}/oauth2/jwks`,
    });
    expect(discovery['id_token_signing_alg_values_supported']).to.deep.equal(['ES256']);
    expect(discovery['code_challenge_methods_supported']).to.deep.equal(['S256']);
    expect(discovery['acr_values_supported']).to.deep.equal(['L1', 'L2', 'L3']);
    expect(discovery['token_endpoint_auth_methods_supported']).to.deep.equal(['client_secret_basic', 'client_secret_post']);
    expect(discovery['claims_supported']).to.include.members(['id_number', 'name', 'credit_code', 'org_role', 'acr', 'amr', 'nonce']);

    const jwks = await fetch(`${simulator.issuer}/oauth2/jwks`);
    expect(jwks.headers.get('cache-control')).to.equal('public, max-age=300');
    const { keys } = await jwks.json() as { keys: Record<string, unknown>[] };
    expect(keys).to.have.length(1);
    expect(keys[0]).to.include({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(keys[0]).to.not.have.property('d');
  });

  it('shows a Chinese login page carrying the OAuth parameters, and refuses unknown clients and redirect URIs without redirecting', async () => {
    const query = new URLSearchParams({
      response_type: 'code', client_id: client.clientId, redirect_uri: redirectUri, scope: 'openid', state: 's<1>', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256', login_hint: adult.idNumber!,
    });
    const page = await fetch(`${simulator.issuer}/oauth2/authorize?${query}`);
    expect(page.status).to.equal(200);
    const html = await page.text();
    expect(html).to.include('统一身份认证平台').and.include('name="state" value="s&#60;1&#62;"').and.include(`value="${adult.idNumber}"`);

    query.set('client_id', 'stranger');
    const unknownClient = await fetch(`${simulator.issuer}/oauth2/authorize?${query}`, { redirect: 'manual', headers: { accept: 'application/json' } });
    expect(unknownClient.status).to.equal(400);
    expect(await unknownClient.json()).to.include({ error: 'invalid_client', error_code: 'IDP-4001' });
    query.set('client_id', client.clientId);
    query.set('redirect_uri', 'https://evil.test/callback');
    const badRedirect = await fetch(`${simulator.issuer}/oauth2/authorize?${query}`, { redirect: 'manual' });
    expect(badRedirect.status).to.equal(400);
    expect(await badRedirect.text()).to.include('data-error-code="IDP-4002"');

    query.set('redirect_uri', redirectUri);
    query.delete('code_challenge');
    const noPkce = await fetch(`${simulator.issuer}/oauth2/authorize?${query}`, { redirect: 'manual' });
    expect(noPkce.status).to.equal(302);
    const location = new URL(noPkce.headers.get('location')!);
    expect(Object.fromEntries(location.searchParams)).to.include({ error: 'invalid_request', error_code: 'IDP-4006', state: 's<1>' });
  });

  describe('logs in with each method and signs an ID token that verifies against the JWKS over HTTP', () => {
    for (const [method, acr, amr] of [['face', 'L3', 'face'], ['esscard', 'L3', 'esscard'], ['sms', 'L2', 'sms'], ['password', 'L1', 'pwd']] as const) {
      it(`${method} → ${acr}`, async () => {
        const result = await login({ idNumber: adult.idNumber!, name: adult.name, method });
        const claims = await verifyOverHttp(result.idToken);
        expect(claims).to.include({
          iss: simulator.issuer, aud: client.clientId, azp: client.clientId, nonce: 'n-0S6_WzA2Mj', acr,
          subject_type: 'natural', id_number: adult.idNumber, name: adult.name,
        });
        expect(claims.amr).to.deep.equal([amr]);
        expect(claims.sub).to.match(/^[A-Za-z0-9_-]{22}$/);
        expect(claims.exp - claims.iat).to.equal(300);
        expect(claims).to.not.have.property('credit_code');
        expect(decodeProtectedHeader(result.idToken)).to.include({ alg: 'ES256', typ: 'JWT' });
        expect(result.claims).to.deep.equal(claims);
      });
    }

    it('ebl for a legal person, as its legal representative and as an agent (different subjects)', async () => {
      const asRepresentative = await login({ idNumber: representative.idNumber!, name: representative.name, method: 'ebl', creditCode: enterprise.creditCode });
      const claims = await verifyOverHttp(asRepresentative.idToken);
      expect(claims).to.include({
        subject_type: 'legal', id_number: representative.idNumber, name: representative.name, acr: 'L3',
        credit_code: enterprise.creditCode, org_name: enterprise.name, org_role: 'legalRepresentative',
      });
      expect(claims.amr).to.deep.equal(['ebl']);

      const asAgent = await login({ idNumber: agent.idNumber!, name: agent.name, method: 'ebl', creditCode: enterprise.creditCode });
      const agentClaims = await verifyOverHttp(asAgent.idToken);
      expect(agentClaims).to.include({ subject_type: 'legal', id_number: agent.idNumber, credit_code: enterprise.creditCode, org_role: 'agent' });
      expect(agentClaims.sub).to.not.equal(claims.sub);

      const natural = await login({ idNumber: agent.idNumber!, name: agent.name });
      expect(natural.claims.sub).to.not.equal(agentClaims.sub);
      const again = await login({ idNumber: agent.idNumber!, name: agent.name, method: 'esscard' });
      expect(again.claims.sub, 'sub is stable').to.equal(natural.claims.sub);
    });

    it('omits the nonce when none was sent; authenticates the client with client_secret_post', async () => {
      const result = await login({ idNumber: adult.idNumber!, name: adult.name }, { nonce: undefined, clientAuth: 'client_secret_post' });
      expect(result.claims).to.not.have.property('nonce');
    });
  });

  describe('refuses a login, redirecting the error with its code', () => {
    it('a name that does not match the register (IDP-4011)', async () => {
      expect((await loginError({ idNumber: adult.idNumber!, name: `${adult.name}某` })).code).to.equal('IDP-4011');
    });
    it('a failed face comparison (IDP-4012)', async () => {
      expect((await loginError({ idNumber: adult.idNumber!, name: adult.name, credential: 'live-fail' })).code).to.equal('IDP-4012');
    });
    it('a wrong SMS code (IDP-4013), and the right one only once', async () => {
      const sent = await fetch(`${simulator.issuer}/oauth2/sms-codes`, { method: 'POST', body: new URLSearchParams({ id_number: adult.idNumber! }) });
      const { sent: ok, maskedPhone, debugCode } = await sent.json() as { sent: boolean; maskedPhone: string; debugCode: string };
      expect(ok).to.equal(true);
      expect(maskedPhone).to.equal(`${adult.phone!.slice(0, 3)}****${adult.phone!.slice(-4)}`);
      const wrong = debugCode === '000000' ? '000001' : '000000';
      expect((await loginError({ idNumber: adult.idNumber!, name: adult.name, method: 'sms', credential: wrong })).code).to.equal('IDP-4013');
      await login({ idNumber: adult.idNumber!, name: adult.name, method: 'sms', credential: debugCode });
      expect((await loginError({ idNumber: adult.idNumber!, name: adult.name, method: 'sms', credential: debugCode })).code).to.equal('IDP-4013');
    });
    it('a method below the acr_values asked (IDP-4015)', async () => {
      expect((await loginError({ idNumber: adult.idNumber!, name: adult.name, method: 'sms' }, { acr: 'L3' })).code).to.equal('IDP-4015');
      expect((await login({ idNumber: adult.idNumber!, name: adult.name, method: 'face' }, { acr: 'L3' })).claims.acr).to.equal('L3');
    });
    it('a wrong password, an unknown person, ebl for a natural person, a malformed ID number', async () => {
      expect((await loginError({ idNumber: adult.idNumber!, name: adult.name, method: 'password', credential: 'guess' })).code).to.equal('IDP-4014');
      expect((await loginError({ idNumber: '11010519491231002X', name: '张三' })).code).to.equal('IDP-4010');
      expect((await loginError({ idNumber: adult.idNumber!, name: adult.name, method: 'ebl' })).code).to.equal('IDP-4007');
      const { location } = await authorize({ form: { id_number: `${adult.idNumber!.slice(0, 17)}${adult.idNumber!.endsWith('1') ? '2' : '1'}` } });
      expect(Object.fromEntries(location.searchParams)).to.include({ error: 'invalid_request', error_code: 'IDP-4007', state: 'xyz' });
      expect(location.searchParams.get('error_description')).to.match(/^id_number: .*check character/);
    });
  });

  describe('token endpoint', () => {
    it('answers no-store tokens for a code, and refuses a wrong client secret with 401 invalid_client', async () => {
      const { code, verifier } = await authorize();
      const refused = await token({ code, code_verifier: verifier }, `Basic ${Buffer.from(`${client.clientId}:wrong`).toString('base64')}`);
      expect(refused.status).to.equal(401);
      expect(refused.headers.get('www-authenticate')).to.match(/^Basic/);
      expect(await refused.json()).to.include({ error: 'invalid_client', error_code: 'IDP-4101' });

      const answer = await token({ code, code_verifier: verifier });
      expect(answer.status).to.equal(200);
      expect(answer.headers.get('cache-control')).to.equal('no-store');
      const body = await answer.json() as Record<string, unknown>;
      expect(body).to.include({ token_type: 'Bearer', expires_in: 300, scope: 'openid profile idcard' });
      expect((await verifyOverHttp(body['id_token'] as string)).nonce).to.equal('abc');
    });

    it('a code used twice is invalid_grant and revokes the tokens issued from it', async () => {
      const { code, verifier } = await authorize();
      const first = await (await token({ code, code_verifier: verifier })).json() as { access_token: string };
      const before = await userinfo(first.access_token);
      expect(before.status).to.equal(200);
      expect(await before.json()).to.include({ id_number: adult.idNumber, name: adult.name, acr: 'L3', subject_type: 'natural' }).and.not.have.any.keys('nonce', 'aud', 'exp');

      const reused = await token({ code, code_verifier: verifier });
      expect(reused.status).to.equal(400);
      expect(await reused.json()).to.include({ error: 'invalid_grant', error_code: 'IDP-4201' });
      const after = await userinfo(first.access_token);
      expect(after.status).to.equal(401);
      expect(after.headers.get('www-authenticate')).to.include('error="invalid_token"');
      expect(await after.json()).to.include({ error: 'invalid_token', error_code: 'IDP-4301' });
    });

    it('refuses a PKCE mismatch, a different redirect_uri, an expired code, another grant type', async () => {
      const pkce = await authorize();
      const mismatch = await token({ code: pkce.code, code_verifier: randomBytes(32).toString('base64url') });
      expect(mismatch.status).to.equal(400);
      expect(await mismatch.json()).to.include({ error: 'invalid_grant', error_code: 'IDP-4204' });

      const redirect = await authorize();
      const elsewhere = await token({ code: redirect.code, code_verifier: redirect.verifier, redirect_uri: client.redirectUris[1]! });
      expect(await elsewhere.json()).to.include({ error: 'invalid_grant', error_code: 'IDP-4203' });

      const late = await authorize();
      clockOffsetMs = 61_000;
      const expired = await token({ code: late.code, code_verifier: late.verifier });
      expect(expired.status).to.equal(400);
      expect(await expired.json()).to.include({ error: 'invalid_grant', error_code: 'IDP-4202' });

      const grant = await token({ grant_type: 'client_credentials', code: 'x', code_verifier: 'y' });
      expect(await grant.json()).to.include({ error: 'unsupported_grant_type', error_code: 'IDP-4102' });
    });

    it('userinfo refuses a missing, unknown or expired access token', async () => {
      const missing = await fetch(`${simulator.issuer}/oauth2/userinfo`);
      expect(missing.status).to.equal(401);
      expect(missing.headers.get('www-authenticate')).to.match(/^Bearer/);
      expect((await userinfo('not-a-token')).status).to.equal(401);
      const { accessToken } = await login({ idNumber: adult.idNumber!, name: adult.name });
      expect((await userinfo(accessToken)).status).to.equal(200);
      clockOffsetMs = 301_000;
      const expired = await userinfo(accessToken);
      expect(expired.status).to.equal(401);
      expect((await expired.json() as { error_description: string }).error_description).to.equal('访问令牌已过期');
    });
  });

  it('rotates keys: a token signed before one rotation still verifies; after a retiring rotation its kid is unknown', async () => {
    const { idToken } = await login({ idNumber: adult.idNumber!, name: adult.name });
    const oldKid = decodeProtectedHeader(idToken).kid!;
    const rotated = simulator.rotateKeys();
    expect(rotated.published).to.deep.equal([rotated.kid, oldKid]);
    expect((await verifyOverHttp(idToken)).id_number).to.equal(adult.idNumber);
    const fresh = await login({ idNumber: adult.idNumber!, name: adult.name });
    expect(decodeProtectedHeader(fresh.idToken).kid).to.equal(rotated.kid);

    const retired = await (await fetch(`${simulator.issuer}/__control/rotate-keys?retire=1`, { method: 'POST' })).json() as { kid: string; published: string[] };
    expect(retired.published).to.deep.equal([retired.kid]);
    const error = await verifyOverHttp(idToken).then(() => undefined, (caught: unknown) => caught);
    expect(error).to.have.property('code', 'ERR_JWKS_NO_MATCHING_KEY');
    expect((await verifyOverHttp((await login({ idNumber: adult.idNumber!, name: adult.name })).idToken)).acr).to.equal('L3');
  });

  it('fails as told by the fault controller: down → 503, a bad signature fault corrupts the ID token', async () => {
    simulator.faults.goDown();
    expect((await fetch(`${simulator.issuer}/.well-known/openid-configuration`)).status).to.equal(503);
    expect((await loginError({ idNumber: adult.idNumber!, name: adult.name })).code).to.equal('LOGIN_FAILED');
    simulator.faults.comeBack();

    const { code, verifier } = await authorize();
    simulator.faults.enqueue({ kind: 'bad-signature', pathPrefix: '/oauth2/token' });
    const body = await (await token({ code, code_verifier: verifier })).json() as { id_token: string };
    const error = await verifyOverHttp(body.id_token).then(() => undefined, (caught: unknown) => caught);
    expect(error).to.have.property('code', 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('registers persons and enterprises through /__control, checking their identifiers', async () => {
    const idNumber = '441403199003070026';
    const person = await fetch(`${simulator.issuer}/__control/persons`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ idNumber, name: '李梅' }) });
    expect(person.status).to.equal(201);
    const creditCode = makeCreditCode({ registrationAuthority: '9', category: '1', areaCode: '441403', organizationCode: 'MA5T3R01' });
    const company = await fetch(`${simulator.issuer}/__control/enterprises`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ creditCode, name: '梅州市测试科技有限公司', legalRepresentativeIdNumber: idNumber }),
    });
    expect(company.status).to.equal(201);
    const result = await login({ idNumber, name: '李梅', method: 'sms', creditCode });
    expect(result.claims).to.include({ subject_type: 'legal', credit_code: creditCode, org_name: '梅州市测试科技有限公司', org_role: 'legalRepresentative', acr: 'L2' });

    const bad = await fetch(`${simulator.issuer}/__control/persons`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ idNumber: '441403199003070021', name: '李梅' }) });
    expect(bad.status).to.equal(400);
    expect(await bad.json()).to.include({ error: 'invalid_request', field: 'idNumber' });
    expect(() => simulator.registerEnterprise({ creditCode: `${creditCode.slice(0, 17)}0`, name: 'x', legalRepresentativeIdNumber: idNumber })).to.throw(RangeError, /check character/);
  });
});
