/**
 * Test helpers for PDFs: run poppler's `pdfsig` with a temporary NSS
 * database that trusts given CA certificates, render a page to pixels with
 * `pdftoppm`, and tamper with signed bytes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function available(command: string, args: string[]): boolean {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  return run.error === undefined;
}

/** Whether poppler's pdfsig and NSS's certutil are installed. */
export const hasPdfsig = (): boolean => available('pdfsig', ['-v']) && available('certutil', ['-H']);
/** Whether poppler's pdftoppm is installed. */
export const hasPdftoppm = (): boolean => available('pdftoppm', ['-v']);

function withTemporaryDirectory<T>(work: (directory: string) => T): T {
  const directory = mkdtempSync(join(tmpdir(), 'tongban-pdf-'));
  try {
    return work(directory);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Runs `pdfsig` on `pdf` with an NSS database trusting `caPems`; returns its output (stdout + stderr). */
export function pdfsig(pdf: Buffer, caPems: readonly string[]): string {
  return withTemporaryDirectory((directory) => {
    const database = join(directory, 'nss');
    const run = (command: string, args: string[]) => {
      const result = spawnSync(command, args, { encoding: 'utf8' });
      if (result.error !== undefined) throw result.error;
      return `${result.stdout}${result.stderr}`;
    };
    mkdirSync(database);
    run('certutil', ['-N', '-d', `sql:${database}`, '--empty-password']);
    caPems.forEach((pem, index) => {
      const file = join(directory, `ca-${index}.pem`);
      writeFileSync(file, pem);
      run('certutil', ['-A', '-d', `sql:${database}`, '-n', `ca-${index}`, '-t', 'CT,C,C', '-i', file]);
    });
    const file = join(directory, 'document.pdf');
    writeFileSync(file, pdf);
    return run('pdfsig', ['-nssdir', `sql:${database}`, file]);
  });
}

/** A page rendered as RGB pixels (pdftoppm, PPM output). */
export interface RenderedPage {
  width: number;
  height: number;
  /** RGB of the pixel at (x, y), y from the top. */
  pixel(x: number, y: number): [number, number, number];
}

/** Renders page `page` (1-based) of `pdf` at `dpi`. */
export function renderPage(pdf: Buffer, page: number, dpi = 36): RenderedPage {
  return withTemporaryDirectory((directory) => {
    const file = join(directory, 'document.pdf');
    writeFileSync(file, pdf);
    const run = spawnSync('pdftoppm', ['-r', String(dpi), '-f', String(page), '-l', String(page), file], { maxBuffer: 64 * 1024 * 1024 });
    if (run.error !== undefined || run.status !== 0) throw new Error(`pdftoppm failed: ${run.stderr?.toString() ?? run.error?.message}`);
    const ppm = run.stdout as Buffer;
    // Binary PPM: "P6\n<width> <height>\n<max>\n" then RGB bytes.
    const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 64).toString('latin1'));
    if (header === null) throw new Error('pdftoppm did not write a PPM');
    const width = Number(header[1]);
    const height = Number(header[2]);
    const offset = header[0].length;
    return {
      width,
      height,
      pixel: (x, y) => {
        const at = offset + (y * width + x) * 3;
        return [ppm[at]!, ppm[at + 1]!, ppm[at + 2]!];
      },
    };
  });
}

/** Counts seal-red pixels (strong red, weak green and blue) in a rectangle of a rendered page. */
export function countRedPixels(page: RenderedPage, box: { left: number; top: number; right: number; bottom: number }): number {
  let count = 0;
  for (let y = Math.max(0, box.top); y < Math.min(page.height, box.bottom); y += 1) {
    for (let x = Math.max(0, box.left); x < Math.min(page.width, box.right); x += 1) {
      const [red, green, blue] = page.pixel(x, y);
      if (red > 150 && green < 110 && blue < 110) count += 1;
    }
  }
  return count;
}

/** A copy of `pdf` with `from` replaced by `to` (same length) at its first occurrence before `before`. */
export function tamper(pdf: Buffer, from: string, to: string, before = pdf.length): Buffer {
  if (from.length !== to.length) throw new Error('tampering must keep the length');
  const at = pdf.indexOf(from, 0, 'latin1');
  if (at < 0 || at >= before) throw new Error(`"${from}" not found before offset ${before}`);
  const copy = Buffer.from(pdf);
  copy.write(to, at, 'latin1');
  return copy;
}

/**
 * What a relying party hands `openssl cms -verify` for the last signature of
 * a PDF: the DER CMS from the gap /ByteRange leaves (the /Contents hex string,
 * its zero padding cut by the DER length) and the bytes the ranges cover.
 */
export function lastSignatureParts(pdf: Buffer): { cms: Buffer; signedContent: Buffer } {
  const ranges = [...pdf.toString('latin1').matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const last = ranges[ranges.length - 1];
  if (last === undefined) throw new Error('no /ByteRange in the PDF');
  const [offset1, length1, offset2, length2] = last.slice(1, 5).map(Number) as [number, number, number, number];
  const hex = pdf.subarray(offset1 + length1, offset2).toString('latin1').replace(/^</, '').replace(/>$/, '');
  const padded = Buffer.from(hex, 'hex');
  if (padded[0] !== 0x30) throw new Error('/Contents does not start with a DER SEQUENCE');
  // DER length: short form, or 0x8N followed by N length bytes.
  const first = padded[1]!;
  const lengthBytes = first < 0x80 ? 0 : first & 0x7f;
  const length = first < 0x80 ? first : padded.subarray(2, 2 + lengthBytes).reduce((total, byte) => total * 256 + byte, 0);
  return {
    cms: padded.subarray(0, 2 + lengthBytes + length),
    signedContent: Buffer.concat([pdf.subarray(offset1, offset1 + length1), pdf.subarray(offset2, offset2 + length2)]),
  };
}

/**
 * `openssl cms -verify -binary -inform DER -content <signed bytes> -CAfile <caPem> -purpose any`
 * on the last signature of `pdf`; returns the exit status and output.
 */
export function opensslCmsVerify(pdf: Buffer, caPem: string): { status: number | null; output: string } {
  const { cms, signedContent } = lastSignatureParts(pdf);
  return withTemporaryDirectory((directory) => {
    writeFileSync(join(directory, 'signature.der'), cms);
    writeFileSync(join(directory, 'content.bin'), signedContent);
    writeFileSync(join(directory, 'ca.pem'), caPem);
    const run = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'signature.der', '-content', 'content.bin', '-CAfile', 'ca.pem', '-purpose', 'any', '-out', 'verified.bin'],
      { cwd: directory, encoding: 'utf8' });
    if (run.error !== undefined) throw run.error;
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  });
}
