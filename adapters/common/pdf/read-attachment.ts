/**
 * Reads files attached to a PDF (the /EmbeddedFiles name tree), e.g. the
 * `document.json` that make-pdf.ts attaches.
 */
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFString, PDFHexString, decodePDFRawStream } from 'pdf-lib';
import { DOCUMENT_JSON_NAME, type DocumentJson } from './make-pdf.js';

function text(value: unknown): string | undefined {
  return value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined;
}

/** Collects name → file specification pairs of a name-tree node and its kids. */
function collect(node: PDFDict, into: Map<string, PDFDict>, depth = 0): void {
  if (depth > 16) return; // a cyclic or absurdly deep tree is not ours to follow
  const names = node.lookupMaybe(PDFName.of('Names'), PDFArray);
  if (names !== undefined) {
    for (let index = 0; index + 1 < names.size(); index += 2) {
      const name = text(names.lookup(index));
      const spec = names.lookup(index + 1);
      if (name !== undefined && spec instanceof PDFDict) into.set(name, spec);
    }
  }
  const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
  for (let index = 0; kids !== undefined && index < kids.size(); index += 1) {
    const kid = kids.lookup(index);
    if (kid instanceof PDFDict) collect(kid, into, depth + 1);
  }
}

/**
 * The bytes of the attachment called `name`, or undefined when the PDF has
 * none (or is not a PDF pdf-lib can read). Never throws.
 */
export async function readPdfAttachment(pdf: Uint8Array, name: string): Promise<Buffer | undefined> {
  try {
    const document = await PDFDocument.load(pdf, { updateMetadata: false, throwOnInvalidObject: false });
    const root = document.catalog.lookupMaybe(PDFName.of('Names'), PDFDict)?.lookupMaybe(PDFName.of('EmbeddedFiles'), PDFDict);
    if (root === undefined) return undefined;
    const files = new Map<string, PDFDict>();
    collect(root, files);
    const stream = files.get(name)?.lookupMaybe(PDFName.of('EF'), PDFDict)?.lookup(PDFName.of('F'));
    if (!(stream instanceof PDFRawStream)) return undefined;
    return Buffer.from(decodePDFRawStream(stream).decode());
  } catch {
    return undefined;
  }
}

/** The `document.json` attachment of a PDF made by makeDocumentPdf, or undefined. Never throws. */
export async function readDocumentJson(pdf: Uint8Array): Promise<DocumentJson | undefined> {
  const bytes = await readPdfAttachment(pdf, DOCUMENT_JSON_NAME);
  if (bytes === undefined) return undefined;
  try {
    const value = JSON.parse(bytes.toString('utf8')) as Partial<DocumentJson> | null;
    if (value === null || typeof value !== 'object' || typeof value.title !== 'string' || !Array.isArray(value.lines)) return undefined;
    return value as DocumentJson;
  } catch {
    return undefined;
  }
}
