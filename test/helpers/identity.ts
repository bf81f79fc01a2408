/**
 * The identity platform (统一身份认证) for tests: one simulator per test
 * process, and applicants logged in at it the way a platform does it — a
 * nonce from the gateway, the real authorization code flow with PKCE, the ID
 * token the gateway then verifies.
 */
import {
  DEFAULT_IDENTITY_CLIENTS, loginWithIdentityPlatform, startIdentityPlatformSimulator,
  type IdentityClient, type IdentityPlatformSimulator, type Level, type LoginMethod, type RegisteredEnterprise, type RegisteredPerson, type SubjectType,
} from '../../adapters/identity-platform/index.js';
import type { SigningClient } from '../../src/trust/signing-client.js';

/** The redirect URI every test login uses (registered for every client below). */
export const TEST_REDIRECT_URI = 'http://127.0.0.1/callback';

/**
 * The relying parties of the shared simulator: the development clients plus
 * the extra platforms tests register at their gateways, each with the secret
 * `<clientId>-secret` like the development ones.
 */
export const TEST_IDENTITY_CLIENTS: readonly IdentityClient[] = [
  ...DEFAULT_IDENTITY_CLIENTS,
  ...['platform-b', 'platform-other'].map((clientId) => ({ clientId, clientSecret: `${clientId}-secret`, redirectUris: [TEST_REDIRECT_URI] })),
];

export interface SharedIdentityPlatform {
  /** The simulator's base URL, which is also its issuer. */
  url: string;
  simulator: IdentityPlatformSimulator;
  /** What a gateway needs to trust it. */
  env: { TONGBAN_IDENTITY_ISSUER: string };
}

let shared: Promise<SharedIdentityPlatform> | undefined;

/** The identity platform simulator of this test process, started on first use. */
export function sharedIdentityPlatform(): Promise<SharedIdentityPlatform> {
  shared ??= (async () => {
    const simulator = await startIdentityPlatformSimulator({ clients: TEST_IDENTITY_CLIENTS });
    simulator.server.unref(); // it lives as long as the process, and keeps no process alive
    return { url: simulator.url, simulator, env: { TONGBAN_IDENTITY_ISSUER: simulator.issuer } };
  })();
  return shared;
}

/** Who logs in (the simulator knows the default population and whoever {@link registerPerson} added). */
export interface TestPerson {
  idNumber: string;
  name: string;
  /** Default `face` (level L3). */
  method?: LoginMethod;
  /** Default `legal` when `creditCode` is given, else `natural`. */
  subjectType?: SubjectType;
  /** The enterprise a legal-person login acts for. */
  creditCode?: string;
}

export interface LoginAtOptions {
  /** `acr_values` asked of the identity platform. */
  acr?: Level;
  /** The identity platform to log in at; default the one the gateway trusts (GET /v1/identity), else the shared one. */
  issuer?: string;
  /** Send this nonce instead of asking the gateway for one (to test nonce refusals). `null` sends none. */
  nonce?: string | null;
  /** The OIDC client to log in as; default the signing client's id (the audience rule). */
  clientId?: string;
  /** Default the secret of `clientId` in {@link TEST_IDENTITY_CLIENTS}. */
  clientSecret?: string;
  /** The credential the person presents (default the one that passes for the method). */
  credential?: string;
  /** The clock the ID token's times are checked against before it is returned (a simulator whose clock is elsewhere). */
  now?: () => number;
}

/**
 * Logs `person` in for `signingClient` at the gateway `gatewayUrl`: a nonce
 * from the gateway (POST /v1/identity/nonces, signed by the client), then the
 * identity platform's login flow with the client's id as OIDC client.
 * Nothing is cached: each call is a new login with a new nonce.
 * @returns the ID token, for `signingClient.request(…, { idToken })`.
 * @throws Error when the gateway refuses a nonce, or IdentityLoginError (with `code`) when the login fails.
 */
export async function loginAt(gatewayUrl: string, signingClient: SigningClient, person: TestPerson, options: LoginAtOptions = {}): Promise<string> {
  const clientId = options.clientId ?? signingClient.clientId;
  const clientSecret = options.clientSecret ?? TEST_IDENTITY_CLIENTS.find((client) => client.clientId === clientId)?.clientSecret;
  if (clientSecret === undefined) throw new Error(`loginAt: client "${clientId}" is not registered at the test identity platform (test/helpers/identity.ts TEST_IDENTITY_CLIENTS)`);
  const issuer = options.issuer ?? (await trustedIssuer(gatewayUrl, signingClient)) ?? (await sharedIdentityPlatform()).url;
  const nonce = options.nonce === undefined ? await nonceFrom(gatewayUrl, signingClient) : options.nonce ?? undefined;
  const login = await loginWithIdentityPlatform({
    issuer,
    clientId,
    clientSecret,
    redirectUri: TEST_REDIRECT_URI,
    ...(nonce === undefined ? {} : { nonce }),
    ...(options.acr === undefined ? {} : { acr: options.acr }),
    ...(options.now === undefined ? {} : { now: options.now }),
    person: {
      idNumber: person.idNumber,
      name: person.name,
      ...(person.method === undefined ? {} : { method: person.method }),
      ...(person.subjectType === undefined ? {} : { subjectType: person.subjectType }),
      ...(person.creditCode === undefined ? {} : { creditCode: person.creditCode }),
      ...(options.credential === undefined ? {} : { credential: options.credential }),
    },
  });
  return login.idToken;
}

/** A single-use login nonce the gateway issues to `signingClient`. */
export async function nonceFrom(gatewayUrl: string, signingClient: SigningClient): Promise<string> {
  const answer = await signingClient.request('POST', '/v1/identity/nonces');
  if (answer.status !== 201) {
    throw new Error(`loginAt: POST ${gatewayUrl}/v1/identity/nonces as "${signingClient.clientId}" answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return (answer.body as { nonce: string }).nonce;
}

/** The issuer the gateway trusts, as it tells the client; undefined when it has none or does not say. */
async function trustedIssuer(gatewayUrl: string, signingClient: SigningClient): Promise<string | undefined> {
  const answer = await signingClient.request('GET', '/v1/identity');
  if (answer.status !== 200) throw new Error(`loginAt: GET ${gatewayUrl}/v1/identity as "${signingClient.clientId}" answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return (answer.body as { issuer: string | null }).issuer ?? undefined;
}

/** Makes a natural person known to the shared identity platform (for test persons outside the population). */
export async function registerPerson(idNumber: string, name: string): Promise<RegisteredPerson> {
  return (await sharedIdentityPlatform()).simulator.registerPerson({ idNumber, name });
}

/** Makes an enterprise known to the shared identity platform, with its legal representative. */
export async function registerEnterprise(creditCode: string, name: string, legalRepresentativeIdNumber: string): Promise<RegisteredEnterprise> {
  return (await sharedIdentityPlatform()).simulator.registerEnterprise({ creditCode, name, legalRepresentativeIdNumber });
}
