/** Why a PDF could not be signed: a stable `code` that callers (the seal platform simulator) switch on. */
export type PdfSigningErrorCode =
  | 'NOT_A_PDF'
  | 'ENCRYPTED'
  | 'ALREADY_SIGNED'
  | 'PAGE_OUT_OF_RANGE'
  | 'POSITION_OUT_OF_PAGE'
  | 'BAD_SIGNER'
  | 'BAD_STAMP';

/** A PDF signing failure caused by the input (document, signer or stamp), never by a bug. */
export class PdfSigningError extends Error {
  readonly code: PdfSigningErrorCode;

  constructor(code: PdfSigningErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PdfSigningError';
    this.code = code;
  }
}
