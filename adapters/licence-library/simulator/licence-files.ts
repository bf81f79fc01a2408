/**
 * Licence files: a PDF per licence (surface data as text, the full metadata
 * attached as JSON) sealed by its issuer, made on first request and kept —
 * sealing a thousand PDFs at start would take minutes — and the temporary
 * download URLs the library hands out (one random token each, valid for a
 * configurable time).
 */
import { randomBytes } from 'node:crypto';
import { LICENCE_TYPES } from '../../../src/domain/licence-library.js';
import { A4, makeDocumentPdf, makeSealPicturePng, signPdf } from '../../common/pdf/index.js';
import { ISSUERS, LICENCE_FIELDS, type LicenceRecord } from '../../common/population/index.js';
import type { IssuerPki } from './issuer-pki.js';
import { unsignedMetadata } from './wire-licence.js';

export class LicenceFiles {
  private readonly files = new Map<string, Promise<Buffer>>();
  private readonly urls = new Map<string, { identifier: string; expiresAt: number }>();
  /** How many PDFs were made and sealed. */
  generated = 0;

  constructor(private readonly pki: IssuerPki, private readonly clock: () => number) {}

  /** The sealed PDF of a licence (made once). */
  pdf(record: LicenceRecord): Promise<Buffer> {
    let file = this.files.get(record.identifier);
    if (!file) {
      file = this.make(record);
      file.catch(() => this.files.delete(record.identifier));
      this.files.set(record.identifier, file);
    }
    return file;
  }

  /** Keeps the sealed file an issuer handed in with its licence (served as it came, never made). */
  put(identifier: string, pdf: Buffer): void {
    this.files.set(identifier, Promise.resolve(pdf));
  }

  /** A new random token for the licence's file, valid `ttlMs` (any number of fetches until then). */
  issueUrlToken(identifier: string, ttlMs: number): string {
    const token = randomBytes(24).toString('base64url');
    this.urls.set(token, { identifier, expiresAt: this.clock() + ttlMs });
    return token;
  }

  /** The licence a token stands for, `expired`, or `undefined` for an unknown token. */
  resolve(token: string): { identifier: string } | 'expired' | undefined {
    const entry = this.urls.get(token);
    if (!entry) return undefined;
    if (this.clock() > entry.expiresAt) return 'expired';
    return { identifier: entry.identifier };
  }

  /** Every URL issued so far stops working (for tests of expiry without waiting). */
  expireAll(): void {
    for (const entry of this.urls.values()) entry.expiresAt = Number.NEGATIVE_INFINITY;
  }

  private async make(record: LicenceRecord): Promise<Buffer> {
    const type = LICENCE_TYPES[record.type];
    const issuer = ISSUERS[record.issuer];
    const labels = new Map(LICENCE_FIELDS[record.type].map((field) => [field.key, field.label]));
    const lines = [
      `证照标识：${record.identifier}`,
      `证照编号：${record.number}`,
      `持证主体：${record.holder.name}（${record.holder.code}）`,
      ...Object.entries(record.surface).map(([key, value]) => `${labels.get(key) ?? key}：${value}`),
      `发证机构：${issuer.name}`,
      `发证日期：${record.issuedOn}`,
      `有效期：${record.validFrom} 至 ${record.validUntil ?? '长期'}`,
    ];
    const metadata = unsignedMetadata(record);
    const pdf = await makeDocumentPdf({
      title: type.name,
      lines,
      attachmentJson: { metadata, surface: record.surface },
      createdAt: new Date(`${record.issuedOn}T09:00:00+08:00`),
    });
    const credentials = this.pki.credentials(issuer);
    const sealed = await signPdf(pdf, { p12: credentials.p12, passphrase: credentials.passphrase }, {
      reason: `${type.name}电子证照签发`,
      location: issuer.name,
      name: issuer.name,
      stamp: { page: 1, x: A4.width - 150, y: 150, text: issuer.name, pngImage: makeSealPicturePng({ name: issuer.name }) },
    });
    this.generated += 1;
    return sealed;
  }
}

/** A copy with one byte inside the signed range changed, for the bad-signature fault. */
export function tamperedPdf(pdf: Buffer): Buffer {
  const copy = Buffer.from(pdf);
  // Inside the first signed range, after the header: the content no longer matches the signed digest.
  const index = Math.min(copy.length - 1, 200);
  copy[index] = copy[index] === 0x20 ? 0x21 : 0x20;
  return copy;
}
