/**
 * The issuance operations (签发, 注销/吊销) on the wire: the issuer's metadata
 * signed with its data signature (data-signature.ts — the same canonical
 * content a reader verifies, without the identifier the library has yet to
 * assign), the sealed file as base64, the business number that makes a
 * repeat answer the same identifier. Both calls are idempotent upstream, so
 * the transport's one resend on a closed keep-alive connection is safe.
 */
import { validationError, type FieldError } from '../../src/errors/index.js';
import { validateLicenceIdentifier } from '../../src/domain/identifiers/index.js';
import type { IssuedLicenceReceipt, LicenceIssuanceRequest, RevocationKind } from '../../src/domain/licence-issuance.js';
import { signLicenceData } from './data-signature.js';
import { HOLDER_TYPE_CODES, PATHS, validateIssueData, validateRevokeData } from './licence-library-api.js';
import type { LibraryClient } from './licence-library-client.js';
import { malformedError } from './licence-library-error.js';
import { mapStatus } from './map-licence.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const compact = (date: string) => date.replaceAll('-', '');
/** The largest sealed file sent (bytes). */
export const MAX_ISSUED_FILE_BYTES = 10 * 1024 * 1024;

/** The metadata an issuer signs: every member of a served licence but the identifier and status the library sets. */
export function issuanceMetadata(request: LicenceIssuanceRequest): Record<string, string> {
  return {
    certificate_type_name_code: request.typeCode,
    certificate_number: request.number,
    certificate_issuing_authority_name: request.issuer.name,
    certificate_issuing_authority_code: request.issuer.creditCode,
    certificate_issuing_authority_date: compact(request.issuedOn),
    certificate_validate_start: compact(request.validFrom),
    certificate_validate_end: request.validUntil === null ? '长期' : compact(request.validUntil),
    certificate_area_code: request.issuer.areaCode,
    certificate_holder_name: request.holder.name,
    certificate_holder_code: request.holder.code,
    certificate_holder_type: HOLDER_TYPE_CODES[request.holder.type],
    extend_info: JSON.stringify(request.surface),
  };
}

/** Issues a licence: the library's identifier, or an UpstreamError with the library's status as `upstreamCode`. */
export async function issueLicence(client: LibraryClient, request: LicenceIssuanceRequest): Promise<IssuedLicenceReceipt> {
  const operation = 'issue';
  check(issuanceErrors(request));
  const metadata = issuanceMetadata(request);
  const certificate = { ...metadata, ...signLicenceData(metadata, request.signer.privateKeyPem, request.signer.certificatePem) };
  const data = await client.call(operation, PATHS.issue, {
    businessNumber: request.businessNumber, certificate, fileBase64: Buffer.from(request.file).toString('base64'),
  }, validateIssueData);
  if (!data) throw malformedError(operation, 'no identifier in the answer');
  const valid = validateLicenceIdentifier(data.certificateIdentifier);
  if (!valid.ok) throw malformedError(operation, `the assigned identifier is not GB/T 36904: ${valid.reason}`);
  if (!data.certificateIdentifier.includes(`.${request.typeCode}.${request.issuer.creditCode}.`)) {
    throw malformedError(operation, `the assigned identifier "${data.certificateIdentifier}" names another type or issuer`);
  }
  return { identifier: data.certificateIdentifier, duplicate: data.duplicate };
}

/** Withdraws an issued licence (注销 `cancel` → 04, 吊销 `revoke` → 03). */
export async function revokeLicence(client: LibraryClient, identifier: string, kind: RevocationKind, reason: string): Promise<{ identifier: string; status: 'revoked' | 'cancelled' }> {
  const operation = 'revoke';
  const errors: FieldError[] = [];
  const valid = validateLicenceIdentifier(identifier);
  if (!valid.ok) errors.push({ pointer: '/identifier', message: valid.reason });
  if (kind !== 'cancel' && kind !== 'revoke') errors.push({ pointer: '/kind', message: `must be cancel (注销) or revoke (吊销), got "${String(kind)}"` });
  if (typeof reason !== 'string' || reason.trim() === '' || [...reason].length > 200) errors.push({ pointer: '/reason', message: 'must be 1–200 characters' });
  check(errors);
  const data = await client.call(operation, PATHS.revoke, { certificateIdentifier: identifier, revokeType: kind === 'revoke' ? '03' : '04', reason }, validateRevokeData);
  if (!data) throw malformedError(operation, 'no status in the answer');
  const status = mapStatus(data.status);
  if (data.certificateIdentifier !== identifier || (status !== 'revoked' && status !== 'cancelled')) {
    throw malformedError(operation, `asked to withdraw "${identifier}", got "${data.certificateIdentifier}" with status "${data.status}"`);
  }
  return { identifier, status };
}

function issuanceErrors(request: LicenceIssuanceRequest): FieldError[] {
  const errors: FieldError[] = [];
  if (typeof request.businessNumber !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(request.businessNumber)) errors.push({ pointer: '/businessNumber', message: 'must be 1–64 visible ASCII characters' });
  if (!/^[0-9A-Z]{18}\d{3}$/.test(request.typeCode)) errors.push({ pointer: '/typeCode', message: `"${request.typeCode}" is not a 21-character licence type code` });
  for (const [name, value] of [['issuedOn', request.issuedOn], ['validFrom', request.validFrom]] as const) {
    if (!DATE.test(value)) errors.push({ pointer: `/${name}`, message: `must be YYYY-MM-DD, got "${value}"` });
  }
  if (request.validUntil !== null && !DATE.test(request.validUntil)) errors.push({ pointer: '/validUntil', message: `must be YYYY-MM-DD or null, got "${request.validUntil}"` });
  if (Object.keys(request.surface).length === 0) errors.push({ pointer: '/surface', message: 'must hold at least one field' });
  if (request.file.length === 0 || request.file.length > MAX_ISSUED_FILE_BYTES) errors.push({ pointer: '/file', message: `must be a PDF of 1–${MAX_ISSUED_FILE_BYTES} bytes` });
  return errors;
}

function check(errors: readonly FieldError[]): void {
  if (errors.length > 0) throw validationError(errors);
}
