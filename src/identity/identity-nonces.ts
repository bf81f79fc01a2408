/**
 * Nonces for logins at the identity platform. Tongban issues one to a client
 * before the applicant logs in; the client passes it to the identity
 * platform, which writes it into the ID token. The first token carrying it
 * consumes it: a nonce is one login, so a second token with the same nonce,
 * or a nonce Tongban did not issue to this client, is refused.
 */
import { randomBytes } from 'node:crypto';
import { TongbanError } from '../errors/index.js';
import type { Store } from '../store/index.js';

/** How long an issued nonce stays usable for a login to start (ms). */
export const NONCE_TTL_MS = 10 * 60_000;

interface NonceRow { client_id: string; expires_at: number | string; token_jti: string | null }

export class IdentityNonces {
  private lastPurge = 0;

  constructor(private readonly store: Store, private readonly now: () => number = Date.now, private readonly ttlMs = NONCE_TTL_MS) {}

  /** A fresh nonce for `clientId`: 32 random bytes, base64url. */
  async issue(clientId: string): Promise<{ nonce: string; expiresAt: string }> {
    const now = this.now();
    const nonce = randomBytes(32).toString('base64url');
    await this.store.query('INSERT INTO identity_nonces (nonce, client_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [nonce, clientId, now, now + this.ttlMs]);
    this.purgeNowAndThen(now);
    return { nonce, expiresAt: new Date(now + this.ttlMs).toISOString() };
  }

  /**
   * Consumes `nonce` for the token `tokenDigest` presented by `clientId`
   * (again for the same token: nothing changes).
   * @param issuedAtMs the token's `iat`: the nonce must not have expired before the login.
   * @param expiresAtMs the token's `exp`: the consumed nonce is kept until then.
   * @throws TongbanError ID_TOKEN_NONCE (unknown, another client's, expired before the login), ID_TOKEN_REPLAYED (consumed by another token).
   */
  async consume(nonce: string, clientId: string, tokenDigest: string, issuedAtMs: number, expiresAtMs: number): Promise<void> {
    const row = await this.read(nonce);
    if (!row || row.client_id !== clientId) throw new TongbanError('ID_TOKEN_NONCE', `The ID token's nonce was not issued by Tongban to client "${clientId}" (ask POST /v1/identity/nonces before the login)`);
    if (row.token_jti === tokenDigest) return;
    if (row.token_jti !== null) throw replayed();
    if (Number(row.expires_at) < issuedAtMs) throw new TongbanError('ID_TOKEN_NONCE', `The ID token's nonce had expired (at ${new Date(Number(row.expires_at)).toISOString()}) before the login`);
    const { rowCount } = await this.store.query('UPDATE identity_nonces SET token_jti = $1, token_exp = $2, consumed_at = $3 WHERE nonce = $4 AND token_jti IS NULL',
      [tokenDigest, expiresAtMs, this.now(), nonce]);
    if (rowCount === 0 && (await this.read(nonce))?.token_jti !== tokenDigest) throw replayed();
  }

  private async read(nonce: string): Promise<NonceRow | undefined> {
    const { rows } = await this.store.query<NonceRow>('SELECT client_id, expires_at, token_jti FROM identity_nonces WHERE nonce = $1', [nonce]);
    return rows[0];
  }

  /** Deletes nonces no login can use any more, at most once a minute, in the background. */
  private purgeNowAndThen(now: number): void {
    if (now - this.lastPurge < 60_000) return;
    this.lastPurge = now;
    this.store.query('DELETE FROM identity_nonces WHERE expires_at < $1 AND (token_exp IS NULL OR token_exp < $1)', [now - 60_000])
      .catch(() => { this.lastPurge = 0; });
  }
}

function replayed(): TongbanError {
  return new TongbanError('ID_TOKEN_REPLAYED', 'The ID token\'s login (its nonce) was already used by another ID token: log the applicant in again');
}
