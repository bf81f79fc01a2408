/**
 * Authorisations (授权): the applicant's recorded consent that a platform may
 * use some of their licences, for one theme (and optionally some of its
 * matters), until a time. Every licence access must name one that covers it.
 *
 * Glossary: holder 持证主体 (whose licences), licence type 证照类型 (by key,
 * e.g. `residentIdCard`), purpose 用途 (theme 主题 and matters 事项), consent
 * 同意 (how and when the applicant agreed: face recognition 人脸识别, SMS code,
 * signature 签名, at the counter 窗口).
 */
import { randomUUID } from 'node:crypto';
import type { CatalogStore } from '../catalog/index.js';
import { TongbanError, validationError } from '../errors/index.js';
import { LICENCE_TYPES, type LicenceHolderType, type LicenceTypeKey } from '../domain/licence-library.js';
// The identity module's files, not its index: counter codes (exported there) use authorisations.
import { ActingFor } from '../identity/acting-for.js';
import { actorRecord, type Actor, type ActorRecord } from '../identity/actor.js';
import type { Store } from '../store/index.js';
import { parseAuthorizationRequest, type AuthorizationRequest, type ConsentMethod } from './authorization-request.js';

export type AuthorizationStatus = 'active' | 'expired' | 'revoked';

/** A recorded authorisation. Times are ISO 8601. */
export interface Authorization {
  readonly id: string;
  /** The platform client that recorded it; only it may use it. */
  readonly clientId: string;
  readonly holder: { readonly code: string; readonly type: LicenceHolderType };
  /** Licence type keys (`residentIdCard`, …). */
  readonly licenceTypes: readonly string[];
  /** `matterCodes` empty = every matter of the theme. */
  readonly purpose: { readonly themeCode: string; readonly matterCodes: readonly string[]; readonly description: string | null };
  readonly consent: { readonly method: ConsentMethod; readonly at: string };
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  /** As of the moment it was read. */
  readonly status: AuthorizationStatus;
  /**
   * The person who gave it through the client, as the identity platform
   * authenticated them, and in which capacity; only that person can use it.
   * `null` for an authorisation recorded before identities (migration 012): readable, never usable.
   */
  readonly actor: ActorRecord | null;
}

/** A licence use that needs an authorisation. */
export interface CoverageRequest {
  readonly clientId: string;
  /** Missing → AUTHORIZATION_REQUIRED. */
  readonly authorizationId: string | undefined;
  readonly holderCode: string;
  readonly holderType: LicenceHolderType;
  /** Licence type keys wanted. */
  readonly licenceTypes: readonly string[];
  readonly themeCode: string;
  /** The matters the use is for; omitted or empty = the theme as the authorisation allows it. */
  readonly matterCodes?: readonly string[];
  /** When the use happens. Default: now. */
  readonly at?: Date;
  /** The person acting, from the request's ID token: must be the one the authorisation was recorded for. */
  readonly actor: Actor;
}

interface AuthorizationRow {
  id: string;
  client_id: string;
  holder_code: string;
  holder_type: LicenceHolderType;
  licence_types: string;
  theme_code: string;
  matter_codes: string;
  purpose: string | null;
  consent: string;
  created_at: number | string;
  expires_at: number | string;
  revoked_at: number | string | null;
  actor: string | null;
}

const COLUMNS = 'id, client_id, holder_code, holder_type, licence_types, theme_code, matter_codes, purpose, consent, created_at, expires_at, revoked_at, actor';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `id` has the shape of an authorisation id (a lower-case UUID). */
export function isAuthorizationId(id: unknown): id is string {
  return typeof id === 'string' && UUID.test(id);
}

export interface AuthorizationServiceOptions {
  /** Clock for statuses, expiry and the cache. Default now. */
  now?: () => Date;
  /**
   * How long (ms) an authorisation read for a licence use is used again
   * without reading it: the bound within which a revocation recorded by
   * another gateway process (PostgreSQL replicas) takes effect here. A
   * revocation through this service takes effect at once; expiry is always
   * checked at the instant of use. Default {@link AUTHORIZATION_CACHE_MS}; 0 reads every time.
   */
  cacheMs?: number;
  /** Most authorisations remembered (least recently used first out). Default 10,000. */
  cacheEntries?: number;
  /** Who may act for a holder (guardianship, delegations). Default: holders for themselves only. */
  actingFor?: ActingFor;
}

/** Default of {@link AuthorizationServiceOptions.cacheMs}: 1 s. */
export const AUTHORIZATION_CACHE_MS = 1000;

