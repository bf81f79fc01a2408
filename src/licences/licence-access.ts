/**
 * The one door to a holder's licences: every read goes through here, so
 * every read has a reason, a covering authorisation, only the licence types
 * the matters declare, and a ledger entry per licence handed out (written
 * before the licence leaves Tongban: no entry, no licence).
 */
import { TongbanError, validationError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { validateLicenceIdentifier } from '../domain/identifiers/index.js';
import { LICENCE_TYPES, type Licence, type LicenceFile, type LicenceHolderType, type LicenceLibrary, type LicenceTypeKey } from '../domain/licence-library.js';
import type { Actor } from '../identity/actor.js';
import { actorAtUse, type AuthorizationService } from './authorizations.js';
import type { DeclaredLicenceTypes } from './declared-types.js';
import { holderCodeProblem } from './holder.js';
import type { LedgerAppendOptions, LicenceUseInput, LicenceUseLedger } from './ledger.js';
import type { Queryable } from '../store/index.js';
import { checkUseCause } from './use-cause.js';

export interface LicenceAccessOptions {
  /** Absent when no licence library is configured: every access answers 503. */
  library: LicenceLibrary | undefined;
  authorizations: AuthorizationService;
  ledger: LicenceUseLedger;
  logger: Logger;
  /** When given, only the licence types the matters declare may be fetched (LICENCE_TYPE_NOT_DECLARED otherwise). */
  declaredTypes?: DeclaredLicenceTypes;
}

/** A request for a holder's licences. */
export interface HolderLicenceRequest {
  readonly clientId: string;
  /** The person acting (the request's verified ID token): the one the authorisation was recorded for. */
  readonly actor: Actor;
  readonly authorizationId: string | undefined;
  readonly holder: { readonly code: string; readonly type: LicenceHolderType };
  /** Licence type keys (`residentIdCard`, …); only these are asked for. */
  readonly licenceTypes: readonly string[];
  readonly themeCode: string;
  /** The matters the licences are for; omitted or empty = what the authorisation names (the whole theme when it names none). */
  readonly matterCodes?: readonly string[];
  /** Reason for use (用证事由), 1–200 characters. */
  readonly useCause: string | undefined;
  /**
   * Records the request's jti in the transaction of the ledger entries (run
   * even when the holder has no licence of those types), so a look-up costs
   * one commit; throws REPLAY_DETECTED for a replay, which is then answered
   * nothing. See {@link LedgerAppendOptions.guard}.
   */
  readonly recordJti?: (tx: Queryable) => Promise<void>;
}

/** A request for one licence's sealed file. */
export interface LicenceFileRequest {
  readonly clientId: string;
  /** The person acting (the request's verified ID token): the one the authorisation was recorded for. */
  readonly actor: Actor;
  readonly authorizationId: string | undefined;
  readonly identifier: string;
  readonly themeCode: string;
  readonly matterCodes?: readonly string[];
  readonly useCause: string | undefined;
}

/** A licence as handed out, with its type key and the ledger entry recording its use. */
export interface UsedLicence extends Licence {
  readonly licenceType: LicenceTypeKey;
  readonly ledgerSeq: number;
}

/** A verified sealed file, with the ledger entry recording its use. */
export interface UsedLicenceFile extends LicenceFile {
  readonly ledgerSeq: number;
}

/** The key of a licence type code, if Tongban knows the type. */
export function licenceTypeKeyOf(typeCode: string): LicenceTypeKey | undefined {
  return (Object.keys(LICENCE_TYPES) as LicenceTypeKey[]).find((key) => LICENCE_TYPES[key].code === typeCode);
}

export class LicenceAccess {
  constructor(private readonly options: LicenceAccessOptions) {}

  /**
   * The holder's licences of the given types, each verified by the adapter
   * (a licence failing verification is returned flagged, and ledgered as
   * `refused-invalid`). An empty list when the holder has none.
   * @throws TongbanError USE_CAUSE_REQUIRED, VALIDATION_FAILED, AUTHORIZATION_*, HOLDER_MISMATCH, DELEGATION_*, LICENCE_TYPE_NOT_DECLARED,
   *   THEME_NOT_MAPPED, SERVICE_UNAVAILABLE; UpstreamError from the library.
   */
  async fetchForHolder(request: HolderLicenceRequest): Promise<UsedLicence[]> {
    const useCause = checkUseCause(request.useCause);
    const holderProblem = holderCodeProblem(request.holder.code, request.holder.type);
    if (holderProblem) throw validationError([{ pointer: '/holder/code', message: holderProblem }]);
    const keys = knownTypeKeys(request.licenceTypes);
    const authorization = await this.options.authorizations.requireCovering({
      clientId: request.clientId, actor: request.actor, authorizationId: request.authorizationId, holderCode: request.holder.code, holderType: request.holder.type,
      licenceTypes: keys, themeCode: request.themeCode, ...(request.matterCodes ? { matterCodes: request.matterCodes } : {}),
    });
    const matterCodes = request.matterCodes?.length ? request.matterCodes : authorization.purpose.matterCodes;
    const library = this.requireLibrary();
    await this.requireDeclared(request.themeCode, matterCodes, keys);

    const licences = await library.queryByHolder({
      holderCode: request.holder.code, holderType: request.holder.type, licenceTypes: keys.map((key) => LICENCE_TYPES[key].code), useCause,
    });
    const base = {
      clientId: request.clientId, holderCode: request.holder.code, holderType: request.holder.type, themeCode: request.themeCode, matterCodes, useCause,
      authorizationId: authorization.id, action: 'query' as const, actor: actorAtUse(authorization.actor!, request.actor),
    };
    const typed = licences.map((licence) => ({ licence, licenceType: licenceTypeKeyOf(licence.typeCode)! }));
    const entries = await this.options.ledger.append(typed.map(({ licence, licenceType }): LicenceUseInput => ({
      ...base, licenceIdentifier: licence.identifier, licenceType, outcome: licence.verification.passed ? 'used' : 'refused-invalid',
    })), undefined, request.recordJti ? { guard: request.recordJti } : {});
    this.options.logger.info('licences used', {
      client: request.clientId, theme: request.themeCode, authorization: authorization.id, licences: licences.length,
      refusedInvalid: licences.filter((licence) => !licence.verification.passed).length, ledgerSeqs: entries.map((entry) => entry.seq),
    });
    return typed.map(({ licence, licenceType }, index) => ({ ...licence, licenceType, ledgerSeq: entries[index]!.seq }));
  }

  /**
   * One licence's sealed PDF, for a holder who authorised it: the licence
   * must be one of the authorising holder's (Tongban never asks the library
   * about anyone else), pass verification, and its file's seal must verify.
   * @throws TongbanError LICENCE_NOT_FOUND, LICENCE_NOT_VALID (ledgered as refused-invalid), and those of {@link fetchForHolder}.
   */
  async fetchFile(request: LicenceFileRequest): Promise<UsedLicenceFile> {
    const useCause = checkUseCause(request.useCause);
    const parsed = validateLicenceIdentifier(request.identifier);
    if (!parsed.ok) throw validationError([{ pointer: '/identifier', message: parsed.reason }]);
    const licenceType = licenceTypeKeyOf(parsed.typeCode);
    if (!licenceType) throw new TongbanError('LICENCE_NOT_FOUND', `Licence ${request.identifier} is of type ${parsed.typeCode}, which Tongban does not know`);
    const authorization = await this.options.authorizations.requireActive({ clientId: request.clientId, actor: request.actor, authorizationId: request.authorizationId });
    const holder = authorization.holder;
    await this.options.authorizations.requireCoverage(authorization, {
      holderCode: holder.code, holderType: holder.type, licenceTypes: [licenceType], themeCode: request.themeCode, ...(request.matterCodes ? { matterCodes: request.matterCodes } : {}),
    });
    const actor = actorAtUse(authorization.actor!, request.actor);
    const matterCodes = request.matterCodes?.length ? request.matterCodes : authorization.purpose.matterCodes;
    const library = this.requireLibrary();
    await this.requireDeclared(request.themeCode, matterCodes, [licenceType]);

    // Look the licence up among the authorising holder's own: an identifier of someone else's licence is simply not found.
    const held = await library.queryByHolder({ holderCode: holder.code, holderType: holder.type, licenceTypes: [LICENCE_TYPES[licenceType].code], useCause });
    const listed = held.find((licence) => licence.identifier === request.identifier);
    if (!listed) throw new TongbanError('LICENCE_NOT_FOUND', `The authorising holder has no licence ${request.identifier}`);
    const entry = (outcome: LicenceUseInput['outcome']): LicenceUseInput => ({
      clientId: request.clientId, holderCode: holder.code, holderType: holder.type, licenceIdentifier: request.identifier, licenceType,
      themeCode: request.themeCode, matterCodes, useCause, authorizationId: authorization.id, action: 'file', outcome, actor,
    });
    if (!listed.verification.passed) {
      await this.options.ledger.append([entry('refused-invalid')]);
      throw notValid(request.identifier, listed);
    }
    const file = await library.downloadFile(request.identifier, useCause);
    const valid = file.licence.verification.passed && file.licence.verification.fileSignature === true && file.licence.holder.code === holder.code;
    const [recorded] = await this.options.ledger.append([entry(valid ? 'used' : 'refused-invalid')]);
    this.options.logger.info('licence file used', { client: request.clientId, theme: request.themeCode, authorization: authorization.id, valid, ledgerSeq: recorded!.seq });
    if (!valid) throw notValid(request.identifier, file.licence);
    return { ...file, ledgerSeq: recorded!.seq };
  }

  private requireLibrary(): LicenceLibrary {
    if (!this.options.library) throw new TongbanError('SERVICE_UNAVAILABLE', 'No licence library is configured (TONGBAN_LICENCE_LIBRARY_URL)');
    return this.options.library;
  }

  private async requireDeclared(themeCode: string, matterCodes: readonly string[], keys: readonly LicenceTypeKey[]): Promise<void> {
    if (!this.options.declaredTypes) return;
    const declared = await this.options.declaredTypes(themeCode, matterCodes);
    const undeclared = keys.filter((key) => !declared.has(key));
    if (undeclared.length > 0) {
      throw new TongbanError('LICENCE_TYPE_NOT_DECLARED',
        `The matters of theme ${themeCode}${matterCodes.length ? ` (${matterCodes.join(', ')})` : ''} do not use ${undeclared.map((key) => `${LICENCE_TYPES[key].name} (${key})`).join(', ')}`,
        { extensions: { undeclaredLicenceTypes: undeclared } });
    }
  }
}

function knownTypeKeys(keys: readonly string[]): LicenceTypeKey[] {
  if (keys.length === 0) throw validationError([{ pointer: '/licenceTypes', message: 'name at least one licence type' }]);
  const errors = keys.flatMap((key, index) => Object.hasOwn(LICENCE_TYPES, key) ? [] : [{ pointer: `/licenceTypes/${index}`, message: `unknown licence type "${key}"` }]);
  if (errors.length > 0) throw validationError(errors);
  return [...new Set(keys)] as LicenceTypeKey[];
}

function notValid(identifier: string, licence: Licence): TongbanError {
  const problems = licence.verification.problems.length > 0 ? licence.verification.problems : ['the licence did not pass verification'];
  return new TongbanError('LICENCE_NOT_VALID', `Licence ${identifier} failed verification: ${problems.join('; ')}`, { extensions: { verification: licence.verification } });
}
