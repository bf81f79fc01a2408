/**
 * The checks the adapter makes on every licence before returning it:
 * identifier (GB/T 36904 check character, embedded credit codes, and parts
 * that agree with the metadata), status, validity at the check instant
 * (China calendar date, bounds inclusive), and the issuer's data signature.
 * The file signature is added when the file is fetched.
 */
import type { X509Certificate } from 'node:crypto';
import type { Licence, LicenceVerification } from '../../src/domain/licence-library.js';
import { validateLicenceIdentifier } from '../../src/domain/identifiers/index.js';
import { verifyLicenceData } from './data-signature.js';
import type { IssuerCertificates } from './issuer-certificates.js';
import type { WireLicence } from './licence-library-api.js';
import type { MappedLicence } from './map-licence.js';

/** China has one time zone, UTC+8, without daylight saving time. */
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** `YYYY-MM-DD` of the calendar date in China at `instant`. */
export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

export function verifyLicence(wire: WireLicence, licence: MappedLicence, issuers: readonly X509Certificate[] | IssuerCertificates, at: Date): Licence {
  const problems: string[] = [];

  const parsed = validateLicenceIdentifier(licence.identifier);
  let identifierCheck = parsed.ok;
  if (!parsed.ok) problems.push(parsed.reason);
  else {
    if (parsed.typeCode !== licence.typeCode) {
      identifierCheck = false;
      problems.push(`identifier type part "${parsed.typeCode}" differs from certificate_type_name_code "${licence.typeCode}"`);
    }
    if (parsed.issuerCreditCode !== licence.issuer.code) {
      identifierCheck = false;
      problems.push(`identifier issuer part "${parsed.issuerCreditCode}" differs from certificate_issuing_authority_code "${licence.issuer.code}"`);
    }
  }

  const status = licence.status === 'valid';
  if (!status) problems.push(`status is "${licence.status}" (wire "${wire.status}"), not valid`);

  const today = chinaDate(at);
  let validity = true;
  if (today < licence.validFrom) {
    validity = false;
    problems.push(`not valid before ${licence.validFrom} (today is ${today})`);
  }
  if (licence.validUntil !== null && today > licence.validUntil) {
    validity = false;
    problems.push(`validity ended on ${licence.validUntil} (today is ${today})`);
  }

  const signature = verifyLicenceData(wire, issuers, at);
  if (!signature.ok) problems.push(signature.problem);

  return {
    ...licence,
    verification: {
      identifierCheck,
      status,
      validity,
      dataSignature: signature.ok,
      fileSignature: undefined,
      passed: identifierCheck && status && validity && signature.ok,
      problems,
      checkedAt: at.toISOString(),
    },
  };
}

/** The licence with the outcome of its file signature check added. */
export function withFileSignature(licence: Licence, fileSignature: boolean, fileProblems: readonly string[]): Licence {
  const verification: LicenceVerification = {
    ...licence.verification,
    fileSignature,
    passed: licence.verification.passed && fileSignature,
    problems: [...licence.verification.problems, ...fileProblems],
  };
  return { ...licence, verification };
}
