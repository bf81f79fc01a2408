/**
 * Adds one licence to the population: its GB/T 36904 identifier (type code +
 * issuer credit code + serial `<issue year><7-digit sequence>` + version
 * `001`, with the MOD 37,36 check character) and its record.
 */
import { LICENCE_TYPES, type LicenceTypeKey } from '../../../src/domain/licence-library.js';
import { makeLicenceIdentifier } from '../../../src/domain/identifiers/index.js';
import { nextCount, type Context } from './context.js';
import { ISSUERS, type IssuerKey } from './issuers.js';
import type { LicenceRecord, LicenceStatusCode } from './model.js';

export interface NewLicence {
  readonly type: LicenceTypeKey;
  readonly issuer: IssuerKey;
  readonly number: string;
  readonly issuedOn: string;
  /** Default `issuedOn`. */
  readonly validFrom?: string;
  /** `null` (default) = 长期. */
  readonly validUntil?: string | null;
  readonly holder: { readonly name: string; readonly code: string; readonly type: '111' | '001' };
  readonly holderKey: string;
  readonly surface: Record<string, string | undefined>;
  readonly status?: LicenceStatusCode;
}

export function addLicence(context: Context, licence: NewLicence): LicenceRecord {
  const typeCode = LICENCE_TYPES[licence.type].code;
  const issuerCreditCode = ISSUERS[licence.issuer].creditCode;
  const year = licence.issuedOn.slice(0, 4);
  const sequence = nextCount(context, `serial:${typeCode}:${issuerCreditCode}:${year}`);
  const serial = `${year}${String(sequence).padStart(7, '0')}`;
  const surface: Record<string, string> = {};
  // Optional fields that do not apply are left out rather than sent empty.
  for (const [key, value] of Object.entries(licence.surface)) if (value !== undefined && value !== '') surface[key] = value;
  const record: LicenceRecord = {
    identifier: makeLicenceIdentifier({ typeCode, issuerCreditCode, serial, version: 1 }),
    type: licence.type,
    number: licence.number,
    version: '001',
    issuer: licence.issuer,
    issuedOn: licence.issuedOn,
    validFrom: licence.validFrom ?? licence.issuedOn,
    validUntil: licence.validUntil ?? null,
    holder: licence.holder,
    surface,
    status: licence.status ?? '01',
    holderKey: licence.holderKey,
  };
  context.licences.push(record);
  return record;
}

/** `长期` for an open-ended validity, else the date. */
export function untilText(validUntil: string | null): string {
  return validUntil ?? '长期';
}
