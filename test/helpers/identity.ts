/**
 * The identity platform (统一身份认证) for tests: one simulator per test
 * process, and applicants logged in at it the way a platform does it — a
 * nonce from the gateway, the real authorization code flow with PKCE, the ID
 * token the gateway then verifies.
 */
import { decodeJwt } from 'jose';
import {
  DEFAULT_IDENTITY_CLIENTS, loginWithIdentityPlatform, startIdentityPlatformSimulator,
  type IdentityClient, type IdentityPlatformSimulator, type Level, type LoginMethod, type RegisteredEnterprise, type RegisteredPerson, type SubjectType,
} from '../../adapters/identity-platform/index.js';
import { makeIdNumber, validateIdNumber } from '../../src/domain/identifiers/index.js';
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

/** The person a test logs in when a form names no one (so that the gateway answers what else is wrong with it). */
export const DEFAULT_TEST_PERSON: Readonly<TestPerson> = Object.freeze({ idNumber: makeIdNumber({ areaCode: '110101', birthDate: '1980-01-01', sequence: 997 }), name: '测试员' });

/**
 * The logins of one gateway's tests: each person is registered at the shared
 * identity platform and logged in once per client, and again when the token
 * is within a minute of its expiry. Make one per gateway (a token is for the
 * gateway that issued its nonce).
 */
export class TestSessions {
  private readonly tokens = new Map<string, Promise<{ idToken: string; exp: number }>>();

  constructor(private readonly gatewayUrl: string) {}

  /** An ID token of `person` for `client`. */
  async idToken(client: SigningClient, person: TestPerson): Promise<string> {
    const key = `${client.clientId}|${person.idNumber}|${person.name}|${person.method ?? 'face'}|${person.creditCode ?? ''}`;
    const cached = await this.tokens.get(key)?.catch(() => undefined);
    if (cached && cached.exp * 1000 > Date.now() + 60_000) return cached.idToken;
    const login = (async () => {
      await registerPerson(person.idNumber, person.name).catch(() => undefined); // one the platform knows keeps its entry
      const idToken = await loginAt(this.gatewayUrl, client, person);
      return { idToken, exp: decodeJwt(idToken).exp ?? 0 };
    })();
    this.tokens.set(key, login);
    return (await login).idToken;
  }

  /** An ID token of a holder of `form` (the first group with an `idNumber` and a `name`), else of {@link DEFAULT_TEST_PERSON}. */
  async forForm(client: SigningClient, form: unknown): Promise<string> {
    return this.idToken(client, formHolder(form) ?? DEFAULT_TEST_PERSON);
  }
}

/** The first person of a merged form: a group with a valid `idNumber` and a `name`. */
export function formHolder(form: unknown): TestPerson | undefined {
  if (typeof form !== 'object' || form === null) return undefined;
  for (const group of Object.values(form)) {
    if (typeof group !== 'object' || group === null) continue;
    const { idNumber, name } = group as { idNumber?: unknown; name?: unknown };
    if (typeof idNumber === 'string' && typeof name === 'string' && name !== '' && validateIdNumber(idNumber).ok) return { idNumber: idNumber.toUpperCase(), name };
  }
  return undefined;
}
