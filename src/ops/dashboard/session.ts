/**
 * Ops dashboard sessions and CSRF tokens, both stateless and HMAC-signed.
 *
 * - The session cookie holds `{user, sid, exp}` and its HMAC-SHA256; it is
 *   HttpOnly, SameSite=Strict, scoped to `/ops`, Secure over HTTPS, and
 *   expires (`exp` is checked, whatever the browser keeps).
 * - CSRF: signed double-submit. A second cookie holds `<random>.<HMAC(binding,
 *   random)>`, where the binding is the session id (or `login` before one
 *   exists); every POST form carries the same token in a hidden `_csrf`
 *   field. A POST passes only when field = cookie and the HMAC matches this
 *   session, so a token planted by another site or another session fails.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'tongban_ops_session';
export const CSRF_COOKIE = 'tongban_ops_csrf';
export const CSRF_FIELD = '_csrf';
/** The CSRF binding of the login form (no session yet). */
export const LOGIN_BINDING = 'login';

/** A valid session. */
export interface OpsSession {
  readonly user: string;
  /** Random id, binds the CSRF token. */
  readonly sid: string;
  /** Expiry, ms since the epoch. */
  readonly exp: number;
}

export interface SessionCodecOptions {
  /** Secret the HMAC keys are derived from (at least 32 bytes of entropy). */
  secret: Buffer | string;
  /** Session lifetime (s). */
  ttlSeconds: number;
  now?: () => number;
}

function equal(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Signs and reads session cookies and CSRF tokens. */
export class SessionCodec {
  private readonly sessionKey: Buffer;
  private readonly csrfKey: Buffer;
  private readonly now: () => number;

  constructor(private readonly options: SessionCodecOptions) {
    // Separate keys per purpose, so a CSRF token can never pass as a session and vice versa.
    this.sessionKey = createHmac('sha256', options.secret).update('tongban-ops-session-v1').digest();
    this.csrfKey = createHmac('sha256', options.secret).update('tongban-ops-csrf-v1').digest();
    this.now = options.now ?? Date.now;
  }

  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  /** A new session for `user` and its cookie value. */
  issue(user: string): { session: OpsSession; cookie: string } {
    const session: OpsSession = { user, sid: randomBytes(16).toString('base64url'), exp: this.now() + this.options.ttlSeconds * 1000 };
    const payload = Buffer.from(JSON.stringify({ u: session.user, s: session.sid, e: session.exp })).toString('base64url');
    return { session, cookie: `v1.${payload}.${this.mac(this.sessionKey, payload)}` };
  }

  /** The session a cookie value carries, or undefined when it is absent, forged, altered or expired. */
  read(cookie: string | undefined): OpsSession | undefined {
    if (!cookie) return undefined;
    const [version, payload, mac] = cookie.split('.');
    if (version !== 'v1' || !payload || !mac || !equal(mac, this.mac(this.sessionKey, payload))) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const { u, s, e } = (value ?? {}) as { u?: unknown; s?: unknown; e?: unknown };
    if (typeof u !== 'string' || typeof s !== 'string' || typeof e !== 'number') return undefined;
    if (e <= this.now()) return undefined;
    return { user: u, sid: s, exp: e };
  }

  /** A fresh CSRF token bound to a session id (or {@link LOGIN_BINDING}). */
  csrfToken(binding: string): string {
    const nonce = randomBytes(16).toString('base64url');
    return `${nonce}.${this.mac(this.csrfKey, `${binding}:${nonce}`)}`;
  }

  /** Whether a CSRF token was made for this binding by this gateway. */
  csrfTokenValid(token: string | undefined, binding: string): boolean {
    if (!token) return false;
    const [nonce, mac, extra] = token.split('.');
    return !!nonce && !!mac && extra === undefined && equal(mac, this.mac(this.csrfKey, `${binding}:${nonce}`));
  }

  /** Double-submit check: the form's token equals the cookie's, and is bound to `binding`. */
  csrfCheck(formToken: unknown, cookieToken: string | undefined, binding: string): boolean {
    return typeof formToken === 'string' && cookieToken !== undefined && equal(formToken, cookieToken) && this.csrfTokenValid(cookieToken, binding);
  }

  private mac(key: Buffer, text: string): string {
    return createHmac('sha256', key).update(text).digest('base64url');
  }
}

/** Parses a `Cookie` header (first value of each name wins). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index < 1) continue;
    const name = part.slice(0, index).trim();
    if (name in cookies) continue;
    try {
      cookies[name] = decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      // a malformed value is ignored, as if the cookie were absent
    }
  }
  return cookies;
}

/** A `Set-Cookie` value for the dashboard: HttpOnly, SameSite=Strict, Path=/ops; Secure over HTTPS; `maxAge` 0 deletes. */
export function cookieHeader(name: string, value: string, options: { maxAgeSeconds: number; secure: boolean }): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/ops', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
