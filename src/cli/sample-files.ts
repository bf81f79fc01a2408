/**
 * Real files a platform could hand in as materials, made on the spot for the
 * demo and the benchmarks: a one-page PDF (pdf-lib, through the document maker
 * the simulators use) and a small baseline JPEG written byte by byte — both
 * typed by their own first bytes at `POST /v1/materials` like any upload.
 */
import { makeDocumentPdf } from '../../adapters/common/pdf/index.js';

/** Media types of the files made here. */
export type SampleMediaType = 'application/pdf' | 'image/jpeg';

/**
 * A one-page A4 PDF titled `title` with `lines` (Chinese kept exactly in its
 * attached document.json). `createdAt` fixes the bytes for a given content.
 */
export function samplePdf(title: string, lines: string[] = [], createdAt = new Date('2026-12-01T00:00:00+08:00')): Promise<Buffer> {
  return makeDocumentPdf({ title, lines, createdAt });
}

/**
 * An 8 × 8 grey baseline JPEG (JFIF, one component, quality table of ones),
 * decodable by any viewer, with `label` in a comment segment so that distinct
 * labels give distinct files. Its one block is DC-only: the DC difference
 * (category 0, code `0`) and the end of block (code `0`), padded with ones.
 */
export function sampleJpeg(label: string): Buffer {
  const segment = (marker: number, body: Buffer) => Buffer.concat([Buffer.from([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff]), body]);
  const comment = Buffer.from(label, 'utf8').subarray(0, 60_000);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]), // SOI
    segment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00])), // APP0 JFIF 1.1, no thumbnail
    segment(0xfe, comment), // COM
    segment(0xdb, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 1)])), // DQT table 0, 8-bit, all ones
    segment(0xc0, Buffer.from([0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00])), // SOF0: 8 bits, 8 × 8, one component (id 1, 1×1, table 0)
    segment(0xc4, Buffer.concat([Buffer.from([0x00, 0x01]), Buffer.alloc(15), Buffer.from([0x00])])), // DHT DC 0: one code of length 1 → category 0
    segment(0xc4, Buffer.concat([Buffer.from([0x10, 0x01]), Buffer.alloc(15), Buffer.from([0x00])])), // DHT AC 0: one code of length 1 → EOB
    segment(0xda, Buffer.from([0x01, 0x01, 0x00, 0x00, 0x3f, 0x00])), // SOS: component 1 with tables 0/0, full spectral range
    Buffer.from([0x3f]), // 0 (DC category 0), 0 (EOB), then six padding ones
    Buffer.from([0xff, 0xd9]), // EOI
  ]);
}

/** A sample file of `mediaType` labelled `label` (a PDF for any type but JPEG). */
export async function sampleFile(mediaType: string, label: string): Promise<{ bytes: Buffer; mediaType: SampleMediaType }> {
  return mediaType === 'image/jpeg'
    ? { bytes: sampleJpeg(label), mediaType: 'image/jpeg' }
    : { bytes: await samplePdf(label), mediaType: 'application/pdf' };
}
