/**
 * Logs a person in at the identity platform the way a relying party and a
 * browser do together, for tests and the demo: discovery, the login page,
 * an SMS code when asked, the login form, the redirect, the token request
 * with PKCE, and the ID token verified against the platform's JWKS.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { PATHS, type IdTokenClaims, type Level, type LoginMethod, type SubjectType } from './identity-platform-api.js';
import { DEFAULT_PASSWORD } from './simulator/registry.js';
import { SIMULATED_CREDENTIALS } from './simulator/verify-login.js';

export interface IdentityLoginOptions {
  /** The platform's issuer URL (discovery at `${issuer}/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Sent as `nonce`; the ID token must carry it back. Default: none. */
  nonce?: string;
  person: {
    idNumber: string;
    name: string;
    /** Default `face`. */
    method?: LoginMethod;
    /** Default `legal` when `creditCode` is given, else `natural`. */
    subjectType?: SubjectType;
    creditCode?: string;
    /** Default: what the simulated device produces for the method (for `sms` the code just sent, for `password` the default password). */
    credential?: string;
  };
  /** Sent as `acr_values`. */
  acr?: Level;
  /** Default `openid profile idcard enterprise`. */
  scope?: string;
  /** Client authentication at the token endpoint; default `client_secret_basic`. */
  clientAuth?: 'client_secret_basic' | 'client_secret_post';
  fetch?: typeof fetch;
  /** The relying party's clock for checking the ID token's times (Unix ms); default now. A test logging in at a simulator whose clock is elsewhere passes the simulator's. */
  now?: () => number;
}

export interface IdentityLogin {
  idToken: string;
  accessToken: string;
  /** The verified ID token's claims. */
  claims: IdTokenClaims;
}

/** A login that failed: `code` is the platform's `IDP-xxxx` when it gave one, else the OAuth error or `LOGIN_FAILED`. */
export class IdentityLoginError extends Error {
  constructor(readonly code: string, message: string, readonly status?: number) {
    super(message);
    this.name = 'IdentityLoginError';
  }
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

export async function loginWithIdentityPlatform(options: IdentityLoginOptions): Promise<IdentityLogin> {
  const http = options.fetch ?? fetch;
  const { person } = options;
  const method = person.method ?? 'face';
  const discovery = await json<Discovery>(http, `${options.issuer}${PATHS.discovery}`);
  if (discovery.issuer !== options.issuer) throw new IdentityLoginError('LOGIN_FAILED', `discovery names issuer "${discovery.issuer}", expected "${options.issuer}"`);

  const codeVerifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const parameters: Record<string, string> = {
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    scope: options.scope ?? 'openid profile idcard enterprise',
    state,
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    ...(options.acr === undefined ? {} : { acr_values: options.acr }),
  };

  const pageUrl = new URL(discovery.authorization_endpoint);
  for (const [name, value] of Object.entries({ ...parameters, login_hint: person.idNumber })) pageUrl.searchParams.set(name, value);
  const page = await http(pageUrl, { redirect: 'manual', headers: { accept: 'text/html' } });
  if (page.status === 302) throw redirectError(page.headers.get('location'), state);
  const html = await page.text();
  if (page.status !== 200 || !html.includes('data-idp="login"')) {
    const code = /data-error-code="([^"]+)"/.exec(html)?.[1] ?? 'LOGIN_FAILED';
    throw new IdentityLoginError(code, `login page: HTTP ${page.status}`, page.status);
  }

  let credential = person.credential;
  if (credential === undefined && method === 'sms') {
    const sent = await json<{ debugCode: string }>(http, new URL(PATHS.smsCodes, discovery.authorization_endpoint).href, {
      method: 'POST', body: new URLSearchParams({ id_number: person.idNumber }),
    });
    credential = sent.debugCode;
  }
  credential ??= method === 'password' ? DEFAULT_PASSWORD : SIMULATED_CREDENTIALS[method as keyof typeof SIMULATED_CREDENTIALS];
  const subjectType = person.subjectType ?? (person.creditCode === undefined ? 'natural' : 'legal');
  const login = await http(discovery.authorization_endpoint, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({
      ...parameters,
      subject_type: subjectType,
      id_number: person.idNumber,
      name: person.name,
      method,
      credential,
      ...(person.creditCode === undefined ? {} : { credit_code: person.creditCode }),
    }),
  });
  const location = login.headers.get('location');
  if (login.status !== 302 || location === null) {
    const body = await login.text();
    const code = /data-error-code="([^"]+)"/.exec(body)?.[1] ?? 'LOGIN_FAILED';
    throw new IdentityLoginError(code, `login: HTTP ${login.status} without a redirect`, login.status);
  }
  const callback = new URL(location);
  if (callback.searchParams.get('state') !== state) throw new IdentityLoginError('LOGIN_FAILED', 'the redirect does not carry the state sent');
  const code = callback.searchParams.get('code');
  if (code === null) throw redirectError(location, state);

  const tokenForm = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: options.redirectUri, code_verifier: codeVerifier });
  const headers: Record<string, string> = {};
  if (options.clientAuth === 'client_secret_post') {
    tokenForm.set('client_id', options.clientId);
    tokenForm.set('client_secret', options.clientSecret);
  } else {
    const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
    headers['authorization'] = `Basic ${Buffer.from(`${encode(options.clientId)}:${encode(options.clientSecret)}`).toString('base64')}`;
  }
  const tokens = await json<{ access_token: string; id_token: string }>(http, discovery.token_endpoint, { method: 'POST', headers, body: tokenForm });

  const jwks = await json<JSONWebKeySet>(http, discovery.jwks_uri);
  const verified = await jwtVerify<IdTokenClaims>(tokens.id_token, createLocalJWKSet(jwks), {
    issuer: discovery.issuer, audience: options.clientId, algorithms: ['ES256'], typ: 'JWT', ...(options.now ? { currentDate: new Date(options.now()) } : {}),
  }).catch((error: unknown) => {
    throw new IdentityLoginError('LOGIN_FAILED', `ID token: ${(error as Error).message}`);
  });
  if (verified.payload.nonce !== options.nonce) throw new IdentityLoginError('LOGIN_FAILED', 'ID token: "nonce" claim is not the nonce sent');
  return { idToken: tokens.id_token, accessToken: tokens.access_token, claims: verified.payload };
}

/** GETs or POSTs and reads a JSON answer; an error answer throws with its `error_code` or `error`. */
async function json<T>(http: typeof fetch, url: string, init?: RequestInit): Promise<T> {
  const answer = await http(url, init);
  const text = await answer.text();
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new IdentityLoginError('LOGIN_FAILED', `${url}: HTTP ${answer.status}, not JSON`, answer.status);
  }
  if (!answer.ok) {
    const code = typeof body['error_code'] === 'string' ? body['error_code'] : typeof body['error'] === 'string' ? body['error'] : 'LOGIN_FAILED';
    throw new IdentityLoginError(code, `${url}: HTTP ${answer.status} ${String(body['error_description'] ?? '')}`, answer.status);
  }
  return body as T;
}

function redirectError(location: string | null, state: string): IdentityLoginError {
  const parameters = location === null ? new URLSearchParams() : new URL(location).searchParams;
  if (location !== null && parameters.get('state') !== state) return new IdentityLoginError('LOGIN_FAILED', 'the redirect does not carry the state sent');
  const code = parameters.get('error_code') ?? parameters.get('error') ?? 'LOGIN_FAILED';
  return new IdentityLoginError(code, `login refused: ${parameters.get('error') ?? 'no error'} ${parameters.get('error_description') ?? ''}`.trim());
}
