/**
 * The OAuth parameters of an authorization request (RFC 6749 §4.1.1,
 * RFC 7636, OpenID Connect Core §3.1.2.1), checked in two steps: client
 * and redirect URI first (a failure there is shown, never redirected), then
 * the rest (a failure there is redirected to the client).
 */
import { ERROR_CODES, LEVELS, levelRank, SCOPES, type IdentityError as Failure, type Level } from '../identity-platform-api.js';
import type { IdentityClient } from './clients.js';

/** Form or query fields: a string each, `undefined` when absent; `duplicated` names a field sent twice. */
export interface Fields {
  readonly values: Readonly<Record<string, string | undefined>>;
  readonly duplicated: string | undefined;
}

export function fieldsOf(source: unknown): Fields {
  const values: Record<string, string | undefined> = {};
  let duplicated: string | undefined;
  if (source !== null && typeof source === 'object') {
    for (const [name, value] of Object.entries(source)) {
      if (typeof value === 'string') values[name] = value;
      else duplicated ??= name;
    }
  }
  return { values, duplicated };
}

export interface AuthorizationRequest {
  readonly client: IdentityClient;
  readonly redirectUri: string;
  readonly state: string | undefined;
  readonly nonce: string | undefined;
  /** Supported scopes asked for, space-separated (unknown ones are ignored). */
  readonly scope: string;
  readonly codeChallenge: string;
  /** The lowest level `acr_values` accepts, if any. */
  readonly minimumLevel: Level | undefined;
}

export type ClientCheck =
  | { ok: true; client: IdentityClient; redirectUri: string }
  | { ok: false; failure: Failure; description: string };

/** Step 1: the client and its exact redirect URI. */
export function checkClient(clients: ReadonlyMap<string, IdentityClient>, fields: Fields): ClientCheck {
  const { client_id: clientId, redirect_uri: redirectUri } = fields.values;
  const client = clientId === undefined ? undefined : clients.get(clientId);
  if (client === undefined) return { ok: false, failure: ERROR_CODES.unknownClient, description: `未注册的应用client_id "${clientId ?? ''}"` };
  if (redirectUri === undefined || !client.redirectUris.includes(redirectUri)) {
    return { ok: false, failure: ERROR_CODES.redirectUriNotRegistered, description: `redirect_uri "${redirectUri ?? ''}" 未在应用 ${client.clientId} 登记` };
  }
  return { ok: true, client, redirectUri };
}

export type RequestCheck =
  | { ok: true; request: AuthorizationRequest }
  | { ok: false; failure: Failure; description: string };

/** Step 2: response type, scope, PKCE, nonce, acr_values. */
export function checkAuthorizationRequest(checked: { client: IdentityClient; redirectUri: string }, fields: Fields): RequestCheck {
  const values = fields.values;
  const fail = (failure: Failure, description: string): RequestCheck => ({ ok: false, failure, description });
  if (fields.duplicated !== undefined) return fail(ERROR_CODES.invalidRequest, `参数${fields.duplicated}重复`);
  if (values['response_type'] !== 'code') return fail(ERROR_CODES.unsupportedResponseType, `不支持的response_type "${values['response_type'] ?? ''}"，仅支持code`);
  const scopes = (values['scope'] ?? '').split(' ').filter((scope) => scope !== '');
  if (!scopes.includes('openid')) return fail(ERROR_CODES.invalidScope, 'scope必须包含openid');
  const codeChallenge = values['code_challenge'];
  if (codeChallenge === undefined || values['code_challenge_method'] !== 'S256') {
    return fail(ERROR_CODES.pkceRequired, '必须使用PKCE：code_challenge_method=S256');
  }
  if (!/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) return fail(ERROR_CODES.pkceRequired, 'code_challenge不是SHA-256摘要的base64url编码');
  const nonce = values['nonce'];
  if (nonce !== undefined && (nonce === '' || nonce.length > 255)) return fail(ERROR_CODES.invalidRequest, 'nonce长度须为1至255');
  const state = values['state'];
  if (state !== undefined && state.length > 1024) return fail(ERROR_CODES.invalidRequest, 'state过长');
  let minimumLevel: Level | undefined;
  for (const value of (values['acr_values'] ?? '').split(' ').filter((item) => item !== '')) {
    if (levelRank(value) < 0) return fail(ERROR_CODES.invalidRequest, `acr_values "${value}" 不是 ${LEVELS.join('、')} 之一`);
    if (minimumLevel === undefined || levelRank(value) < levelRank(minimumLevel)) minimumLevel = value as Level;
  }
  return {
    ok: true,
    request: {
      client: checked.client,
      redirectUri: checked.redirectUri,
      state,
      nonce,
      scope: scopes.filter((scope) => (SCOPES as readonly string[]).includes(scope)).join(' '),
      codeChallenge,
      minimumLevel,
    },
  };
}

/** `redirect_uri` with the parameters added to its query. */
export function redirectTo(redirectUri: string, parameters: Readonly<Record<string, string | undefined>>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined) url.searchParams.set(name, value);
  return url.href;
}
