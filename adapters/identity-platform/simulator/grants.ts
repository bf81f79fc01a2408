/**
 * Authorization codes (single use, bound to the client, redirect URI, PKCE
 * challenge and nonce) and the access tokens issued for them. A code
 * presented twice revokes every token issued from it (RFC 6749 §4.1.2).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ERROR_CODES, type IdentityClaims, type IdentityError } from '../identity-platform-api.js';
import type { IdentityClient } from './clients.js';

/** Lifetime of an authorization code (ms). */
export const CODE_TTL_MS = 60_000;
/** How long an expired code is remembered (ms). */
const CODE_MEMORY_MS = 10 * 60_000;

/** What the authorization and token endpoints share. */
export interface GrantContext {
  readonly clients: ReadonlyMap<string, IdentityClient>;
  readonly grants: Grants;
  /** Unix ms. */
  readonly clock: () => number;
}

export interface CodeBinding {
  readonly clientId: string;
  readonly redirectUri: string;
  /** S256 code challenge. */
  readonly codeChallenge: string;
  readonly nonce: string | undefined;
  /** Granted scopes, space-separated. */
  readonly scope: string;
  readonly identity: IdentityClaims;
}

interface CodeRecord extends CodeBinding {
  readonly expiresAt: number;
  redeemed: boolean;
  readonly accessTokens: string[];
}

export interface AccessTokenRecord {
  readonly clientId: string;
  readonly scope: string;
  readonly identity: IdentityClaims;
  readonly expiresAt: number;
  revoked: boolean;
}

export type Redemption =
  | { ok: true; binding: CodeBinding; issueAccessToken: (ttlMs: number) => string }
  | { ok: false; failure: IdentityError; description: string };

export class Grants {
  private readonly codes = new Map<string, CodeRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();

  constructor(private readonly clock: () => number) {}

  /** A new code: 32 random bytes, base64url. */
  issueCode(binding: CodeBinding): string {
    this.prune();
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, { ...binding, expiresAt: this.clock() + CODE_TTL_MS, redeemed: false, accessTokens: [] });
    return code;
  }

  /**
   * Redeems a code for the authenticated client. Every attempt consumes the
   * code, failed or not, so a stolen code cannot be tried against PKCE.
   */
  redeem(code: string, request: { clientId: string; redirectUri: string; codeVerifier: string }): Redemption {
    const record = this.codes.get(code);
    if (record === undefined || record.clientId !== request.clientId) {
      return { ok: false, failure: ERROR_CODES.codeUnknown, description: '授权码无效' };
    }
    if (record.redeemed) {
      for (const token of record.accessTokens) this.accessTokens.get(token)!.revoked = true;
      return { ok: false, failure: ERROR_CODES.codeUnknown, description: '授权码已使用，由其签发的令牌已撤销' };
    }
    record.redeemed = true;
    if (this.clock() >= record.expiresAt) return { ok: false, failure: ERROR_CODES.codeExpired, description: '授权码已过期' };
    if (record.redirectUri !== request.redirectUri) {
      return { ok: false, failure: ERROR_CODES.redirectUriMismatch, description: 'redirect_uri与申请授权码时不一致' };
    }
    if (!pkceMatches(request.codeVerifier, record.codeChallenge)) {
      return { ok: false, failure: ERROR_CODES.pkceMismatch, description: 'code_verifier与code_challenge不匹配' };
    }
    return {
      ok: true,
      binding: record,
      issueAccessToken: (ttlMs) => {
        const token = randomBytes(32).toString('base64url');
        this.accessTokens.set(token, { clientId: record.clientId, scope: record.scope, identity: record.identity, expiresAt: this.clock() + ttlMs, revoked: false });
        record.accessTokens.push(token);
        return token;
      },
    };
  }

  /** A live access token, or why not. */
  accessToken(token: string): AccessTokenRecord | 'unknown' | 'expired' | 'revoked' {
    const record = this.accessTokens.get(token);
    if (record === undefined) return 'unknown';
    if (record.revoked) return 'revoked';
    if (this.clock() >= record.expiresAt) return 'expired';
    return record;
  }

  /**
   * Forgets expired tokens, and codes expired for {@link CODE_MEMORY_MS} whose tokens are gone: until then a late
   * code is answered "expired" rather than "unknown", and a reused one still revokes what it issued.
   */
  private prune(): void {
    const now = this.clock();
    for (const [token, record] of this.accessTokens) if (now >= record.expiresAt) this.accessTokens.delete(token);
    for (const [code, record] of this.codes) {
      if (now >= record.expiresAt + CODE_MEMORY_MS && record.accessTokens.every((token) => !this.accessTokens.has(token))) this.codes.delete(code);
    }
  }
}

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge, verifier of 43–128 unreserved characters. */
function pkceMatches(verifier: string, challenge: string): boolean {
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
