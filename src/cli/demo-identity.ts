/**
 * The demo's logins at the identity platform (统一身份认证) the gateway
 * trusts: a nonce from the gateway for the client the person uses, the
 * platform's login flow (login page, credential, redirect, token request
 * with PKCE), and the ID token every request acting for the person carries.
 */
import {
  DEFAULT_IDENTITY_CLIENTS, IDENTITY_LOGIN_METHODS, loginWithIdentityPlatform, type IdTokenClaims, type LoginMethod,
} from '../../adapters/identity-platform/index.js';
import { maskName } from '../log/personal-data-keys.js';
import { redactText } from '../log/redact.js';
import type { SigningClient } from '../trust/signing-client.js';

/** The redirect URI the sandbox's clients are registered with at the identity platform (no browser comes back to it). */
const SANDBOX_REDIRECT_URI = 'urn:tongban:sandbox';

/** A person logged in through one client: the ID token to send with each request acting for them. */
export interface Session {
  idToken: string;
  claims: IdTokenClaims;
}

/**
 * The identity platform the gateway trusts (`GET /v1/identity`).
 * @throws Error when the gateway has none (no login is possible, so nothing can be authorised).
 */
export async function trustedIdentityPlatform(client: SigningClient): Promise<string> {
  const answer = await client.request('GET', '/v1/identity');
  const issuer = answer.status === 200 ? (answer.body as { issuer: string | null }).issuer : null;
  if (issuer === null) {
    throw new Error(`the gateway trusts no identity platform (GET /v1/identity: HTTP ${answer.status}, ${JSON.stringify(answer.body).slice(0, 200)}); the sandbox sets TONGBAN_IDENTITY_ISSUER to its simulator's URL`);
  }
  return issuer;
}

/**
 * Logs `person` in at `issuer` for `client` (the client's id is its OIDC
 * client id there) with a nonce from the gateway, and says who logged in, how
 * and at which level.
 */
export async function logIn(say: (line: string) => void, client: SigningClient, issuer: string,
  person: { idNumber: string; name: string; method: LoginMethod }, who: string): Promise<Session> {
  const registered = DEFAULT_IDENTITY_CLIENTS.find((candidate) => candidate.clientId === client.clientId);
  if (registered === undefined) throw new Error(`client "${client.clientId}" is not registered at the sandbox's identity platform`);
  const nonce = await client.request('POST', '/v1/identity/nonces');
  if (nonce.status !== 201) throw new Error(`a login nonce for ${client.clientId}: expected HTTP 201, got ${nonce.status}: ${JSON.stringify(nonce.body).slice(0, 400)}`);
  const login = await loginWithIdentityPlatform({
    issuer, clientId: registered.clientId, clientSecret: registered.clientSecret, redirectUri: SANDBOX_REDIRECT_URI,
    nonce: (nonce.body as { nonce: string }).nonce, person,
  });
  const { claims } = login;
  say(`${who} logged in at 统一身份认证 through ${client.clientId}: ${maskName(claims.name)} (${redactText(claims.id_number)}), `
    + `method ${claims.amr.join('+')} (${IDENTITY_LOGIN_METHODS[person.method].label}), level ${claims.acr}; ID token valid until ${new Date(claims.exp * 1000).toISOString()}`);
  return { idToken: login.idToken, claims };
}
