/**
 * Guardianship (监护): whether the authenticated person is a parent, and so
 * the guardian, of the minor citizen whose licences they want to use — shown
 * by a licence the licence library holds:
 *
 * - the 出生医学证明 (held by the mother) naming the person as mother
 *   (MQSFZJHM) or father (FQSFZJHM) of a child born on the minor's birth
 *   date (CSRQ) with the minor's sex (XB); or
 * - the 居民户口簿 pages of the person and of the minor in the same household
 *   (HH), the person as head (户主) or the head's spouse (配偶, 妻, 夫) and the
 *   minor as the head's child (子, 女, …).
 *
 * Every licence read for the check is recorded in the licence-use ledger
 * (action `verify`, authorisation `guardianship-check`): it is a use of
 * someone's licence like any other.
 */
import { validateIdNumber } from '../domain/identifiers/index.js';
import { LICENCE_TYPES, type Licence, type LicenceLibrary } from '../domain/licence-library.js';
import type { LicenceUseInput, LicenceUseLedger } from '../licences/ledger.js';
import type { ActingForRequest, GuardianshipCheck } from './acting-for.js';
import { actorRecord, type Actor } from './actor.js';

/** The reason for use (用证事由) sent to the licence library and the ledger for the check's reads. */
export const GUARDIANSHIP_USE_CAUSE = '监护关系核验';
/** What the ledger records as the authorisation of the check's reads (none is needed: the person reads to show who they are). */
export const GUARDIANSHIP_AUTHORIZATION = 'guardianship-check';
/** Age of majority (成年), in years. */
export const AGE_OF_MAJORITY = 18;

/** 与户主关系 values of a person who, with the head, is a parent of the head's children. */
const PARENT_RELATIONS: ReadonlySet<string> = new Set(['户主', '配偶', '妻', '夫']);
/** 与户主关系 values of the head's children (GA/T 2000.8 子 and 女 with their birth-order and adoptive forms). */
const CHILD_RELATIONS: ReadonlySet<string> = new Set(['子', '独生子', '长子', '次子', '三子', '养子', '女', '独生女', '长女', '次女', '三女', '养女']);

export interface GuardianshipOptions {
  /** Absent when no licence library is configured: nobody is shown to be a guardian. */
  library: LicenceLibrary | undefined;
  ledger: Pick<LicenceUseLedger, 'append'>;
}

/** Completed years from `birthDate` to `today` (both `YYYY-MM-DD`). */
export function ageOn(birthDate: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** Today's date in China (UTC+8) at `instant`, `YYYY-MM-DD`. */
function chinaDay(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The 出生医学证明 among `licences` naming `actor` as a parent of a child born on `birthDate` with `sex`. */
function birthEvidence(licences: readonly Licence[], actor: Actor, minor: { birthDate: string; sex: 'male' | 'female' }): Licence | undefined {
  const sexText = minor.sex === 'male' ? '男' : '女';
  return licences.find(({ surface }) => (surface['MQSFZJHM'] === actor.idNumber || surface['FQSFZJHM'] === actor.idNumber)
    && surface['CSRQ'] === minor.birthDate && (surface['XB'] === undefined || surface['XB'] === sexText));
}

/**
 * The {@link GuardianshipCheck} over the licence library: the identifier of
 * the licence that shows the guardianship (the 出生医学证明, or the minor's
 * 户口簿 page), or undefined when the holder is not a minor or none shows it.
 * Failures of the library propagate (UpstreamError): no answer is not a "no".
 */
export function libraryGuardianshipCheck(options: GuardianshipOptions): GuardianshipCheck {
  return async (actor: Actor, request: ActingForRequest) => {
    const { library } = options;
    const minor = validateIdNumber(request.holder.code, { today: request.at });
    if (!library || request.holder.type !== 'citizen' || actor.subjectType !== 'natural' || !minor.ok) return undefined;
    if (ageOn(minor.birthDate, chinaDay(request.at)) >= AGE_OF_MAJORITY) return undefined;

    // The person reads their own licences as themselves, the minor's 户口簿 page as the guardian they say they are.
    const read: { licence: Licence; holderCode: string }[] = [];
    const record = async () => {
      const entries = read.map(({ licence, holderCode }): LicenceUseInput => ({
        actor: actorRecord(actor, holderCode === actor.idNumber ? 'self' : 'guardian'),
        clientId: request.clientId, holderCode, holderType: 'citizen', licenceIdentifier: licence.identifier,
        licenceType: licence.typeCode === LICENCE_TYPES.birthCertificate.code ? 'birthCertificate' : 'householdRegister',
        themeCode: request.themeCode, matterCodes: [], useCause: GUARDIANSHIP_USE_CAUSE, authorizationId: GUARDIANSHIP_AUTHORIZATION,
        action: 'verify', outcome: licence.verification.passed ? 'used' : 'refused-invalid',
      }));
      if (entries.length > 0) await options.ledger.append(entries);
    };
    try {
      const own = await library.queryByHolder({
        holderCode: actor.idNumber, holderType: 'citizen', useCause: GUARDIANSHIP_USE_CAUSE,
        licenceTypes: [LICENCE_TYPES.birthCertificate.code, LICENCE_TYPES.householdRegister.code],
      });
      read.push(...own.map((licence) => ({ licence, holderCode: actor.idNumber })));
      const trusted = own.filter((licence) => licence.verification.passed);
      const certificate = birthEvidence(trusted.filter((licence) => licence.typeCode === LICENCE_TYPES.birthCertificate.code), actor, minor);
      if (certificate) return certificate.identifier;

      const households = trusted.filter(({ typeCode, surface }) => typeCode === LICENCE_TYPES.householdRegister.code
        && surface['GMSFHM'] === actor.idNumber && PARENT_RELATIONS.has(surface['YHZGX'] ?? '') && (surface['HH'] ?? '') !== '');
      if (households.length === 0) return undefined;
      const minorPages = await library.queryByHolder({
        holderCode: request.holder.code, holderType: 'citizen', useCause: GUARDIANSHIP_USE_CAUSE, licenceTypes: [LICENCE_TYPES.householdRegister.code],
      });
      read.push(...minorPages.map((licence) => ({ licence, holderCode: request.holder.code })));
      const page = minorPages.find(({ verification, surface }) => verification.passed && surface['GMSFHM'] === request.holder.code
        && CHILD_RELATIONS.has(surface['YHZGX'] ?? '') && households.some((household) => household.surface['HH'] === surface['HH']));
      return page?.identifier;
    } finally {
      await record();
    }
  };
}
