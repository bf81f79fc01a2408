/**
 * The e-seal capability (电子印章平台): sealing result documents with a
 * department's seal and verifying sealed documents, in Tongban's own terms.
 *
 * Glossary:
 * - seal 电子印章 — a department's electronic seal: an id (印章编码), a name
 *   (e.g. 梅州市梅县区公安局电子印章), a type, a picture (印模, PNG with its size
 *   in mm), a validity and a signing certificate bound to it.
 * - seal type 印章类型 — 法定名称章 (official), 业务专用章 (business), 财务专用章,
 *   合同专用章, 发票专用章, 个人名章.
 * - sealing 签章/盖章 — drawing the seal's picture on a page and signing the
 *   document with the seal's certificate (a PDF signature).
 * - verification 验章 — checking a sealed document: integrity of the signed
 *   bytes and trust in the signer certificate.
 * - seal platform CA — the certificate authority that issues seal
 *   certificates; its certificate is the trust anchor for verification.
 */

/** Seal type (印章类型). */
export type SealType = 'official' | 'business' | 'finance' | 'contract' | 'invoice' | 'personal' | 'other';

/** Seal status as the platform reports it. Only `active` seals can seal. */
export type SealStatus = 'active' | 'suspended' | 'revoked' | 'expired' | 'other';

/** One seal of a department. */
export interface Seal {
  /** Seal code (印章编码). */
  readonly sealId: string;
  /** e.g. `梅州市梅县区公安局电子印章`. */
  readonly name: string;
  readonly type: SealType;
  /** Tongban department code (mappings/departments.json), e.g. `gaj`. */
  readonly departmentCode: string;
  readonly status: SealStatus;
  /** ISO 8601 instants. */
  readonly validFrom: string;
  readonly validUntil: string;
  /** The seal picture (印模): PNG and its printed size. */
  readonly picture: { readonly png: Uint8Array; readonly widthMm: number; readonly heightMm: number };
  /** The seal's signing certificate, PEM. */
  readonly certificatePem: string;
}

/** A request to seal a PDF. */
export interface SealPdfRequest {
  readonly departmentCode: string;
  /** Which seal; default the department's active official seal (法定名称章), else its first active seal. */
  readonly sealId?: string;
  readonly pdf: Uint8Array;
  /** 1-based page number. */
  readonly page: number;
  /** Centre of the stamp in PDF points (1/72 in) from the page's bottom-left corner. */
  readonly x: number;
  readonly y: number;
  /** Why the document is sealed (written into the signature), e.g. `依申请出具办理结果`. */
  readonly reason: string;
}

/** What one signature on a document proves. */
export interface DocumentSignature {
  /** Common name of the signer certificate. */
  readonly signerName: string;
  readonly signerCertificatePem: string;
  /** ISO 8601, the signing time stated in the signature. */
  readonly signedAt?: string | undefined;
  /** The signed bytes are unchanged and the signature verifies. */
  readonly integrity: boolean;
  /** The signer certificate chains to the seal platform's CA. */
  readonly certificateTrusted: boolean;
  /** The signature covers the whole file (nothing was appended after it). */
  readonly coversWholeDocument: boolean;
  /** Reason written into the signature. */
  readonly reason?: string | undefined;
  /** The seal that made it, when the platform recognises the certificate. */
  readonly sealId?: string | undefined;
  readonly sealName?: string | undefined;
}

/** A sealed PDF, checked by the adapter before it is returned. */
export interface SealedPdf {
  readonly pdf: Buffer;
  readonly sealId: string;
  readonly sealName: string;
  /** The new signature, verified locally against the platform CA and the seal's certificate. */
  readonly signature: DocumentSignature;
}

/** The platform's verdict on a document. */
export interface PdfVerification {
  /** At least one signature, all intact and trusted, the last covering the whole file. */
  readonly valid: boolean;
  readonly signatures: readonly DocumentSignature[];
  /** Why `valid` is false, as the platform says; empty when valid. */
  readonly problems: readonly string[];
}

/**
 * The seal platform. Failures are `UpstreamError`s (system `seal-platform`):
 * an unknown, revoked or expired seal or a document the platform refuses is
 * `rejected`; wrong credentials `auth`; a sealed document whose signature
 * does not verify `signature`; an answer off the wire schema `malformed`.
 */
export interface SealService {
  /** The seals of a department (all statuses). */
  listSeals(departmentCode: string): Promise<Seal[]>;
  /** Seals a PDF: visible stamp plus a PDF signature by the seal's certificate. */
  sealPdf(request: SealPdfRequest): Promise<SealedPdf>;
  /** Asks the platform to verify a (sealed) PDF. An unsigned or broken PDF is a result with `valid: false`, not an error. */
  verifyPdf(pdf: Uint8Array): Promise<PdfVerification>;
  /**
   * The seal platform CA certificates (PEM) that every seal certificate must
   * chain to: the trust anchors a relying party needs to verify a sealed
   * document. The ones configured, else those the platform hands out over its
   * authenticated channel (fetched once).
   */
  caCertificates(): Promise<readonly string[]>;
}
