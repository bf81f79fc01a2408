import type { Request } from 'express';
import { validationError, type FieldError } from '../../errors/index.js';
import type { ActorRecord, IdentityService } from '../../identity/index.js';
import {
  HOLDER_TYPES, holderCodeProblem, holderTypeOf, THEME_CODE_PATTERN, USE_CAUSE_HEADER, USE_CAUSE_PARAMETER, useCauseFromRequest,
  type LedgerEntry, type LicenceAccess, type LicenceUseLedger, type UsedLicence,
} from '../../licences/index.js';
import { LICENCE_TYPES, type LicenceHolderType, type LicenceTypeKey } from '../../domain/licence-library.js';
import { isSharedResourceKey, SHARED_RESOURCES } from '../../domain/shared-data.js';
import { maskName } from '../../log/index.js';
import { idTokenHeader, limitQuery, query, useCauseQuery } from '../openapi/parameters.js';
import { licenceList, licenceUses } from '../openapi/schemas/licences.js';
import type { Queryable } from '../../store/index.js';
import { ACTING_FOR_ERRORS } from './identity.js';
import type { Route } from './route.js';

export interface LicenceRouteDependencies {
  licenceAccess: LicenceAccess;
  ledger: LicenceUseLedger;
  identity: IdentityService;
}

const THEME_CODE = new RegExp(THEME_CODE_PATTERN);
const MATTER_CODE = /^[0-9A-Za-z]{1,64}$/;

/** One query parameter as a string (a repeated parameter is an error). */
function single(req: Request, name: string, errors: FieldError[]): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    errors.push({ pointer: `/${name}`, message: 'must be given once' });
    return undefined;
  }
  return value;
}

