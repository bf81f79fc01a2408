/**
 * The e-licence library adapter: {@link LicenceLibrary} over the provincial
 * sharing API (licence-library-api.ts). Every licence returned is verified
 * (verify-licence.ts); a licence whose checks fail is still returned, with
 * `verification.passed` false and the reasons, so callers can show why and
 * must not trust it. Caller mistakes (no reason for use, a malformed
 * identifier) are VALIDATION_FAILED before any call is made.
 */
import { X509Certificate } from 'node:crypto';
import { validationError, type FieldError } from '../../src/errors/index.js';
import { validateLicenceIdentifier } from '../../src/domain/identifiers/index.js';
import {
  MAX_USE_CAUSE_LENGTH,
  type Licence,
  type LicenceFieldDefinitions,
  type LicenceFile,
  type LicenceLibrary,
  type LicenceQuery,
  type SurfaceCheck,
} from '../../src/domain/licence-library.js';
import { createHttpClient, createPushClient } from '../common/http-client.js';
import type { LicenceIssuing } from '../../src/domain/licence-issuance.js';
import { downloadLicenceFile } from './download-file.js';
import { issueLicence, revokeLicence } from './issue-licence.js';
import { IssuerCertificates } from './issuer-certificates.js';
import {
  HOLDER_TYPE_CODES,
  PATHS,
  STATUS,
  validateHolderQueryData,
  validateLicence,
  validateRemarkInfoData,
  validateVerifyCertInfoData,
  type WireLicence,
} from './licence-library-api.js';
import { LibraryClient } from './licence-library-client.js';
import { malformedError } from './licence-library-error.js';
import { mapLicence } from './map-licence.js';
import { verifyLicence } from './verify-licence.js';

export interface LicenceLibraryAdapterSettings {
  /** Base URL of the library, e.g. `https://zzk.example.gov.cn`. */
  baseUrl: string;
  accessId: string;
  accessSecret: string;
  /** Per-call timeout (ms). Default 5000. */
  timeoutMs?: number;
  /** CA certificates (PEM) the issuers' signing certificates must chain to. */
  trustAnchorsPem: readonly string[];
  /** The current instant, for validity checks and token lifetimes. Default the system clock. */
  now?: () => Date;
}

/** The adapter, with its token counter for ops and tests. */
export interface LicenceLibraryAdapter extends LicenceLibrary, LicenceIssuing {
  /** How many access tokens were requested so far. */
  readonly tokenRequests: number;
}

const CODE_PATTERN = /^[0-9A-Z]{18}\d{3}$/;
/** The largest answer read from the library's JSON operations (a holder's licences, each a few KiB). */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/**
 * Creates the adapter. No call is made until an operation is used.
 * @throws TypeError-like errors from node:crypto when a trust anchor is not a PEM certificate (a configuration error).
 */
