/**
 * `GET /v1/departments/{dept}/materials/{sha256}?token=…`: a department
 * downloads a file of its sub-application through the signed, expiring link
 * its delivery carried. The link must be Tongban's, for this department and
 * this file, and unexpired; and a sub-application of this department must
 * reference the file. The bytes are streamed and checked against their
 * SHA-256 on the way (the answer is cut, never completed, when they do not
 * match); the answer's signature covers their digest, known in advance
 * (stream-verified.ts).
 */
import type { BlobStore } from '../../domain/materials.js';
import type { DeliveryMaterial } from '../../domain/department-channel.js';
import { TongbanError, validationError } from '../../errors/index.js';
import { verifyDownloadToken } from '../../materials/download-links.js';
import type { Store } from '../../store/index.js';
import type { Keyring } from '../../trust/keyring.js';
import type { Logger } from '../../log/index.js';
import { sendVerifiedFile } from '../stream-verified.js';
import type { Route } from './route.js';

export interface DepartmentMaterialRouteDependencies {
  store: Store;
  keyring: Keyring;
  blobStore: BlobStore;
  logger: Logger;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Whether a sub-application of the department carries the file (as its own material, or a document Tongban generated for it). */
async function referencedBy(store: Store, departmentCode: string, sha256: string): Promise<{ mediaType: string; size: number } | undefined> {
  const generated = await store.query<{ media_type: string; size: number | string }>(
    `SELECT g.media_type, g.size FROM generated_files g JOIN sub_applications s ON s.id = g.sub_application_id
      WHERE g.sha256 = $1 AND s.department_code = $2 LIMIT 1`, [sha256, departmentCode]);
  if (generated.rows[0]) return { mediaType: generated.rows[0].media_type, size: Number(generated.rows[0].size) };
  const { rows } = await store.query<{ materials: string | null }>(
    `SELECT DISTINCT s.materials FROM application_materials m
       JOIN sub_applications s ON s.application_id = m.application_id
      WHERE m.sha256 = $1 AND s.department_code = $2 AND s.materials IS NOT NULL`, [sha256, departmentCode]);
  for (const row of rows) {
    const file = (JSON.parse(row.materials!) as DeliveryMaterial[]).find((material) => material.file?.sha256 === sha256)?.file;
    if (file) return { mediaType: file.mediaType, size: file.size };
  }
  return undefined;
}

export function departmentMaterialRoutes(deps: DepartmentMaterialRouteDependencies): Route[] {
  return [{
    method: 'GET', path: '/v1/departments/:dept/materials/:sha256', access: { roles: ['department'], departmentParam: 'dept' },
    summary: 'Download a file of one of this department\'s sub-applications through the signed link its delivery carried',
    description: 'The `token` comes with the link in the delivery (`materials[].file.download.path`): a JWS by Tongban naming the department, the file and the expiry. '
      + 'The bytes are those of the file whose SHA-256 is in the path; `Content-Digest` and the answer signature cover them.',
    parameters: [
      { name: 'sha256', in: 'path', required: true, description: 'Lower-case hex SHA-256 of the file', schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
      { name: 'token', in: 'query', required: true, description: 'The link\'s signed token (`typ` tongban-download+jwt)', schema: { type: 'string', minLength: 1, maxLength: 4096 } },
    ],
    responses: {
      200: {
        description: 'The file (PDF, OFD, JPEG or PNG)', contentType: 'application/octet-stream', schema: { type: 'string', contentMediaType: 'application/octet-stream' },
        headers: { 'Content-Digest': 'SHA-256 of the bytes (RFC 9530)' },
      },
    },
    errors: ['VALIDATION_FAILED', 'DOWNLOAD_LINK_INVALID', 'DOWNLOAD_LINK_EXPIRED', 'NOT_FOUND'],
    handler: async (req, res) => {
      const departmentCode = String(req.params['dept']);
      const sha256 = String(req.params['sha256']);
      const token = req.query['token'];
      const errors = [];
      if (!SHA256.test(sha256)) errors.push({ pointer: '/sha256', message: 'must be 64 lower-case hex digits' });
      if (typeof token !== 'string' || token.length === 0 || token.length > 4096) errors.push({ pointer: '/token', message: 'the link\'s token is required (once)' });
      if (errors.length > 0) throw validationError(errors);
      await verifyDownloadToken(deps.keyring, token as string, { departmentCode, sha256 });
      const file = await referencedBy(deps.store, departmentCode, sha256);
      if (!file) throw new TongbanError('DOWNLOAD_LINK_INVALID', 'download link: no sub-application of this department carries that file');
      const stored = await deps.blobStore.stat(sha256);
      if (!stored) throw new TongbanError('NOT_FOUND', `file ${sha256} is no longer stored`);
      await sendVerifiedFile(req, res, await deps.blobStore.get(sha256), { sha256, size: stored.size, mediaType: file.mediaType },
        { keyring: deps.keyring, logger: deps.logger, what: `download by ${departmentCode}` });
    },
  }];
}