export class AuthorizationService {
  private readonly now: () => Date;
  private readonly cacheMs: number;
  private readonly cacheEntries: number;
  private readonly actingFor: ActingFor;
  /** Authorisation rows read for licence uses, by id, with the instant (ms, service clock) they were read. */
  private readonly recent = new Map<string, { row: Promise<AuthorizationRow | undefined>; readAt: number }>();

  constructor(private readonly store: Store, private readonly catalog: CatalogStore, options: AuthorizationServiceOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.cacheMs = options.cacheMs ?? AUTHORIZATION_CACHE_MS;
    this.cacheEntries = options.cacheEntries ?? 10_000;
    this.actingFor = options.actingFor ?? new ActingFor();
  }

  /**
   * Records an authorisation for `clientId` from a `POST /v1/authorizations`
   * body, given by `actor` (the applicant's verified identity) for the
   * holder: as the holder, their guardian or their agent.
   * @throws TongbanError VALIDATION_FAILED (pointers into the body), NOT_FOUND (theme not in the catalogue),
   *   HOLDER_MISMATCH (the actor may not act for the holder), DELEGATION_*.
   */
  async create(clientId: string, body: unknown, actor: Actor): Promise<Authorization> {
    const now = this.now();
    const request = parseAuthorizationRequest(body, now);
    await this.checkPurpose(request);
    const record = await this.actingFor.resolve(actor, {
      clientId, holder: request.holder, themeCode: request.purpose.themeCode, licenceTypes: request.licenceTypes, at: now,
    });
    return this.insert(clientId, request, record, now);
  }

  /**
   * Records an authorisation for `clientId` that a trusted caller has
   * already established `actor` may give (a counter officer's, made by
   * scanning the applicant's QR code): no acting-for resolution here.
   * @throws TongbanError NOT_FOUND (theme not in the catalogue), VALIDATION_FAILED (theme withdrawn, matters not of it).
   */
  async recordFor(clientId: string, request: AuthorizationRequest, actor: ActorRecord): Promise<Authorization> {
    await this.checkPurpose(request);
    return this.insert(clientId, request, actor, this.now());
  }

  /** The theme exists, is not withdrawn, and the matters named are its own. */
  private async checkPurpose(request: AuthorizationRequest): Promise<void> {
    const { themeCode, matterCodes } = request.purpose;
    const theme = await this.catalog.getTheme(themeCode);
    if (!theme) {
      throw new TongbanError('NOT_FOUND', `No theme "${themeCode}" in the catalogue`, { errors: [{ pointer: '/purpose/themeCode', message: `no theme "${themeCode}" in the catalogue` }] });
    }
    if (theme.status === 'withdrawn') throw validationError([{ pointer: '/purpose/themeCode', message: `theme "${themeCode}" (${theme.name}) was withdrawn` }]);
    const foreign = matterCodes.flatMap((code, index) => theme.matterCodes.includes(code) ? [] : [{ pointer: `/purpose/matterCodes/${index}`, message: `matter "${code}" is not a matter of theme ${themeCode} (${theme.matterCodes.join(', ')})` }]);
    if (foreign.length > 0) throw validationError(foreign);
  }

