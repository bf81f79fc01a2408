/**
 * Relying parties registered at the identity platform, and their
 * authentication at the token endpoint (client_secret_basic or
 * client_secret_post, RFC 6749 §2.3.1).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface IdentityClient {
  clientId: string;
  clientSecret: string;
  /** Exact redirect URIs accepted (no pattern matching, as OAuth 2.1 asks). */
  redirectUris: string[];
}

const DEVELOPMENT_REDIRECT_URIS = ['http://127.0.0.1/callback', 'urn:tongban:sandbox'];

/** Every Tongban development client that acts for applicants, registered under the same client id as at Tongban. */
export const DEFAULT_IDENTITY_CLIENTS: readonly Readonly<IdentityClient>[] = Object.freeze(
  ['platform', 'bangban', 'window-meizhou'].map((clientId) => Object.freeze({
    clientId, clientSecret: `${clientId}-secret`, redirectUris: [...DEVELOPMENT_REDIRECT_URIS],
  })),
);

export type ClientAuthentication =
  | { ok: true; client: IdentityClient; scheme: 'basic' | 'post' }
  | { ok: false; description: string; scheme: 'basic' | 'post' | 'none'; malformed?: boolean };

/** Authenticates the client of a token request from its Authorization header or its form fields. */
export function authenticateClient(clients: ReadonlyMap<string, IdentityClient>, headers: IncomingHttpHeaders, form: Record<string, string | undefined>): ClientAuthentication {
  const authorization = headers.authorization;
  if (authorization !== undefined && /^basic /i.test(authorization)) {
    if (form['client_secret'] !== undefined) return { ok: false, scheme: 'basic', malformed: true, description: '只能使用一种客户端认证方式' };
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { ok: false, scheme: 'basic', description: 'Authorization头格式错误' };
    const clientId = formDecode(decoded.slice(0, colon));
    if (form['client_id'] !== undefined && form['client_id'] !== clientId) {
      return { ok: false, scheme: 'basic', malformed: true, description: 'client_id与Authorization头不一致' };
    }
    return check(clients, clientId, formDecode(decoded.slice(colon + 1)), 'basic');
  }
  const clientId = form['client_id'];
  const secret = form['client_secret'];
  if (clientId === undefined || secret === undefined) return { ok: false, scheme: 'none', description: '缺少客户端认证信息' };
  return check(clients, clientId, secret, 'post');
}

function check(clients: ReadonlyMap<string, IdentityClient>, clientId: string, secret: string, scheme: 'basic' | 'post'): ClientAuthentication {
  const client = clients.get(clientId);
  if (client === undefined || !sameSecret(client.clientSecret, secret)) return { ok: false, scheme, description: '客户端认证失败' };
  return { ok: true, client, scheme };
}

function sameSecret(expected: string, given: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/** The `application/x-www-form-urlencoded` decoding RFC 6749 §2.3.1 applies to id and secret before base64. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}
