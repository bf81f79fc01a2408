/**
 * Who may submit an application for its holders: one of them (a person
 * whose ID number is in the form, or an enterprise's legal representative
 * whose enterprise is), or whoever an authorisation of the calling client
 * was recorded for — for this theme, in force, its holder one of the form's
 * (a guardian, an agent, a counter officer).
 */
import { TongbanError } from '../errors/index.js';
import { actorRecord, type Actor, type ActorRecord } from '../identity/index.js';
import { actorAtUse, type AuthorizationService } from '../licences/index.js';
import { applicationHolders, normaliseHolderCode } from './application-holders.js';

/** What an application records of the person who submitted it (`applications.actor`). */
export interface SubmittingActor extends ActorRecord {
  /** The authorisation the person acted under, when not one of the holders. */
  readonly authorizationId?: string;
}

export interface SubmittingActorRequest {
  readonly actor: Actor;
  readonly clientId: string;
  readonly themeCode: string;
  /** The merged form, normalised. */
  readonly form: Readonly<Record<string, unknown>>;
  /** The body's `authorizationId`, if any. */
  readonly authorizationId: string | undefined;
  readonly at: Date;
}

/**
 * The record of the person submitting, or why they may not.
 * @throws TongbanError HOLDER_MISMATCH; AUTHORIZATION_REQUIRED, AUTHORIZATION_REVOKED, AUTHORIZATION_EXPIRED,
 *   DELEGATION_* for the authorisation named.
 */
export async function submittingActor(request: SubmittingActorRequest, authorizations: AuthorizationService): Promise<SubmittingActor> {
  const { actor, form } = request;
  if (isFormHolder(actor, form)) return actorRecord(actor, 'self');
  if (request.authorizationId === undefined) {
    throw new TongbanError('HOLDER_MISMATCH', 'The person logged in is not one of the form\'s holders: a guardian, agent or counter officer names the authorisation they act under in authorizationId');
  }
  const authorization = await authorizations.requireActive({ clientId: request.clientId, authorizationId: request.authorizationId, actor, at: request.at });
  if (authorization.purpose.themeCode !== request.themeCode) {
    throw new TongbanError('HOLDER_MISMATCH', `Authorisation ${authorization.id} is for theme ${authorization.purpose.themeCode}, not ${request.themeCode}`);
  }
  const holderCode = normaliseHolderCode(authorization.holder.code);
  if (!applicationHolders(form).some((holder) => holder.holderCode === holderCode)) {
    throw new TongbanError('HOLDER_MISMATCH', `The holder of authorisation ${authorization.id} is not one of the form's holders`);
  }
  return { ...actorAtUse(authorization.actor!, actor), authorizationId: authorization.id };
}

/**
 * Whether the actor is a holder of the form: a natural person's ID number in
 * any group, or a legal representative's enterprise credit code. A person
 * logged in for an enterprise is judged as the enterprise: a 经办人 named in
 * the form is not a holder, and acts under the enterprise's delegation.
 */
function isFormHolder(actor: Actor, form: Readonly<Record<string, unknown>>): boolean {
  const creditCode = actor.subjectType === 'legal' && actor.orgRole === 'legalRepresentative' ? actor.creditCode?.toUpperCase() : undefined;
  const idNumber = actor.subjectType === 'natural' ? actor.idNumber.toUpperCase() : undefined;
  return Object.values(form).some((members) => {
    if (typeof members !== 'object' || members === null || Array.isArray(members)) return false;
    const group = members as Record<string, unknown>;
    return (idNumber !== undefined && typeof group['idNumber'] === 'string' && normaliseHolderCode(group['idNumber']) === idNumber)
      || (creditCode !== undefined && typeof group['creditCode'] === 'string' && normaliseHolderCode(group['creditCode']) === creditCode);
  });
}
