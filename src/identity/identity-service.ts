/**
 * The applicant's verified identity for a request: the `Tongban-Id-Token`
 * header, bound to the request signature by its `idt` claim, verified
 * against the identity platform. Without a configured identity platform
 * nothing that needs a person's identity is done (503 IDENTITY_UNAVAILABLE).
 */
import type { Request } from 'express';
import { TongbanError } from '../errors/index.js';
import { ID_TOKEN_HEADER } from '../trust/claims.js';
import type { Store } from '../store/index.js';
import type { Actor, Level } from './actor.js';
import { IdentityNonces } from './identity-nonces.js';
import { IdTokenVerifier, idTokenDigestOf } from './verify-id-token.js';

export interface IdentityServiceOptions {
  /** The identity platform's issuer URL; absent = not configured. */
  issuer: string | undefined;
  /** Lowest level accepted for any action. */
  minLevel: Level;
  store: Store;
  now?: () => number;
}

export class IdentityService {
  readonly nonces: IdentityNonces;
  readonly minLevel: Level;
  readonly issuer: string | undefined;
  private readonly verifier: IdTokenVerifier | undefined;

  constructor(options: IdentityServiceOptions) {
    this.issuer = options.issuer?.replace(/\/+$/, '');
    this.minLevel = options.minLevel;
    this.nonces = new IdentityNonces(options.store, options.now);
    this.verifier = this.issuer ? new IdTokenVerifier({ issuer: this.issuer, nonces: this.nonces, ...(options.now ? { now: options.now } : {}) }) : undefined;
  }

  /** @throws TongbanError IDENTITY_UNAVAILABLE when no identity platform is configured. */
  requireConfigured(): void {
    if (!this.verifier) throw unavailable();
  }

  /**
   * The person the request's ID token authenticates, at the minimum level (or `minimum` when higher).
   * @throws TongbanError ID_TOKEN_* (401), IDENTITY_UNAVAILABLE (503).
   */
  async actorOf(req: Request, minimum: Level = this.minLevel): Promise<Actor> {
    if (!this.verifier) throw unavailable();
    const header = req.headers[ID_TOKEN_HEADER];
    if (header === undefined || header === '') {
      throw new TongbanError('ID_TOKEN_MISSING', 'This request acts on a person\'s data: send the applicant\'s ID token from the identity platform in the Tongban-Id-Token header (and its digest in the signature\'s "idt" claim)');
    }
    if (typeof header !== 'string') throw new TongbanError('ID_TOKEN_INVALID', 'The Tongban-Id-Token header is repeated');
    const token = header.trim();
    if (req.signatureIdt === undefined) throw new TongbanError('ID_TOKEN_INVALID', 'The ID token is not valid: the request signature has no "idt" claim binding it');
    if (req.signatureIdt !== idTokenDigestOf(token)) throw new TongbanError('ID_TOKEN_INVALID', 'The ID token is not valid: the signature\'s "idt" claim is not the digest of this Tongban-Id-Token');
    const minimumLevel = levelMax(minimum, this.minLevel);
    const actor = await this.verifier.verify(token, req.client!.id, minimumLevel);
    req.actor = actor;
    return actor;
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The person the request's ID token authenticates (set by IdentityService.actorOf). */
      actor?: Actor;
    }
  }
}

function levelMax(a: Level, b: Level): Level {
  return a > b ? a : b;
}

function unavailable(): TongbanError {
  return new TongbanError('IDENTITY_UNAVAILABLE', 'No identity platform is configured (TONGBAN_IDENTITY_ISSUER): nothing that uses a person\'s data can be done without their verified identity');
}
