/**
 * Verification at intake (docs/shared-data.md): the statements the
 * applicable matters require (`verifications:` in their mappings) are
 * verified through the data-sharing exchange before anything is stored,
 * under the submission's authorisation, each ledgered; one that does not
 * hold refuses the submission with 422 SHARED_DATA_NOT_VERIFIED naming the
 * subject's field.
 */
import { TongbanError, validationError } from '../errors/index.js';
import { SHARED_RESOURCES, isSharedResourceKey } from '../domain/shared-data.js';
import { getField } from '../forms/form-schema.js';
import type { Mappings } from '../forms/mappings/types.js';
import type { Actor } from '../identity/actor.js';
import type { SharedDataAccess } from './shared-data-access.js';

export interface IntakeVerification {
  readonly clientId: string;
  readonly actor: Actor;
  /** The submission's `authorizationId`: the holder's authorisation naming the resources. */
  readonly authorizationId: string | undefined;
  readonly themeCode: string;
  /** The applicable matters, in order. */
  readonly matterCodes: readonly string[];
  /** The submitted merged form (subject → member → value). */
  readonly form: Record<string, unknown>;
}

/** Whether any of the matters requires a verification (nothing to do, and no exchange needed, otherwise). */
export function requiresVerification(mappings: Mappings, matterCodes: readonly string[]): boolean {
  return matterCodes.some((code) => (mappings.matters.get(code)?.verifications?.length ?? 0) > 0);
}

/**
 * @throws TongbanError SHARED_DATA_NOT_VERIFIED (422), VALIDATION_FAILED (the subject's idNumber missing), and those of
 *   {@link SharedDataAccess.verify} (AUTHORIZATION_* 403 before anything is asked, SERVICE_UNAVAILABLE, UpstreamError).
 */
export async function verifyAtIntake(access: SharedDataAccess, mappings: Mappings, intake: IntakeVerification): Promise<void> {
  for (const code of intake.matterCodes) {
    const matter = mappings.matters.get(code);
    for (const verification of matter?.verifications ?? []) {
      const pointer = `/form/${verification.subject}/idNumber`;
      const holderCode = getField(intake.form, `${verification.subject}.idNumber`);
      if (typeof holderCode !== 'string') throw validationError([{ pointer, message: `${matter!.name} verifies the ${verification.subject}'s record: the ID number is required` }]);
      const name = isSharedResourceKey(verification.resource) ? SHARED_RESOURCES[verification.resource].name : verification.resource;
      const verdict = await access.verify({
        clientId: intake.clientId, actor: intake.actor, authorizationId: intake.authorizationId, holder: { code: holderCode, type: 'citizen' },
        themeCode: intake.themeCode, matterCodes: [code], useCause: `${matter!.name}：在线核验${name}`, resource: verification.resource, claims: verification.claims,
      });
      if (!verdict.holds) {
        const statement = Object.entries(verification.claims).map(([field, value]) => `${field} ${value}`).join(', ');
        throw new TongbanError('SHARED_DATA_NOT_VERIFIED', `${matter!.name} requires ${name} (${statement}) of the ${verification.subject}; ${verdict.sourceDepartment} says it does not hold`, {
          errors: [{ pointer, message: `${name} does not show ${statement} for this person (在线核验 ${verdict.verificationId}, ${verdict.sourceDepartment})` }],
          extensions: { resource: verification.resource, verificationId: verdict.verificationId, ledgerSeq: verdict.ledgerSeq },
        });
      }
    }
  }
}
