/**
 * A simulated department checks the files of a sub-application before it
 * issues a receipt, as a careful department system would: it downloads each
 * through the signed link its delivery carried (the request signed with the
 * department's own key, the answer's signature checked with Tongban's keys),
 * and compares the bytes' SHA-256 and size with what the delivery states.
 * A file it could not fetch is a "try later" (`MATERIAL_DOWNLOAD_FAILED`, 503);
 * bytes that do not match are a refusal (`MATERIAL_HASH_MISMATCH`, 422).
 */
import { createHash } from 'node:crypto';
import type { DeliveryFile, SubApplicationDelivery } from '../../../../src/domain/department-channel.js';
import type { SigningClient } from '../../../../src/trust/index.js';

/** One download a department made. */
export interface MaterialDownload {
  readonly deliveryId: string;
  readonly materialCode: string | undefined;
  readonly sha256: string;
  /** Tongban's answer status (0 when the request failed). */
  readonly status: number;
  /** Whether the bytes hashed to the stated SHA-256 and size. */
  readonly verified: boolean;
  readonly reason?: string;
}

export type MaterialCheckOutcome = { readonly ok: true } | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

/** Codes a department answers when a material's file fails its check. */
export const MATERIAL_DOWNLOAD_FAILED = 'MATERIAL_DOWNLOAD_FAILED';
export const MATERIAL_HASH_MISMATCH = 'MATERIAL_HASH_MISMATCH';

export class MaterialCheck {
  private readonly log: MaterialDownload[] = [];

  /** @param client the department's signed client to Tongban (undefined while it has none). */
  constructor(private readonly client: () => SigningClient | undefined) {}

  /** Every download made, in order. */
  downloads(): MaterialDownload[] {
    return [...this.log];
  }

  /** Downloads and verifies every file the delivery carries (each distinct file once). */
  async check(delivery: SubApplicationDelivery): Promise<MaterialCheckOutcome> {
    const files = new Map<string, { file: DeliveryFile; code: string | undefined }>();
    for (const material of delivery.materials) if (material.file && !files.has(material.file.sha256)) files.set(material.file.sha256, { file: material.file, code: material.code });
    if (files.size === 0) return { ok: true };
    const client = this.client();
    if (!client) return { ok: false, status: 503, code: MATERIAL_DOWNLOAD_FAILED, message: 'this department has no route to Tongban to download the materials' };
    for (const { file, code } of files.values()) {
      const outcome = await this.fetch(client, delivery.deliveryId, code, file);
      if (!outcome.ok) return outcome;
    }
    return { ok: true };
  }

  private async fetch(client: SigningClient, deliveryId: string, materialCode: string | undefined, file: DeliveryFile): Promise<MaterialCheckOutcome> {
    const record = (status: number, verified: boolean, reason?: string) => this.log.push({ deliveryId, materialCode, sha256: file.sha256, status, verified, ...(reason ? { reason } : {}) });
    if (!file.download) {
      record(0, false, 'no download link');
      return { ok: false, status: 400, code: 'INVALID_DELIVERY', message: `material ${materialCode ?? file.sha256}: the file has no download link` };
    }
    let answer;
    try {
      answer = await client.request('GET', file.download.path, { headers: { accept: '*/*' } });
    } catch (error) {
      record(0, false, (error as Error).message);
      return { ok: false, status: 503, code: MATERIAL_DOWNLOAD_FAILED, message: `material ${materialCode ?? file.sha256}: download failed (${(error as Error).message})` };
    }
    if (answer.status !== 200) {
      const code = (answer.body as { code?: unknown } | undefined)?.code;
      record(answer.status, false, `Tongban answered ${answer.status}${typeof code === 'string' ? ` ${code}` : ''}`);
      return { ok: false, status: 503, code: MATERIAL_DOWNLOAD_FAILED, message: `material ${materialCode ?? file.sha256}: Tongban answered ${answer.status}${typeof code === 'string' ? ` ${code}` : ''}` };
    }
    const sha256 = createHash('sha256').update(answer.raw).digest('hex');
    if (sha256 !== file.sha256 || answer.raw.length !== file.size) {
      record(answer.status, false, `got ${answer.raw.length} bytes hashing to ${sha256}`);
      return { ok: false, status: 422, code: MATERIAL_HASH_MISMATCH, message: `material ${materialCode ?? file.sha256}: the file downloaded (${answer.raw.length} bytes, SHA-256 ${sha256}) is not the one the delivery states` };
    }
    record(answer.status, true);
    return { ok: true };
  }
}