/** A comma-separated list parameter. */
function list(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function licenceView(licence: UsedLicence) {
  return {
    identifier: licence.identifier, licenceType: licence.licenceType, typeName: licence.typeName, typeCode: licence.typeCode, number: licence.number,
    holder: licence.holder, issuer: licence.issuer, issuedOn: licence.issuedOn, validFrom: licence.validFrom, validUntil: licence.validUntil,
    status: licence.status, surface: licence.surface, verification: licence.verification, ledgerSeq: licence.ledgerSeq,
  };
}

function useView(entry: LedgerEntry) {
  // A shared-data entry (docs/shared-data.md) names its resource where a licence entry names its type.
  const type = Object.hasOwn(LICENCE_TYPES, entry.licenceType) ? LICENCE_TYPES[entry.licenceType as LicenceTypeKey]
    : isSharedResourceKey(entry.licenceType) ? SHARED_RESOURCES[entry.licenceType] : undefined;
  return { ...entry, licenceTypeName: type?.name ?? null, actor: entry.actor && maskedActor(entry.actor) };
}

/**
 * The person who acted, as the holder's ledger shows them: ID number as its
 * first and last four characters, name as its first character (the hash
 * covers the full record, kept in the ledger).
 */
export function maskedActor(actor: ActorRecord): ActorRecord {
  return { ...actor, idNumber: `${actor.idNumber.slice(0, 4)}**********${actor.idNumber.slice(-4)}`, name: maskName(actor.name) };
}

/**
 * `GET /v1/licences` (a holder's verified licences), `GET
 * /v1/licences/{identifier}/file` (a sealed licence file, as PDF bytes) and
 * `GET /v1/holders/{holderCode}/licence-uses` (the holder's ledger). Licence
 * reads need an authorisation and the reason in the signed `useCause`
 * query parameter; see docs/licences.md.
 */
export function licenceRoutes(deps: LicenceRouteDependencies): Route[] {
  /** Reads and checks the query of `GET /v1/licences`, then the holder's licences (the jti recorded with their ledger entries). */
  const readLicences = async (req: Request, recordJti: (tx: Queryable) => Promise<void>): Promise<UsedLicence[]> => {
    const actor = await deps.identity.actorOf(req);
    const errors: FieldError[] = [];
    const holderCode = single(req, 'holderCode', errors);
    const holderTypeParam = single(req, 'holderType', errors);
    const licenceTypes = list(single(req, 'licenceType', errors));
    const themeCode = single(req, 'themeCode', errors);
    const matterCodes = list(single(req, 'matterCodes', errors));
    const authorizationId = single(req, 'authorizationId', errors);
    const useCauseParameter = single(req, USE_CAUSE_PARAMETER, errors);
    let holderType: LicenceHolderType | undefined;
    if (holderTypeParam !== undefined && !HOLDER_TYPES.includes(holderTypeParam as LicenceHolderType)) {
      errors.push({ pointer: '/holderType', message: `must be one of ${HOLDER_TYPES.join(', ')}` });
    } else if (holderCode === undefined) {
      errors.push({ pointer: '/holderCode', message: 'is required (ID number or credit code)' });
    } else if (holderTypeParam !== undefined) {
      holderType = holderTypeParam as LicenceHolderType;
      const problem = holderCodeProblem(holderCode, holderType);
      if (problem) errors.push({ pointer: '/holderCode', message: problem });
    } else {
      const inferred = holderTypeOf(holderCode);
      if ('problem' in inferred) errors.push({ pointer: '/holderCode', message: inferred.problem });
      else holderType = inferred.type;
    }
    if (licenceTypes.length === 0) errors.push({ pointer: '/licenceType', message: 'is required: one or more licence type keys, comma-separated' });
    for (const key of licenceTypes) {
      if (!Object.hasOwn(LICENCE_TYPES, key)) errors.push({ pointer: '/licenceType', message: `unknown licence type "${key}"` });
    }
    if (themeCode === undefined || !THEME_CODE.test(themeCode)) errors.push({ pointer: '/themeCode', message: 'is required: 1–64 letters, digits, dots, dashes or underscores' });
    for (const code of matterCodes) if (!MATTER_CODE.test(code)) errors.push({ pointer: '/matterCodes', message: `"${code.slice(0, 70)}" is not a matter code` });
    if (errors.length > 0) throw validationError(errors);
    const useCause = useCauseFromRequest(useCauseParameter, req.get(USE_CAUSE_HEADER));
    return deps.licenceAccess.fetchForHolder({
      clientId: req.client!.id, actor, authorizationId, holder: { code: holderCode!, type: holderType! }, licenceTypes, themeCode: themeCode!, matterCodes, useCause, recordJti,
    });
  };

  return [
    {
      method: 'GET', path: '/v1/licences', access: { roles: ['platform', 'counter'], replayCheck: 'in-transaction' },
      summary: 'A holder\'s verified licences of some types (?holderCode=&holderType=&licenceType=a,b&themeCode=&matterCodes=&authorizationId=&useCause=)',
      description: 'Needs the ID token of the person the authorisation was recorded for (`Tongban-Id-Token`), an authorisation of the holder recorded by the caller, and only licence types the theme\'s (or the named matters\') mappings declare. Every licence handed out is written to the licence-use ledger first (`ledgerSeq`). A licence failing verification is returned with `verification.passed: false`.',
      parameters: [
        query('holderCode', 'ID number or unified social credit code of the holder', { type: 'string', maxLength: 32 }, true),
        query('holderType', 'Inferred from `holderCode` when absent', { enum: ['citizen', 'organization'] }),
        query('licenceType', 'Licence type keys, comma-separated (e.g. `residentIdCard,birthCertificate`)', { type: 'string' }, true),
        query('themeCode', 'The theme the licences are used for', { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' }, true),
        query('matterCodes', 'Matters of the theme, comma-separated; default those the authorisation names (the whole theme when none)'),
        query('authorizationId', 'The covering authorisation, from `POST /v1/authorizations` (without it: 403 `AUTHORIZATION_REQUIRED`)', { type: 'string', format: 'uuid' }),
        useCauseQuery, idTokenHeader,
      ],
      responses: { 200: { description: 'The holder\'s licences of those types (empty when none)', schema: licenceList } },
      errors: ['VALIDATION_FAILED', 'USE_CAUSE_REQUIRED', 'NOT_FOUND', 'THEME_NOT_MAPPED', 'AUTHORIZATION_REQUIRED', 'AUTHORIZATION_EXPIRED', 'AUTHORIZATION_REVOKED', 'AUTHORIZATION_NOT_COVERING', 'LICENCE_TYPE_NOT_DECLARED', 'SERVICE_UNAVAILABLE', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT', ...ACTING_FOR_ERRORS],
      handler: async (req, res) => {
        // The jti is recorded in the ledger entries' transaction: one commit per look-up. Any other answer consumes it first.
        const jti = req.deferredJti!;
        let licences: UsedLicence[];
        let recorded = false;
        try {
          licences = await readLicences(req, (tx) => jti.recordIn(tx).then(() => { recorded = true; }));
        } catch (error) {
          await jti.settle();
          throw error;
        }
        if (recorded) jti.committed();
        else await jti.settle();
        res.set('Cache-Control', 'no-store').json({ licences: licences.map(licenceView) });
      },
    },
    {
      method: 'GET', path: '/v1/licences/:identifier/file', access: { roles: ['platform', 'counter'] },
      summary: 'A licence\'s sealed PDF, verified (?authorizationId=&themeCode=&matterCodes=&useCause=), with the ID token of the person the authorisation was recorded for',
      parameters: [
        query('themeCode', 'The theme the licence is used for', { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' }, true),
        query('matterCodes', 'Matters of the theme, comma-separated'),
        query('authorizationId', 'The covering authorisation; the licence must be its holder\'s (without it: 403 `AUTHORIZATION_REQUIRED`)', { type: 'string', format: 'uuid' }),
        useCauseQuery, idTokenHeader,
      ],
      responses: {
        200: {
          description: 'The sealed PDF, its seal verified', contentType: 'application/pdf', schema: { type: 'string', contentMediaType: 'application/pdf' },
          headers: { 'Tongban-Ledger-Seq': 'The licence-use ledger entry recording this read', 'Content-Disposition': '`inline; filename="<identifier>.pdf"`' },
        },
      },
      errors: ['VALIDATION_FAILED', 'USE_CAUSE_REQUIRED', 'NOT_FOUND', 'THEME_NOT_MAPPED', 'AUTHORIZATION_REQUIRED', 'AUTHORIZATION_EXPIRED', 'AUTHORIZATION_REVOKED', 'AUTHORIZATION_NOT_COVERING', 'LICENCE_TYPE_NOT_DECLARED', 'SERVICE_UNAVAILABLE', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT', 'LICENCE_NOT_FOUND', 'LICENCE_NOT_VALID', ...ACTING_FOR_ERRORS],
      handler: async (req, res) => {
        const actor = await deps.identity.actorOf(req);
        const errors: FieldError[] = [];
        const themeCode = single(req, 'themeCode', errors);
        const matterCodes = list(single(req, 'matterCodes', errors));
        const authorizationId = single(req, 'authorizationId', errors);
        const useCauseParameter = single(req, USE_CAUSE_PARAMETER, errors);
        if (themeCode === undefined || !THEME_CODE.test(themeCode)) errors.push({ pointer: '/themeCode', message: 'is required: 1–64 letters, digits, dots, dashes or underscores' });
        for (const code of matterCodes) if (!MATTER_CODE.test(code)) errors.push({ pointer: '/matterCodes', message: `"${code.slice(0, 70)}" is not a matter code` });
        if (errors.length > 0) throw validationError(errors);
        const useCause = useCauseFromRequest(useCauseParameter, req.get(USE_CAUSE_HEADER));
        const identifier = String(req.params['identifier']);
        const file = await deps.licenceAccess.fetchFile({ clientId: req.client!.id, actor, authorizationId, identifier, themeCode: themeCode!, matterCodes, useCause });
        res.status(200)
          .set('Cache-Control', 'no-store')
          .set('Content-Disposition', `inline; filename="${identifier}.pdf"`)
          .set('Tongban-Ledger-Seq', String(file.ledgerSeq))
          .type('application/pdf')
          .send(Buffer.from(file.bytes));
      },
    },
    {
      method: 'GET', path: '/v1/holders/:holderCode/licence-uses', access: { roles: ['platform', 'ops'] },
      summary: 'Who used this holder\'s licences, when and why, newest first (?limit= 1–500, default 100; ?before=<seq> for the next page)',
      description: 'Each use names the person who acted (`actor`: as the identity platform authenticated them, in the capacity of the authorisation), their ID number and name masked; `null` for uses recorded before identities.',
      parameters: [limitQuery(100, 500), query('before', 'Entries before this `seq` (the `next` of the previous page)', { type: 'integer', minimum: 1 })],
      responses: { 200: { description: 'The holder\'s ledger entries, newest first', schema: licenceUses } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const holderCode = String(req.params['holderCode']);
        const holder = holderTypeOf(holderCode);
        const errors: FieldError[] = [];
        if ('problem' in holder) errors.push({ pointer: '/holderCode', message: holder.problem });
        const limit = req.query['limit'] === undefined ? 100 : Number(req.query['limit']);
        if (!Number.isInteger(limit) || limit < 1 || limit > 500) errors.push({ pointer: '/limit', message: 'must be an integer from 1 to 500' });
        const before = req.query['before'] === undefined ? undefined : Number(req.query['before']);
        if (before !== undefined && (!Number.isSafeInteger(before) || before < 1)) errors.push({ pointer: '/before', message: 'must be a positive integer (a seq)' });
        if (errors.length > 0) throw validationError(errors);
        const uses = await deps.ledger.listByHolder(holderCode, { limit, ...(before !== undefined ? { before } : {}) });
        res.set('Cache-Control', 'no-store').json({
          holderCode, holderType: 'type' in holder ? holder.type : null, uses: uses.map(useView),
          next: uses.length === limit ? uses.at(-1)!.seq : null,
        });
      },
    },
  ];
}
