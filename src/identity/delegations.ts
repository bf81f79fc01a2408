/**
 * Delegations (委托, for 帮代办): a holder lets an agent — a named person, or
 * a registered 帮代办 service — act for them for named themes and licence
 * types (and shared-data resources) until a time. A delegation is granted by the holder's authenticated
 * session (a citizen for themselves, an enterprise's legal representative
 * for the enterprise), recorded with that session as its signature, listed
 * to the holder, revocable by the holder, and re-checked at every use.
 *
 * Glossary: holder 委托人 (持证主体), agent 受托人 / 代办人, 经办人 (a person
 * an enterprise sends: acts under the enterprise's delegation to them).
 */
import { randomUUID } from 'node:crypto';
import type { CatalogStore } from '../catalog/index.js';
import { TongbanError, validationError, type FieldError } from '../errors/index.js';
import type { LicenceHolderType } from '../domain/licence-library.js';
import type { Store } from '../store/index.js';
import type { ClientRegistry } from '../trust/client-registry.js';
import type { ActingForRequest, DelegationLookup } from './acting-for.js';
import { actorRecord, type Actor, type ActorRecord } from './actor.js';
import { parseDelegationRequest, type DelegationAgent } from './delegation-request.js';

export type DelegationStatus = 'active' | 'expired' | 'revoked';

/** The holder's authenticated session that granted a delegation (its "signature"). */
export interface DelegationGrant extends ActorRecord {
  /** base64url SHA-256 of the ID token the holder presented. */
  readonly tokenDigest: string;
  /** The identity platform that issued that token. */
  readonly issuer: string;
  /** The Tongban client the holder granted it through. */
  readonly clientId: string;
}

/** A recorded delegation. Times are ISO 8601. */
export interface Delegation {
  readonly id: string;
  readonly holder: { readonly code: string; readonly type: LicenceHolderType };
  readonly agent: DelegationAgent;
  readonly themeCodes: readonly string[];
  /** Licence type keys (`residentIdCard`, …) and shared-data resource keys (`householdRegistration`, …). */
  readonly licenceTypes: readonly string[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  /** As of the moment it was read. */
  readonly status: DelegationStatus;
  readonly grantedBy: DelegationGrant;
}

interface DelegationRow {
  id: string;
  client_id: string;
  holder_code: string;
  holder_type: LicenceHolderType;
  agent_type: 'person' | 'service';
  agent_code: string;
  agent_name: string | null;
  theme_codes: string;
  licence_types: string;
  granted_by: string;
  created_at: number | string;
  expires_at: number | string;
  revoked_at: number | string | null;
}

const COLUMNS = 'id, client_id, holder_code, holder_type, agent_type, agent_code, agent_name, theme_codes, licence_types, granted_by, created_at, expires_at, revoked_at';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `id` has the shape of a delegation id (a lower-case UUID). */
export function isDelegationId(id: unknown): id is string {
  return typeof id === 'string' && UUID.test(id);
}

/**
 * The holder an authenticated person may grant delegations for: a citizen
 * themselves, or the enterprise whose legal representative they are.
 * @throws TongbanError HOLDER_MISMATCH for an enterprise's 经办人 (only the legal representative speaks for the enterprise).
 */
export function holderOf(actor: Actor): { code: string; type: LicenceHolderType } {
  if (actor.subjectType === 'natural') return { code: actor.idNumber, type: 'citizen' };
  if (actor.orgRole === 'legalRepresentative' && actor.creditCode !== undefined) return { code: actor.creditCode, type: 'organization' };
  throw new TongbanError('HOLDER_MISMATCH', `Only the legal representative of enterprise ${actor.creditCode ?? ''} may manage its delegations; this person logged in as its 经办人 (agent)`);
}

export interface DelegationServiceOptions {
  store: Store;
  catalog: Pick<CatalogStore, 'getTheme'>;
  /** Where a service agent's client id is looked up (it must be an active platform client). */
  clients: Pick<ClientRegistry, 'resolve'>;
  /** Clock for creation, statuses and checks at use. Default now. */
  now?: () => Date;
}

/** A page of a holder's delegations, newest first. */
export interface DelegationPage {
  readonly delegations: Delegation[];
  /** Sort key of the last one when more follow: pass back as `after`. */
  readonly last: { createdAt: number; id: string } | undefined;
}

export class DelegationService implements DelegationLookup {
  private readonly now: () => Date;

