/**
 * Seals a PDF: draws the visible stamp, adds a signature field whose widget
 * sits on the stamp, and signs the document with a detached CMS signature
 * (adbe.pkcs7.detached, SHA-256) that poppler's `pdfsig`, Acrobat and
 * verify-pdf.ts accept.
 *
 * Two deliberate departures from the stock @signpdf pipeline:
 * - The placeholder is written with pdf-lib in the same save as the stamp,
 *   not with @signpdf/placeholder-plain, which writes non-ASCII /Reason and
 *   /Name strings as mangled UTF-8 and always puts the widget on page 1.
 * - The CMS is made by src/trust `signDetached`, not @signpdf/signer-p12:
 *   forge re-encodes a parsed certificate's UTF8String issuer (double UTF-8),
 *   so with Chinese CA names the SignerInfo no longer names its certificate
 *   and `pdfsig` fails with "Unknown Validation Failure".
 * @signpdf/signpdf still computes the /ByteRange and fills /Contents.
 */
import { PDFArray, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFString } from 'pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { Signer } from '@signpdf/utils';
import forge from 'node-forge';
import { readPkcs12, signDetached, type Pkcs12Contents } from '../../../src/trust/index.js';
import { drawStamp, type StampRectangle } from './draw-stamp.js';
import { PdfSigningError } from './pdf-signing-error.js';

/** The signer: a PKCS#12 holding one RSA key, its certificate and chain. */
export interface PdfSignerCredentials {
  p12: Buffer;
  passphrase: string;
}

/** The visible stamp. `page` is 1-based; `x`, `y` are the stamp's centre in PDF points from the page's bottom-left corner. */
export interface StampOptions {
  page: number;
  x: number;
  y: number;
  /** Diameter of the drawn seal (width of the picture) in millimetres; default 42 (a government seal). */
  sizeMm?: number;
  /** Seal name, drawn around the ring when there is no picture. */
  text: string;
  /** The seal's picture (PNG, transparent background); drawn instead of the ring. */
  pngImage?: Buffer;
}

/** What the signature dictionary states, and the stamp. */
export interface SignPdfOptions {
  reason?: string;
  location?: string;
  /** Name of the signer (/Name); default the certificate's common name. */
  name?: string;
  contactInfo?: string;
  /** Without a stamp the signature is invisible (a zero-size widget on page 1). */
  stamp?: StampOptions;
  /** Signing time stated in the CMS and /M; default now. */
  signingTime?: Date;
}

/** Placeholder value that @signpdf/signpdf looks for in /ByteRange. */
const BYTE_RANGE_PLACEHOLDER = '**********';
const DEFAULT_STAMP_MM = 42;

/** A @signpdf Signer over already-read PKCS#12 contents, signing with src/trust signDetached. */
class CmsSigner extends Signer {
  constructor(private readonly contents: Pkcs12Contents) {
    super();
  }

  override async sign(pdf: Buffer, signingTime?: Date): Promise<Buffer> {
    return signDetached(pdf, {
      certificatePem: this.contents.certificatePem,
      privateKeyPem: this.contents.privateKeyPem,
      chainPem: this.contents.chainPems,
      ...(signingTime === undefined ? {} : { signingTime }),
    });
  }
}

function commonName(certificatePem: string): string {
  const attribute = forge.pki.certificateFromPem(certificatePem).subject.getField('CN') as { value?: string } | null;
  return attribute?.value === undefined ? '' : forge.util.decodeUtf8(attribute.value);
}

