/**
 * In which capacity the authenticated person may act for a holder: as the
 * holder themselves (a citizen, or an enterprise's legal representative), as
 * a guardian of a minor, as an agent under the holder's delegation, or — at a
 * service-hall window — as the counter officer who scanned the applicant's
 * QR code (that capacity is given by the scan, never resolved here).
 */
import { TongbanError } from '../errors/index.js';
import type { LicenceHolderType } from '../domain/licence-library.js';
import { actorRecord, type Actor, type ActorRecord } from './actor.js';

/** A use of a holder's data that someone wants to act in. */
export interface ActingForRequest {
  /** The Tongban client the request came through. */
  readonly clientId: string;
  readonly holder: { readonly code: string; readonly type: LicenceHolderType };
  readonly themeCode: string;
  /** Licence type keys the use needs, and shared-data resource keys: a delegation must name each alike. */
  readonly licenceTypes: readonly string[];
  readonly at: Date;
}

/**
 * Whether `actor` is the guardian (监护人) of the minor citizen `holder`, shown
 * by a licence (出生医学证明 or 户口簿): that licence's identifier, or undefined.
 */
export type GuardianshipCheck = (actor: Actor, request: ActingForRequest) => Promise<string | undefined>;

/** Delegations (帮代办) as acting-for needs them. */
export interface DelegationLookup {
  /** An active delegation from the holder to this actor (or to the client, a registered 帮代办 service) covering the theme and licence types (resources included). */
  findCovering(actor: Actor, request: ActingForRequest): Promise<{ id: string } | undefined>;
  /**
   * Checks, at a use, that the delegation is still in force.
   * @throws TongbanError DELEGATION_REVOKED, DELEGATION_EXPIRED.
   */
  requireInForce(delegationId: string, at: Date): Promise<void>;
}

export interface ActingForOptions {
  guardianship?: GuardianshipCheck;
  delegations?: DelegationLookup;
}

export class ActingFor {
  constructor(private readonly options: ActingForOptions = {}) {}

  /**
   * The record of `actor` acting for the request's holder: self, guardian or agent, tried in that order.
   * @throws TongbanError HOLDER_MISMATCH when none applies; DELEGATION_* from the lookup.
   */
  async resolve(actor: Actor, request: ActingForRequest): Promise<ActorRecord> {
    if (isHolder(actor, request.holder)) return actorRecord(actor, 'self');
    if (request.holder.type === 'citizen' && actor.subjectType === 'natural' && this.options.guardianship) {
      const evidence = await this.options.guardianship(actor, request);
      if (evidence !== undefined) return actorRecord(actor, 'guardian', { guardianEvidence: evidence });
    }
    const delegation = await this.options.delegations?.findCovering(actor, request);
    if (delegation) return actorRecord(actor, 'agent', { delegationId: delegation.id });
    throw new TongbanError('HOLDER_MISMATCH', `${describe(actor)} is not the holder ${request.holder.type === 'citizen' ? 'of this ID number' : 'enterprise\'s legal representative'}, `
      + 'nor their guardian, nor an agent under a delegation from them covering this theme and these licence types');
  }

  /**
   * Checks that `actor` may still use what was recorded with `record` (an
   * authorisation): the same person, and for an agent a delegation still in force.
   * @throws TongbanError HOLDER_MISMATCH, DELEGATION_REVOKED, DELEGATION_EXPIRED.
   */
  async recheck(record: ActorRecord | null, actor: Actor, at: Date): Promise<void> {
    if (record === null) throw new TongbanError('HOLDER_MISMATCH', 'This authorisation was recorded without a verified identity: record a new one with the applicant\'s ID token');
    if (record.subject !== actor.sub || record.idNumber !== actor.idNumber) {
      throw new TongbanError('HOLDER_MISMATCH', `This authorisation was given to another person's session: ${describe(actor)} may not use it`);
    }
    if (record.capacity === 'agent' && record.delegationId !== undefined) {
      if (!this.options.delegations) throw new TongbanError('DELEGATION_REVOKED', 'Delegations are not available');
      await this.options.delegations.requireInForce(record.delegationId, at);
    }
  }
}

/** Whether the actor is the holder: the citizen themselves, or the enterprise's legal representative. */
export function isHolder(actor: Actor, holder: { code: string; type: LicenceHolderType }): boolean {
  const code = holder.code.toUpperCase();
  if (holder.type === 'citizen') return actor.subjectType === 'natural' && actor.idNumber === code;
  return actor.subjectType === 'legal' && actor.creditCode === code && actor.orgRole === 'legalRepresentative';
}

function describe(actor: Actor): string {
  const masked = `${actor.idNumber.slice(0, 4)}**********${actor.idNumber.slice(-4)}`;
  return actor.subjectType === 'legal' ? `The person (${masked}) acting for enterprise ${actor.creditCode}` : `The person logged in (${masked})`;
}