  constructor(private readonly options: DelegationServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Records a delegation from the holder `actor` speaks for, through client
   * `clientId`, from a `POST /v1/delegations` body.
   * @throws TongbanError HOLDER_MISMATCH (an enterprise's 经办人), VALIDATION_FAILED (pointers into the body).
   */
  async create(clientId: string, actor: Actor, body: unknown): Promise<Delegation> {
    const holder = holderOf(actor);
    const now = this.now();
    const request = parseDelegationRequest(body, holder, actor.idNumber, now);
    const errors: FieldError[] = [];
    const themes = await Promise.all(request.themeCodes.map((code) => this.options.catalog.getTheme(code)));
    themes.forEach((theme, index) => {
      const code = request.themeCodes[index]!;
      if (!theme) errors.push({ pointer: `/themeCodes/${index}`, message: `no theme "${code}" in the catalogue` });
      else if (theme.status === 'withdrawn') errors.push({ pointer: `/themeCodes/${index}`, message: `theme "${code}" (${theme.name}) was withdrawn` });
    });
    if (request.agent.type === 'service') {
      const service = await this.options.clients.resolve(request.agent.clientId);
      if (!service || service.role !== 'platform') {
        errors.push({ pointer: '/agent/clientId', message: `"${request.agent.clientId}" is not an active platform client registered with Tongban (a 帮代办 service)` });
      }
    }
    if (errors.length > 0) throw validationError(errors);

    const grant: DelegationGrant = { ...actorRecord(actor, 'self'), tokenDigest: actor.tokenDigest, issuer: actor.issuer, clientId };
    const id = randomUUID();
    const agentCode = request.agent.type === 'person' ? request.agent.idNumber : request.agent.clientId;
    await this.options.store.query(`INSERT INTO delegations (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, [
      id, clientId, holder.code, holder.type, request.agent.type, agentCode, request.agent.type === 'person' ? request.agent.name : null,
      JSON.stringify(request.themeCodes), JSON.stringify(request.licenceTypes), JSON.stringify(grant), now.getTime(), request.expiresAt.getTime(), null,
    ]);
    return (await this.get(id))!;
  }

  /** A delegation by id, whoever gave it (callers check the holder). */
  async get(id: string): Promise<Delegation | undefined> {
    if (!isDelegationId(id)) return undefined;
    const { rows } = await this.options.store.query<DelegationRow>(`SELECT ${COLUMNS} FROM delegations WHERE id = $1`, [id]);
    return rows[0] ? this.toDelegation(rows[0]) : undefined;
  }

  /** The holder's own delegation, or NOT_FOUND (another holder's is reported as unknown). */
  async getOwn(holder: { code: string; type: LicenceHolderType }, id: string): Promise<Delegation> {
    const delegation = await this.get(id);
    if (!delegation || delegation.holder.code !== holder.code || delegation.holder.type !== holder.type) {
      throw new TongbanError('NOT_FOUND', `No delegation "${id}" given by this holder`);
    }
    return delegation;
  }

  /** The delegations a holder gave, newest first, `limit` of them after `after` (a page's `last`). */
  async list(holder: { code: string; type: LicenceHolderType }, options: { limit: number; after?: { createdAt: number; id: string } }): Promise<DelegationPage> {
    const { after, limit } = options;
    const { rows } = after === undefined
      ? await this.options.store.query<DelegationRow>(`SELECT ${COLUMNS} FROM delegations WHERE holder_code = $1 AND holder_type = $2 ORDER BY created_at DESC, id DESC LIMIT $3`,
        [holder.code, holder.type, limit + 1])
      : await this.options.store.query<DelegationRow>(
        `SELECT ${COLUMNS} FROM delegations WHERE holder_code = $1 AND holder_type = $2 AND (created_at < $3 OR (created_at = $3 AND id < $4)) ORDER BY created_at DESC, id DESC LIMIT $5`,
        [holder.code, holder.type, after.createdAt, after.id, limit + 1]);
    const kept = rows.slice(0, limit);
    const tail = kept[kept.length - 1];
    return {
      delegations: kept.map((row) => this.toDelegation(row)),
      last: rows.length > limit && tail ? { createdAt: Number(tail.created_at), id: tail.id } : undefined,
    };
  }

  /**
   * Revokes the holder's delegation (again: no change). Uses after this are refused with DELEGATION_REVOKED.
   * @throws TongbanError NOT_FOUND when unknown or another holder's.
   */
  async revoke(holder: { code: string; type: LicenceHolderType }, id: string): Promise<Delegation> {
    await this.getOwn(holder, id);
    await this.options.store.query('UPDATE delegations SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [this.now().getTime(), id]);
    return (await this.get(id))!;
  }

  /**
   * An active delegation from the request's holder covering its theme and
   * every licence type (a shared-data resource is one more key), to this
   * actor: a person agent with the actor's ID number (logged in as
   * themselves, or as the holder enterprise's 经办人),
   * or a service agent that is the client the request came through. When
   * none is active but a covering one was revoked or has expired, says so.
   * @throws TongbanError DELEGATION_REVOKED, DELEGATION_EXPIRED.
   */
  async findCovering(actor: Actor, request: ActingForRequest): Promise<{ id: string } | undefined> {
    const holderCode = request.holder.code.toUpperCase();
    const asPerson = actor.subjectType === 'natural' || (actor.orgRole === 'agent' && actor.creditCode === holderCode);
    const { rows } = await this.options.store.query<DelegationRow>(
      `SELECT ${COLUMNS} FROM delegations WHERE holder_code = $1 AND holder_type = $2 AND ((agent_type = 'service' AND agent_code = $3) OR (agent_type = 'person' AND agent_code = $4))
       ORDER BY created_at DESC, id DESC`,
      [holderCode, request.holder.type, request.clientId, asPerson ? actor.idNumber : '']);
    const at = request.at.getTime();
    const covering = rows.filter((row) => (JSON.parse(row.theme_codes) as string[]).includes(request.themeCode)
      && request.licenceTypes.every((type) => (JSON.parse(row.licence_types) as string[]).includes(type)));
    const active = covering.find((row) => row.revoked_at === null && Number(row.expires_at) > at);
    if (active) return { id: active.id };
    const latest = covering[0];
    if (latest) refuseOutOfForce(latest, at);
    return undefined;
  }

  /**
   * Checks, at a use, that the delegation is still in force.
   * @throws TongbanError DELEGATION_REVOKED (revoked, or unknown), DELEGATION_EXPIRED.
   */
  async requireInForce(delegationId: string, at: Date): Promise<void> {
    const { rows } = isDelegationId(delegationId)
      ? await this.options.store.query<DelegationRow>(`SELECT ${COLUMNS} FROM delegations WHERE id = $1`, [delegationId])
      : { rows: [] };
    const row = rows[0];
    if (!row) throw new TongbanError('DELEGATION_REVOKED', `Delegation ${delegationId} is not recorded: nobody may act under it`);
    refuseOutOfForce(row, at.getTime());
  }

  private toDelegation(row: DelegationRow): Delegation {
    const now = this.now().getTime();
    const expiresAt = Number(row.expires_at);
    const revokedAt = row.revoked_at === null ? null : Number(row.revoked_at);
    return {
      id: row.id,
      holder: { code: row.holder_code, type: row.holder_type },
      agent: row.agent_type === 'person' ? { type: 'person', idNumber: row.agent_code, name: row.agent_name ?? '' } : { type: 'service', clientId: row.agent_code },
      themeCodes: JSON.parse(row.theme_codes) as string[],
      licenceTypes: JSON.parse(row.licence_types) as string[],
      createdAt: new Date(Number(row.created_at)).toISOString(),
      expiresAt: new Date(expiresAt).toISOString(),
      revokedAt: revokedAt === null ? null : new Date(revokedAt).toISOString(),
      status: revokedAt !== null ? 'revoked' : expiresAt <= now ? 'expired' : 'active',
      grantedBy: JSON.parse(row.granted_by) as DelegationGrant,
    };
  }
}

/** @throws TongbanError DELEGATION_REVOKED, DELEGATION_EXPIRED when the delegation is not in force at `at` (Unix ms). */
function refuseOutOfForce(row: DelegationRow, at: number): void {
  if (row.revoked_at !== null) {
    throw new TongbanError('DELEGATION_REVOKED', `The holder revoked delegation ${row.id} at ${new Date(Number(row.revoked_at)).toISOString()}`);
  }
  if (Number(row.expires_at) <= at) throw new TongbanError('DELEGATION_EXPIRED', `Delegation ${row.id} expired at ${new Date(Number(row.expires_at)).toISOString()}`);
}
