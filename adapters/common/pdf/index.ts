/**
 * PDF plumbing shared by the seal platform and e-licence library adapters
 * and their simulators: make simple documents, seal (stamp + sign) them, and
 * verify their signatures. See README.md for the decisions.
 */
export { A4, DOCUMENT_JSON_NAME, makeDocumentPdf, type DocumentJson, type DocumentPdfContent } from './make-pdf.js';
export { readDocumentJson, readPdfAttachment } from './read-attachment.js';
export { signPdf, type PdfSignerCredentials, type SignPdfOptions, type StampOptions } from './sign-pdf.js';
export { PdfSigningError, type PdfSigningErrorCode } from './pdf-signing-error.js';
export { verifyPdfSignatures, type PdfSignatureResult, type PdfVerificationResult, type VerifyPdfOptions } from './verify-pdf.js';
export { mmToPoints } from './draw-stamp.js';
export { isDrawable, toDrawableText } from './drawable-text.js';
export { encodePng, makeSealPicturePng, type SealPictureOptions } from './seal-picture.js';
