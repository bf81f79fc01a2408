/**
 * Issuing results as licences (电子证照制证/签发): what Tongban asks of the
 * e-licence library when a department's result is itself a licence.
 *
 * Glossary:
 * - issuance 签发 — the issuer hands the library a licence's metadata, surface
 *   data, sealed file and its data signature; the library assigns the GB/T 36904
 *   identifier (电子证照标识) and serves the licence to later callers.
 * - business number 业务编号 — the issuer's own number of the issuance; a repeat
 *   with the same number and content is answered with the same identifier.
 * - revocation 注销/吊销 — the issuer withdraws a licence it issued: 注销
 *   (`cancel`, status 04) or 吊销 (`revoke`, status 03).
 */
import type { LicenceHolderType } from './licence-library.js';

/** The issuer's private key and signing certificate, for the data signature. */
export interface IssuerSigningCredentials {
  readonly privateKeyPem: string;
  readonly certificatePem: string;
}

/** One licence to issue. Dates `YYYY-MM-DD`. */
export interface LicenceIssuanceRequest {
  /** The issuer's business number: the idempotency key of the issuance (1–64 visible ASCII characters). */
  readonly businessNumber: string;
  /** 21-character licence type code. */
  readonly typeCode: string;
  /** The number printed on the licence (证照编号). */
  readonly number: string;
  readonly holder: { readonly code: string; readonly type: LicenceHolderType; readonly name: string };
  readonly issuer: { readonly name: string; readonly creditCode: string; readonly areaCode: string };
  readonly issuedOn: string;
  readonly validFrom: string;
  /** `null` = 长期. */
  readonly validUntil: string | null;
  /** Surface data: the type's field key → value as printed. */
  readonly surface: Readonly<Record<string, string>>;
  /** The sealed PDF file. */
  readonly file: Uint8Array;
  /** The issuer's signing credentials (the library verifies the data signature made with them). */
  readonly signer: IssuerSigningCredentials;
}

/** The library's answer to an issuance. */
export interface IssuedLicenceReceipt {
  /** The GB/T 36904 identifier the library assigned. */
  readonly identifier: string;
  /** The business number had been issued before with the same content: the same identifier again. */
  readonly duplicate: boolean;
}

export type RevocationKind = 'cancel' | 'revoke';

/**
 * The library's issuance operations. Refusals are `UpstreamError`s (system
 * `licence-library`, kind `rejected`, `upstreamCode` the library's status).
 */
export interface LicenceIssuing {
  issue(request: LicenceIssuanceRequest): Promise<IssuedLicenceReceipt>;
  /** Withdraws an issued licence; revoking one already withdrawn the same way answers it again. */
  revoke(identifier: string, kind: RevocationKind, reason: string): Promise<{ identifier: string; status: 'revoked' | 'cancelled' }>;
}
