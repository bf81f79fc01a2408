/**
 * A population licence as the library sends it: docs/domain.md licence metadata with
 * dates as YYYYMMDD (`长期` for an open end), the surface as a JSON string in
 * `extend_info`, and the issuer's data signature (data-signature.ts).
 */
import { LICENCE_TYPES } from '../../../src/domain/licence-library.js';
import { signLicenceData } from '../data-signature.js';
import type { WireLicence } from '../licence-library-api.js';
import { ISSUERS, type LicenceRecord } from '../../common/population/index.js';
import type { IssuerPki } from './issuer-pki.js';

const compact = (date: string) => date.replaceAll('-', '');

/** Metadata without the signature members. */
export function unsignedMetadata(record: LicenceRecord): Record<string, string> {
  const type = LICENCE_TYPES[record.type];
  const issuer = ISSUERS[record.issuer];
  return {
    certificate_identifier: record.identifier,
    certificate_name: type.name,
    certificate_type_name: type.name,
    certificate_type_name_code: type.code,
    certificate_define_authority_name: type.definedBy.name,
    certificate_define_authority_code: type.definedBy.creditCode,
    certificate_number: record.number,
    certificate_version: record.version,
    certificate_issuing_authority_name: issuer.name,
    certificate_issuing_authority_code: issuer.creditCode,
    certificate_issuing_authority_date: compact(record.issuedOn),
    certificate_validate_start: compact(record.validFrom),
    certificate_validate_end: record.validUntil === null ? '长期' : compact(record.validUntil),
    certificate_area_code: issuer.areaCode,
    certificate_holder_name: record.holder.name,
    certificate_holder_code: record.holder.code,
    certificate_holder_type: record.holder.type,
    extend_info: JSON.stringify(record.surface),
    status: record.status,
  };
}

/** Signs licences on demand and remembers the result until the licence changes. */
export class WireLicences {
  private readonly cache = new Map<string, { status: string; wire: WireLicence }>();

  constructor(private readonly pki: IssuerPki) {}

  get(record: LicenceRecord): WireLicence {
    const cached = this.cache.get(record.identifier);
    if (cached && cached.status === record.status) return cached.wire;
    const metadata = unsignedMetadata(record);
    const credentials = this.pki.credentials(ISSUERS[record.issuer]);
    const wire = { ...metadata, ...signLicenceData(metadata, credentials.privateKeyPem, credentials.certificatePem) } as WireLicence;
    this.cache.set(record.identifier, { status: record.status, wire });
    return wire;
  }
}

/** A copy whose data signature no longer verifies (one base64 character changed), for the bad-signature fault. */
export function withCorruptedSignature(wire: WireLicence): WireLicence {
  const signature = wire.data_signature ?? '';
  const index = Math.floor(signature.length / 3);
  const replacement = signature.charAt(index) === 'A' ? 'B' : 'A';
  return { ...wire, data_signature: signature.slice(0, index) + replacement + signature.slice(index + 1) };
}