  private async insert(clientId: string, request: AuthorizationRequest, actor: ActorRecord, now: Date): Promise<Authorization> {
    const id = randomUUID();
    await this.store.query(`INSERT INTO authorizations (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, [
      id, clientId, request.holder.code, request.holder.type, JSON.stringify(request.licenceTypes), request.purpose.themeCode, JSON.stringify(request.purpose.matterCodes),
      request.purpose.description, JSON.stringify({ method: request.consent.method, at: request.consent.at.toISOString() }),
      now.getTime(), request.expiresAt.getTime(), null, JSON.stringify(actor),
    ]);
    return (await this.get(id))!;
  }

  /** An authorisation by id, whoever recorded it (callers check the client), as stored now. */
  async get(id: string): Promise<Authorization | undefined> {
    if (!isAuthorizationId(id)) return undefined;
    const row = await this.readRow(id);
    return row ? this.toAuthorization(row) : undefined;
  }

  private async readRow(id: string): Promise<AuthorizationRow | undefined> {
    const { rows } = await this.store.query<AuthorizationRow>(`SELECT ${COLUMNS} FROM authorizations WHERE id = $1`, [id]);
    return rows[0];
  }

  /**
   * An authorisation for a licence use: read at most {@link AuthorizationServiceOptions.cacheMs}
   * ago (a failed read is not remembered), its status computed now.
   */
  private async getForUse(id: string): Promise<Authorization | undefined> {
    if (!isAuthorizationId(id)) return undefined;
    const now = this.now().getTime();
    let entry = this.recent.get(id);
    if (entry && now - entry.readAt <= this.cacheMs && now >= entry.readAt) {
      // Most recently used last: the first in the map is the one to evict.
      this.recent.delete(id);
      this.recent.set(id, entry);
    } else {
      entry = { row: this.readRow(id), readAt: now };
      if (this.cacheMs > 0) {
        if (this.recent.size >= this.cacheEntries) this.recent.delete(this.recent.keys().next().value!);
        this.recent.set(id, entry);
        const remembered = entry;
        remembered.row.catch(() => { if (this.recent.get(id) === remembered) this.recent.delete(id); });
      }
    }
    const row = await entry.row;
    return row ? this.toAuthorization(row) : undefined;
  }

  /** A client's authorisations, newest first, optionally of one holder. */
  async list(clientId: string, options: { holderCode?: string; limit: number }): Promise<Authorization[]> {
    const { rows } = options.holderCode === undefined
      ? await this.store.query<AuthorizationRow>(`SELECT ${COLUMNS} FROM authorizations WHERE client_id = $1 ORDER BY created_at DESC, id LIMIT $2`, [clientId, options.limit])
      : await this.store.query<AuthorizationRow>(`SELECT ${COLUMNS} FROM authorizations WHERE client_id = $1 AND holder_code = $2 ORDER BY created_at DESC, id LIMIT $3`,
        [clientId, options.holderCode, options.limit]);
    return rows.map((row) => this.toAuthorization(row));
  }

  /**
   * Revokes a client's authorisation (again: no change). Uses after this are refused.
   * @throws TongbanError NOT_FOUND when unknown or another client's.
   */
  async revoke(clientId: string, id: string): Promise<Authorization> {
    const existing = await this.get(id);
    if (!existing || existing.clientId !== clientId) throw new TongbanError('NOT_FOUND', `No authorisation "${id}" of client "${clientId}"`);
    await this.store.query('UPDATE authorizations SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [this.now().getTime(), id]);
    // After the UPDATE: a read that began before it may have remembered the row unrevoked.
    this.recent.delete(id);
    return (await this.get(id))!;
  }

  /**
   * The client's authorisation, if it exists, is in force at `at`, and
   * `actor` is the person it was recorded for (for an agent: under a
   * delegation still in force).
   * @throws TongbanError AUTHORIZATION_REQUIRED (none named, unknown, another client's), AUTHORIZATION_REVOKED (revoked),
   *   AUTHORIZATION_EXPIRED (past its `expiresAt`), HOLDER_MISMATCH (another person, or recorded without identity), DELEGATION_*.
   */
  async requireActive(request: { clientId: string; authorizationId: string | undefined; actor: Actor; at?: Date }): Promise<Authorization> {
    const { clientId, authorizationId } = request;
    if (authorizationId === undefined || authorizationId === '') {
      throw new TongbanError('AUTHORIZATION_REQUIRED', 'Licence use needs the holder\'s authorisation: record one with POST /v1/authorizations and pass its id as authorizationId');
    }
    const authorization = await this.getForUse(authorizationId);
    // Another client's authorisation is reported exactly like an unknown one: its existence is not the caller's business.
    if (!authorization || authorization.clientId !== clientId) {
      throw new TongbanError('AUTHORIZATION_REQUIRED', `No authorisation "${authorizationId.slice(0, 64)}" recorded by client "${clientId}"`);
    }
    const at = request.at ?? this.now();
    if (authorization.revokedAt !== null) throw new TongbanError('AUTHORIZATION_REVOKED', `Authorisation ${authorization.id} was revoked at ${authorization.revokedAt}`);
    if (Date.parse(authorization.expiresAt) <= at.getTime()) throw new TongbanError('AUTHORIZATION_EXPIRED', `Authorisation ${authorization.id} expired at ${authorization.expiresAt}`);
    await this.actingFor.recheck(authorization.actor, request.actor, at);
    return authorization;
  }

  /**
   * Checks that an authorisation covers a use: same holder, every licence
   * type, the theme and (when it is limited to some) the matters.
   * @throws TongbanError AUTHORIZATION_NOT_COVERING naming what is not covered.
   */
  checkCovers(authorization: Authorization, use: Pick<CoverageRequest, 'holderCode' | 'holderType' | 'licenceTypes' | 'themeCode' | 'matterCodes'>): void {
    const id = authorization.id;
    if (authorization.holder.code !== use.holderCode || authorization.holder.type !== use.holderType) {
      throw new TongbanError('AUTHORIZATION_NOT_COVERING', `Authorisation ${id} was given by another holder`);
    }
    const missing = [...new Set(use.licenceTypes)].filter((type) => !authorization.licenceTypes.includes(type));
    if (missing.length > 0) {
      const names = missing.map((key) => `${Object.hasOwn(LICENCE_TYPES, key) ? LICENCE_TYPES[key as LicenceTypeKey].name : key} (${key})`);
      throw new TongbanError('AUTHORIZATION_NOT_COVERING', `Authorisation ${id} does not cover licence type${missing.length > 1 ? 's' : ''} ${names.join(', ')}`,
        { extensions: { missingLicenceTypes: missing } });
    }
    if (authorization.purpose.themeCode !== use.themeCode) {
      throw new TongbanError('AUTHORIZATION_NOT_COVERING', `Authorisation ${id} is for theme ${authorization.purpose.themeCode}, not ${use.themeCode}`);
    }
    const allowed = authorization.purpose.matterCodes;
    const outside = allowed.length === 0 ? [] : (use.matterCodes ?? []).filter((code) => !allowed.includes(code));
    if (outside.length > 0) {
      throw new TongbanError('AUTHORIZATION_NOT_COVERING', `Authorisation ${id} does not cover matter${outside.length > 1 ? 's' : ''} ${outside.join(', ')} (only ${allowed.join(', ')})`,
        { extensions: { missingMatterCodes: outside } });
    }
  }

  /**
   * The authorisation that covers a use, or the reason there is none.
   * @throws TongbanError AUTHORIZATION_REQUIRED, AUTHORIZATION_REVOKED, AUTHORIZATION_EXPIRED, AUTHORIZATION_NOT_COVERING.
   */
  async requireCovering(request: CoverageRequest): Promise<Authorization> {
    const authorization = await this.requireActive(request);
    await this.requireCoverage(authorization, request);
    return authorization;
  }

  /**
   * {@link checkCovers}, and for an authorisation of the whole theme that the matters named are the theme's.
   * @throws TongbanError AUTHORIZATION_NOT_COVERING.
   */
  async requireCoverage(authorization: Authorization, request: Pick<CoverageRequest, 'holderCode' | 'holderType' | 'licenceTypes' | 'themeCode' | 'matterCodes'>): Promise<void> {
    this.checkCovers(authorization, request);
    const matterCodes = request.matterCodes ?? [];
    if (authorization.purpose.matterCodes.length === 0 && matterCodes.length > 0) {
      // Authorised for the whole theme: the matters named must still be the theme's own.
      const theme = await this.catalog.getTheme(authorization.purpose.themeCode);
      const foreign = matterCodes.filter((code) => !theme?.matterCodes.includes(code));
      if (foreign.length > 0) {
        throw new TongbanError('AUTHORIZATION_NOT_COVERING', `Authorisation ${authorization.id} does not cover matter${foreign.length > 1 ? 's' : ''} ${foreign.join(', ')}: not a matter of theme ${authorization.purpose.themeCode}`,
          { extensions: { missingMatterCodes: foreign } });
      }
    }
  }

  private toAuthorization(row: AuthorizationRow): Authorization {
    const now = this.now().getTime();
    const expiresAt = Number(row.expires_at);
    const revokedAt = row.revoked_at === null ? null : Number(row.revoked_at);
    const consent = JSON.parse(row.consent) as { method: ConsentMethod; at: string };
    return {
      id: row.id,
      clientId: row.client_id,
      holder: { code: row.holder_code, type: row.holder_type },
      licenceTypes: JSON.parse(row.licence_types) as string[],
      purpose: { themeCode: row.theme_code, matterCodes: JSON.parse(row.matter_codes) as string[], description: row.purpose },
      consent: { method: consent.method, at: consent.at },
      createdAt: new Date(Number(row.created_at)).toISOString(),
      expiresAt: new Date(expiresAt).toISOString(),
      revokedAt: revokedAt === null ? null : new Date(revokedAt).toISOString(),
      status: revokedAt !== null ? 'revoked' : expiresAt <= now ? 'expired' : 'active',
      actor: row.actor === null ? null : JSON.parse(row.actor) as ActorRecord,
    };
  }
}

/**
 * What a use records of the person acting: `actor` as this session
 * authenticated them (level, methods), in the capacity the authorisation was
 * recorded in (with its delegation, guardianship evidence or hall).
 */
export function actorAtUse(recorded: ActorRecord, actor: Actor): ActorRecord {
  const { delegationId, guardianEvidence, hall } = recorded;
  return actorRecord(actor, recorded.capacity, {
    ...(delegationId !== undefined ? { delegationId } : {}),
    ...(guardianEvidence !== undefined ? { guardianEvidence } : {}),
    ...(hall !== undefined ? { hall } : {}),
  });
}
