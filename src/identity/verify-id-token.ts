/**
 * Verifies an applicant's ID token from the identity platform (统一身份认证),
 * an OpenID Connect provider: signature against the platform's published
 * keys (JWKS, fetched again once when a token names an unknown key, so a
 * rotation is followed), issuer, expiry, audience, real-name level, and the
 * nonce Tongban issued for the login. Checks run in a fixed order, each with
 * its own 401 code (docs/identity.md).
 */
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { TongbanError } from '../errors/index.js';
import type { Actor, Level } from './actor.js';
import { LEVELS, levelAtLeast } from './actor.js';
import type { IdentityNonces } from './identity-nonces.js';
import { idTokenDigest } from '../trust/sign-request.js';

/** Clock difference tolerated on `exp` and `iat` (s). */
export const ID_TOKEN_LEEWAY_SECONDS = 60;
/** Longest ID token accepted, unparsed beyond that. */
const MAX_TOKEN_LENGTH = 16_384;
const ALGORITHMS = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'];
/** How long the platform's key set is used before it is read again: a key it stops publishing is refused after at most this long (ms). */
export const KEYS_MAX_AGE_MS = 60_000;
/** Least time between two reads of the key set caused by tokens naming unknown keys (ms). */
export const KEYS_RELOAD_INTERVAL_MS = 1_000;

export interface IdTokenVerifierOptions {
  /** The identity platform's issuer URL (no trailing slash). */
  issuer: string;
  nonces: IdentityNonces;
  /** Clock (ms). Default Date.now. */
  now?: () => number;
  /** Timeout of discovery and JWKS fetches (ms). Default 5000. */
  timeoutMs?: number;
}

/** The base64url SHA-256 of an ID token, as the `idt` signature claim and the nonce table hold it. */
export const idTokenDigestOf = idTokenDigest;

export class IdTokenVerifier {
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  private reloading: Promise<void> | undefined;
  private lastReload = 0;
  /** Tokens verified before, by digest: the same applicant session is not verified again until its exp. */
  private readonly verified = new Map<string, { actor: Actor; clientId: string }>();

