/**
 * Simple one-page A4 documents (result documents, licence files) made with
 * pdf-lib, carrying their content twice: drawn on the page for people and as
 * an attached `document.json` for machines.
 *
 * Why the attachment: the standard fonts cannot draw Chinese and no CJK font
 * is installed here (see drawable-text.ts), so Chinese text is drawn as
 * `\uXXXX` escapes. The attachment keeps the exact text and any structured
 * data (a licence's surface data, a decision's fields), and it is covered by
 * a later PDF signature like every other byte of the file.
 */
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { toDrawableText } from './drawable-text.js';

/** A4 in PDF points (1 pt = 1/72 inch). */
export const A4 = { width: 595.28, height: 841.89 } as const;

/** Name of the JSON attachment every document made here carries. */
export const DOCUMENT_JSON_NAME = 'document.json';

/** What {@link makeDocumentPdf} draws and attaches. */
export interface DocumentPdfContent {
  /** Heading, drawn bold at the top; also the PDF's /Title. */
  title: string;
  /** Body lines, drawn in order; long lines wrap, and a page that fills up continues on a new one. */
  lines: string[];
  /** Structured data attached as `document.json` (under `data`), e.g. a licence's surface data. */
  attachmentJson?: object;
  /** Creation date written to the document info and the attachment; default now. Fix it for reproducible bytes. */
  createdAt?: Date;
}

/** The content of the `document.json` attachment. */
export interface DocumentJson {
  title: string;
  lines: string[];
  data?: unknown;
}

const MARGIN = 56;
const TITLE_SIZE = 16;
const BODY_SIZE = 10.5;
const LEADING = 15;

/** Splits `text` into pieces no wider than `width` (by words when it can, by characters when a word is too long). */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const fits = (piece: string) => font.widthOfTextAtSize(piece, size) <= width;
  const pieces: string[] = [];
  let current = '';
  for (const word of text.split(/(?<= )/u)) {
    if (fits(current + word)) {
      current += word;
      continue;
    }
    if (current !== '') pieces.push(current.trimEnd());
    current = '';
    for (const character of word) {
      if (!fits(current + character) && current !== '') {
        pieces.push(current);
        current = '';
      }
      current += character;
    }
  }
  if (current !== '' || pieces.length === 0) pieces.push(current.trimEnd());
  return pieces;
}

/**
 * Makes an A4 PDF with `title` and `lines`, and attaches
 * `{title, lines, data: attachmentJson}` as `document.json`.
 * Text outside WinAnsi (Chinese) is drawn as `\uXXXX` escapes; the attachment holds it exactly.
 */
export async function makeDocumentPdf(content: DocumentPdfContent): Promise<Buffer> {
  const createdAt = content.createdAt ?? new Date();
  const document = await PDFDocument.create();
  document.setTitle(content.title);
  document.setCreator('Tongban');
  document.setProducer('Tongban (pdf-lib)');
  document.setCreationDate(createdAt);
  document.setModificationDate(createdAt);
  const regular = await document.embedFont(StandardFonts.Helvetica);
  const bold = await document.embedFont(StandardFonts.HelveticaBold);
  const textWidth = A4.width - 2 * MARGIN;

  let page: PDFPage = document.addPage([A4.width, A4.height]);
  let y = A4.height - MARGIN - TITLE_SIZE;
  for (const piece of wrap(toDrawableText(content.title), bold, TITLE_SIZE, textWidth)) {
    page.drawText(piece, { x: MARGIN, y, size: TITLE_SIZE, font: bold, color: rgb(0, 0, 0) });
    y -= TITLE_SIZE + 6;
  }
  y -= LEADING / 2;
  for (const line of content.lines) {
    for (const piece of wrap(toDrawableText(line), regular, BODY_SIZE, textWidth)) {
      if (y < MARGIN) {
        page = document.addPage([A4.width, A4.height]);
        y = A4.height - MARGIN - BODY_SIZE;
      }
      page.drawText(piece, { x: MARGIN, y, size: BODY_SIZE, font: regular, color: rgb(0, 0, 0) });
      y -= LEADING;
    }
  }

  const json: DocumentJson = { title: content.title, lines: content.lines, ...(content.attachmentJson === undefined ? {} : { data: content.attachmentJson }) };
  await document.attach(Buffer.from(JSON.stringify(json), 'utf8'), DOCUMENT_JSON_NAME, {
    mimeType: 'application/json',
    description: 'Document content (exact text and data)',
    creationDate: createdAt,
    modificationDate: createdAt,
  });
  // Object streams off: signers and simple PDF parsers expect a classic cross-reference table.
  return Buffer.from(await document.save({ useObjectStreams: false }));
}
