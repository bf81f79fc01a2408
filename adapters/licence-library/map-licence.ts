/**
 * Translation tables between the library's wire codes and Tongban's terms,
 * each with an explicit default, and the mapping of a wire licence's
 * metadata onto the {@link Licence} fields (verification is added by verify-licence.ts).
 */
import type { Licence, LicenceHolderType, LicenceStatus } from '../../src/domain/licence-library.js';
import { HOLDER_TYPE_CODES, type WireLicence } from './licence-library-api.js';

/** Wire `status` → licence status. Default for an unknown code: `other` (not valid, so verification fails). */
export const STATUS_BY_CODE: Readonly<Record<string, LicenceStatus>> = {
  '01': 'valid', '02': 'suspended', '03': 'revoked', '04': 'cancelled', '05': 'expired', '99': 'other',
};
export const DEFAULT_STATUS: LicenceStatus = 'other';

export function mapStatus(code: string): LicenceStatus {
  return STATUS_BY_CODE[code] ?? DEFAULT_STATUS;
}

/** Wire holder type code → holder type. Default: `undefined` (the licence is malformed). */
export function mapHolderType(code: string): LicenceHolderType | undefined {
  return code === HOLDER_TYPE_CODES.citizen ? 'citizen' : code === HOLDER_TYPE_CODES.organization ? 'organization' : undefined;
}

/** Spellings of "valid without end" (长期) seen in `certificate_validate_end`. */
export const OPEN_ENDED_VALIDITY: readonly string[] = ['长期', '', '99991231', '9999-12-31'];

/** `YYYYMMDD` → `YYYY-MM-DD`, or `undefined` when the value is not such a date. */
export function isoDate(value: string): string | undefined {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value);
  if (!match) return undefined;
  const iso = `${match[1]}-${match[2]}-${match[3]}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso ? undefined : iso;
}

/** The validity end: `null` for 长期, an ISO date, or `undefined` when unreadable. */
export function mapValidityEnd(value: string): string | null | undefined {
  return OPEN_ENDED_VALIDITY.includes(value.trim()) ? null : isoDate(value.trim());
}

/** The surface data: a flat record of strings (numbers are printed as text). `undefined` when not an object of scalars. */
export function mapSurface(extendInfo: string | Record<string, unknown>): Record<string, string> | undefined {
  let value: unknown = extendInfo;
  if (typeof extendInfo === 'string') {
    try {
      value = JSON.parse(extendInfo);
    } catch {
      return undefined;
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const surface: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') surface[key] = item;
    else if (typeof item === 'number' || typeof item === 'boolean') surface[key] = String(item);
    else if (item !== null) return undefined;
  }
  return surface;
}

export type MappedLicence = Omit<Licence, 'verification'>;

/** Maps a schema-valid wire licence; returns a reason string when a field cannot be read. */
export function mapLicence(wire: WireLicence): MappedLicence | string {
  const holderType = mapHolderType(wire.certificate_holder_type);
  if (!holderType) return `certificate_holder_type "${wire.certificate_holder_type}" is neither 111 nor 001`;
  const issuedOn = isoDate(wire.certificate_issuing_authority_date);
  const validFrom = isoDate(wire.certificate_validate_start);
  const validUntil = mapValidityEnd(wire.certificate_validate_end);
  if (!issuedOn) return `certificate_issuing_authority_date "${wire.certificate_issuing_authority_date}" is not a date`;
  if (!validFrom) return `certificate_validate_start "${wire.certificate_validate_start}" is not a date`;
  if (validUntil === undefined) return `certificate_validate_end "${wire.certificate_validate_end}" is neither a date nor 长期`;
  const surface = mapSurface(wire.extend_info);
  if (!surface) return 'extend_info is not a JSON object of text fields';
  return {
    identifier: wire.certificate_identifier,
    typeCode: wire.certificate_type_name_code,
    typeName: wire.certificate_type_name,
    number: wire.certificate_number,
    holder: { code: wire.certificate_holder_code, type: holderType, name: wire.certificate_holder_name },
    issuer: { name: wire.certificate_issuing_authority_name, code: wire.certificate_issuing_authority_code },
    issuedOn,
    validFrom,
    validUntil,
    areaCode: wire.certificate_area_code,
    status: mapStatus(wire.status),
    surface,
  };
}