  constructor(private readonly options: IdTokenVerifierOptions) {
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /**
   * The actor an ID token presented by `clientId` authenticates, at `minimum` level or above.
   * @throws TongbanError ID_TOKEN_INVALID, ID_TOKEN_UNKNOWN_KEY, ID_TOKEN_EXPIRED, ID_TOKEN_AUDIENCE, ID_TOKEN_LEVEL,
   *   ID_TOKEN_NONCE, ID_TOKEN_REPLAYED; IDENTITY_UNAVAILABLE when the platform's keys cannot be read.
   */
  async verify(token: string, clientId: string, minimum: Level): Promise<Actor> {
    const digest = idTokenDigestOf(token);
    const known = this.verified.get(digest);
    if (known && known.clientId === clientId) {
      if (known.actor.expiresAt + ID_TOKEN_LEEWAY_SECONDS * 1000 < this.now()) throw expired();
      checkLevel(known.actor.level, minimum);
      return known.actor;
    }
    const payload = await this.verifySignature(token);
    const actor = this.readActor(payload, clientId, digest);
    checkLevel(actor.level, minimum);
    const nonce = payload['nonce'];
    if (typeof nonce !== 'string' || nonce === '') throw new TongbanError('ID_TOKEN_NONCE', 'The ID token has no nonce: start the login with a nonce from POST /v1/identity/nonces');
    await this.options.nonces.consume(nonce, clientId, digest, Number(payload.iat ?? 0) * 1000, actor.expiresAt);
    if (this.verified.size >= 10_000) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(digest, { actor, clientId });
    return actor;
  }

  private async verifySignature(token: string): Promise<JWTPayload> {
    if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) throw invalid('it is not a compact JWS');
    try {
      decodeProtectedHeader(token);
    } catch {
      throw invalid('its protected header is unreadable');
    }
    const keys = await this.jwks();
    const verify = async () => (await jwtVerify(token, keys, { algorithms: ALGORITHMS, clockTolerance: ID_TOKEN_LEEWAY_SECONDS, currentDate: new Date(this.now()) })).payload;
    try {
      try {
        return await verify();
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
        await this.reloadKeys(keys); // the platform may have rotated its key
        return await verify();
      }
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) throw new TongbanError('ID_TOKEN_UNKNOWN_KEY', 'The ID token is signed by a key ("kid") the identity platform does not publish');
      if (error instanceof errors.JWTExpired) throw expired();
      if (error instanceof errors.JWSSignatureVerificationFailed) throw invalid('signature does not verify');
      if (error instanceof errors.JOSEAlgNotAllowed) throw invalid(`"alg" is not one of ${ALGORITHMS.join(', ')}`);
      if (error instanceof errors.JWTClaimValidationFailed) throw invalid(`"${error.claim}" claim ${error.reason === 'check_failed' ? 'check failed' : 'is invalid'}`);
      if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error instanceof TypeError) {
        throw new TongbanError('IDENTITY_UNAVAILABLE', `The identity platform's keys could not be read: ${(error as Error).message}`);
      }
      if (error instanceof errors.JOSEError) throw invalid((error as Error).message);
      throw error;
    }
  }

  private readActor(payload: JWTPayload, clientId: string, digest: string): Actor {
    if (payload.iss !== this.options.issuer) throw invalid(`"iss" claim is not ${this.options.issuer}`);
    if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number') throw invalid('"exp" and "iat" claims are required');
    const audience = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audience.includes(clientId)) throw new TongbanError('ID_TOKEN_AUDIENCE', `The ID token was issued to ${JSON.stringify(payload.aud)}, not to client "${clientId}"`);
    const text = (name: string): string => {
      const value = payload[name];
      if (typeof value !== 'string' || value === '' || value.length > 200) throw invalid(`"${name}" claim is required`);
      return value;
    };
    const subjectType = text('subject_type');
    if (subjectType !== 'natural' && subjectType !== 'legal') throw invalid('"subject_type" claim must be natural or legal');
    const acr = payload['acr'];
    const level = (LEVELS as readonly unknown[]).includes(acr) ? acr as Level : undefined;
    if (level === undefined) throw new TongbanError('ID_TOKEN_LEVEL', `The ID token's real-name level ${JSON.stringify(acr)} is not one of ${LEVELS.join(', ')}`);
    const methods = Array.isArray(payload['amr']) ? payload['amr'].filter((method): method is string => typeof method === 'string') : [];
    const orgRole = payload['org_role'];
    return {
      issuer: this.options.issuer, sub: text('sub'), subjectType, idNumber: text('id_number').toUpperCase(), name: text('name'),
      ...(subjectType === 'legal' ? {
        creditCode: text('credit_code').toUpperCase(), orgName: text('org_name'),
        orgRole: orgRole === 'legalRepresentative' ? 'legalRepresentative' as const : 'agent' as const,
      } : {}),
      level, methods,
      authTime: typeof payload['auth_time'] === 'number' ? payload['auth_time'] * 1000 : payload.iat * 1000,
      expiresAt: payload.exp * 1000,
      tokenDigest: digest,
    };
  }

  /** The platform's key set, from the `jwks_uri` of its discovery document (read once; retried after a failure). */
  private async jwks(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (this.keys) return this.keys;
    const url = `${this.options.issuer}/.well-known/openid-configuration`;
    let discovery: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs), headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      discovery = await response.json() as typeof discovery;
    } catch (error) {
      throw new TongbanError('IDENTITY_UNAVAILABLE', `The identity platform's discovery document could not be read: ${(error as Error).message}`);
    }
    if (discovery.issuer !== this.options.issuer || typeof discovery.jwks_uri !== 'string') {
      throw new TongbanError('IDENTITY_UNAVAILABLE', `${url} does not describe issuer ${this.options.issuer} with a jwks_uri`);
    }
    // jose's own refetch on an unknown kid is left to reloadKeys (its cooldown would refuse a new key for a while after any unknown one).
    this.keys = createRemoteJWKSet(new URL(discovery.jwks_uri), { timeoutDuration: this.timeoutMs, cooldownDuration: KEYS_MAX_AGE_MS, cacheMaxAge: KEYS_MAX_AGE_MS });
    return this.keys;
  }

  /**
   * Reads the key set again, at most once per {@link KEYS_RELOAD_INTERVAL_MS}:
   * tokens naming unknown keys wait for the next read rather than each
   * causing one, so forged kids cannot flood the platform, and a genuine new
   * key is found within that interval.
   */
  private reloadKeys(keys: ReturnType<typeof createRemoteJWKSet>): Promise<void> {
    this.reloading ??= (async () => {
      const wait = this.lastReload + KEYS_RELOAD_INTERVAL_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.lastReload = Date.now();
      await keys.reload();
    })().finally(() => { this.reloading = undefined; });
    return this.reloading;
  }
}

function checkLevel(level: Level, minimum: Level): void {
  if (!levelAtLeast(level, minimum)) throw new TongbanError('ID_TOKEN_LEVEL', `The ID token's real-name level ${level} is below ${minimum}, which this action requires: log in with face recognition, 电子社保卡 or 电子营业执照 (L3)${minimum === 'L2' ? ' or SMS (L2)' : ''}`);
}

function expired(): TongbanError {
  return new TongbanError('ID_TOKEN_EXPIRED', 'The ID token has expired: log the applicant in again');
}

function invalid(reason: string): TongbanError {
  return new TongbanError('ID_TOKEN_INVALID', `The ID token is not valid: ${reason}`);
}