export function createLicenceLibraryAdapter(settings: LicenceLibraryAdapterSettings): LicenceLibraryAdapter {
  const now = settings.now ?? (() => new Date());
  const http = createHttpClient({ baseUrl: settings.baseUrl, timeoutMs: settings.timeoutMs ?? 5000 });
  // The library's calls read, or issue and revoke idempotently (business number, identifier), so the push client's one resend on a connection the library closed as we wrote is safe.
  const transport = createPushClient({ baseUrl: settings.baseUrl, timeoutMs: settings.timeoutMs ?? 5000, maxAnswerBytes: MAX_ANSWER_BYTES });
  const client = new LibraryClient({ transport, accessId: settings.accessId, accessSecret: settings.accessSecret, now });
  // Issuers' signing certificates are parsed and chain-checked once each (issuer-certificates.ts), not once per licence.
  const issuers = new IssuerCertificates(settings.trustAnchorsPem.map((pem) => new X509Certificate(pem)));

  const toLicence = (operation: string, wire: WireLicence): Licence => {
    const mapped = mapLicence(wire);
    if (typeof mapped === 'string') throw malformedError(operation, mapped);
    return verifyLicence(wire, mapped, issuers, now());
  };

  const getByIdentifier = async (identifier: string, useCause: string): Promise<Licence> => {
    const operation = 'getByIdentifier';
    check([...useCauseErrors(useCause), ...identifierErrors(identifier, '/identifier')]);
    const wire = await client.call(operation, PATHS.queryByIdentifier, { certificateIdentifier: identifier, useCause }, validateLicence);
    if (!wire) throw malformedError(operation, 'no licence in the answer');
    if (wire.certificate_identifier !== identifier) {
      throw malformedError(operation, `asked for "${identifier}", got "${wire.certificate_identifier}"`);
    }
    return toLicence(operation, wire);
  };

  return {
    get tokenRequests() {
      return client.tokenRequests;
    },

    async queryByHolder(query: LicenceQuery): Promise<Licence[]> {
      const operation = 'queryByHolder';
      const errors = useCauseErrors(query.useCause);
      if (typeof query.holderCode !== 'string' || query.holderCode.trim() === '') errors.push({ pointer: '/holderCode', message: 'must be a non-empty ID number or credit code' });
      if (!Object.hasOwn(HOLDER_TYPE_CODES, query.holderType)) errors.push({ pointer: '/holderType', message: `"${String(query.holderType)}" is neither citizen nor organization` });
      if (!Array.isArray(query.licenceTypes) || query.licenceTypes.length === 0) errors.push({ pointer: '/licenceTypes', message: 'must name at least one licence type code' });
      else query.licenceTypes.forEach((code, index) => {
        if (!CODE_PATTERN.test(code)) errors.push({ pointer: `/licenceTypes/${index}`, message: `"${code}" is not a 21-character licence type code` });
      });
      check(errors);
      const data = await client.call(operation, PATHS.queryByHolder, {
        holderCode: query.holderCode,
        holderTypeCode: HOLDER_TYPE_CODES[query.holderType],
        certificateTypeCode: query.licenceTypes.join(','),
        useCause: query.useCause,
      }, validateHolderQueryData, [STATUS.noMatchingLicence]);
      if (!data) return [];
      return data.list.map((wire) => {
        // A licence of someone else, or of a type not asked for, means the answer cannot be trusted at all.
        if (wire.certificate_holder_code !== query.holderCode) throw malformedError(operation, `licence "${wire.certificate_identifier}" belongs to another holder`);
        if (!query.licenceTypes.includes(wire.certificate_type_name_code)) throw malformedError(operation, `licence "${wire.certificate_identifier}" is of type "${wire.certificate_type_name_code}", not asked for`);
        return toLicence(operation, wire);
      });
    },

    getByIdentifier,

    async verifySurface(identifier: string, surface: Readonly<Record<string, string>>, useCause: string): Promise<SurfaceCheck> {
      const operation = 'verifySurface';
      const errors = [...useCauseErrors(useCause), ...identifierErrors(identifier, '/identifier')];
      if (surface === null || typeof surface !== 'object' || Object.keys(surface).length === 0) errors.push({ pointer: '/surface', message: 'must hold at least one field' });
      check(errors);
      const data = await client.call(operation, PATHS.verifyCertInfo, { certificateIdentifier: identifier, useCause, certInfo: surface }, validateVerifyCertInfoData);
      if (!data) throw malformedError(operation, 'no result in the answer');
      const fields = data.items.map((item) => ({ key: item.name, matched: item.match }));
      const answered = new Set(fields.map((field) => field.key));
      const missing = Object.keys(surface).filter((key) => !answered.has(key));
      if (missing.length > 0) throw malformedError(operation, `no result for submitted field(s) ${missing.join(', ')}`);
      return { identifier, matched: data.verifyResult && fields.every((field) => field.matched), fields };
    },

    async fieldDefinitions(typeCode: string): Promise<LicenceFieldDefinitions> {
      const operation = 'fieldDefinitions';
      if (!CODE_PATTERN.test(typeCode)) check([{ pointer: '/typeCode', message: `"${typeCode}" is not a 21-character licence type code` }]);
      const data = await client.call(operation, PATHS.getCertRemarkInfo, { certificateTypeCode: typeCode }, validateRemarkInfoData);
      if (!data) throw malformedError(operation, 'no field definitions in the answer');
      return {
        typeCode: data.certificate_type_name_code,
        typeName: data.certificate_type_name,
        fields: data.remark.map((field) => ({ key: field.name, label: field.label, type: field.type as 'string' | 'date' | 'number', required: field.required })),
      };
    },

    issue: (request) => issueLicence(client, request),

    revoke: (identifier, kind, reason) => revokeLicence(client, identifier, kind, reason),

    async downloadFile(identifier: string, useCause: string): Promise<LicenceFile> {
      const licence = await getByIdentifier(identifier, useCause);
      return downloadLicenceFile({ client, http, baseUrl: settings.baseUrl, trustAnchorsPem: settings.trustAnchorsPem, now }, licence, useCause);
    },
  };
}

function useCauseErrors(useCause: unknown): FieldError[] {
  if (typeof useCause !== 'string' || useCause.trim() === '') return [{ pointer: '/useCause', message: 'a reason for use (用证事由) is required' }];
  if ([...useCause].length > MAX_USE_CAUSE_LENGTH) return [{ pointer: '/useCause', message: `must be at most ${MAX_USE_CAUSE_LENGTH} characters, got ${[...useCause].length}` }];
  return [];
}

function identifierErrors(identifier: unknown, pointer: string): FieldError[] {
  const result = validateLicenceIdentifier(identifier);
  return result.ok ? [] : [{ pointer, message: result.reason }];
}

function check(errors: readonly FieldError[]): void {
  if (errors.length > 0) throw validationError(errors);
}