async function loadDocument(pdf: Buffer): Promise<PDFDocument> {
  if (pdf.subarray(0, 1024).indexOf('%PDF-') < 0) throw new PdfSigningError('NOT_A_PDF', 'document is not a PDF (no %PDF- header)');
  try {
    return await PDFDocument.load(pdf, { updateMetadata: false });
  } catch (error) {
    if ((error as Error).name === 'EncryptedPDFError') throw new PdfSigningError('ENCRYPTED', 'document is encrypted', { cause: error });
    throw new PdfSigningError('NOT_A_PDF', `document is not a readable PDF: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Draws the stamp (if any), adds the signature placeholder and signs.
 * Saving rewrites the document, which would break any earlier signature, so
 * a PDF that already carries one is refused (`ALREADY_SIGNED`).
 * @throws PdfSigningError for a bad document, signer, page or position.
 */
export async function signPdf(pdf: Buffer, signer: PdfSignerCredentials, options: SignPdfOptions = {}): Promise<Buffer> {
  let credentials: Pkcs12Contents;
  try {
    credentials = readPkcs12(signer.p12, signer.passphrase);
  } catch (error) {
    throw new PdfSigningError('BAD_SIGNER', `signer PKCS#12 cannot be read: ${(error as Error).message}`, { cause: error });
  }
  const document = await loadDocument(pdf);
  if (pdf.indexOf('/ByteRange') >= 0) throw new PdfSigningError('ALREADY_SIGNED', 'document already carries a signature; sealing it again would invalidate it');
  const signingTime = options.signingTime ?? new Date();

  const pages = document.getPages();
  const stamp = options.stamp;
  const pageIndex = stamp === undefined ? 0 : stamp.page - 1;
  const page = pages[pageIndex];
  if (page === undefined || !Number.isInteger(pageIndex)) {
    throw new PdfSigningError('PAGE_OUT_OF_RANGE', `page ${stamp?.page ?? 1} does not exist (the document has ${pages.length})`);
  }
  let rectangle: StampRectangle = [0, 0, 0, 0];
  if (stamp !== undefined) {
    const { width, height } = page.getSize();
    if (!Number.isFinite(stamp.x) || !Number.isFinite(stamp.y) || stamp.x < 0 || stamp.y < 0 || stamp.x > width || stamp.y > height) {
      throw new PdfSigningError('POSITION_OUT_OF_PAGE', `stamp centre (${stamp.x}, ${stamp.y}) is outside page ${stamp.page} (${width.toFixed(0)} × ${height.toFixed(0)} pt)`);
    }
    const sizeMm = stamp.sizeMm ?? DEFAULT_STAMP_MM;
    if (!(sizeMm > 0 && sizeMm <= 200)) throw new PdfSigningError('BAD_STAMP', `stamp size ${sizeMm} mm is not in (0, 200]`);
    try {
      rectangle = await drawStamp(document, page, { x: stamp.x, y: stamp.y, sizeMm, text: stamp.text, ...(stamp.pngImage ? { pngImage: stamp.pngImage } : {}) });
    } catch (error) {
      throw new PdfSigningError('BAD_STAMP', `stamp cannot be drawn: ${(error as Error).message}`, { cause: error });
    }
  }

  // Room for the CMS: signature, attributes and every certificate, hex-encoded.
  const certificatesBytes = [credentials.certificatePem, ...credentials.chainPems].reduce((sum, pem) => sum + pem.length, 0);
  const signatureLength = 4096 + certificatesBytes;
  const context = document.context;
  const byteRange = PDFArray.withContext(context);
  byteRange.push(PDFNumber.of(0));
  for (let index = 0; index < 3; index += 1) byteRange.push(PDFName.of(BYTE_RANGE_PLACEHOLDER));
  const text = (value: string | undefined) => (value === undefined ? undefined : PDFHexString.fromText(value));
  const signatureDictionary = context.obj({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: 'adbe.pkcs7.detached',
    ByteRange: byteRange,
    Contents: PDFHexString.of('0'.repeat(signatureLength * 2)),
    M: PDFString.fromDate(signingTime),
    Name: text(options.name ?? commonName(credentials.certificatePem)),
    ...(options.reason === undefined ? {} : { Reason: text(options.reason) }),
    ...(options.location === undefined ? {} : { Location: text(options.location) }),
    ...(options.contactInfo === undefined ? {} : { ContactInfo: text(options.contactInfo) }),
    Prop_Build: { Filter: { Name: 'Adobe.PPKLite' }, App: { Name: 'Tongban' } },
  });
  const signatureReference = context.register(signatureDictionary);

  const form = document.catalog.getOrCreateAcroForm();
  const fieldCount = form.getAllFields().length;
  const [x1, y1, x2, y2] = rectangle;
  const appearance = context.register(context.formXObject([], { BBox: [0, 0, x2 - x1, y2 - y1] }));
  const widget = context.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    Rect: rectangle,
    V: signatureReference,
    T: PDFHexString.fromText(`Seal${fieldCount + 1}`),
    F: 4 | 128, // Print, Locked
    P: page.ref,
    AP: { N: appearance },
  });
  const widgetReference = context.register(widget);
  page.node.addAnnot(widgetReference);
  form.addField(widgetReference);
  form.dict.set(PDFName.of('SigFlags'), PDFNumber.of(3)); // SignaturesExist | AppendOnly

  const prepared = Buffer.from(await document.save({ useObjectStreams: false }));
  return new SignPdf().sign(prepared, new CmsSigner(credentials), signingTime);
}
