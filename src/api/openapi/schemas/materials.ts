/** Schemas of material uploads (`POST /v1/materials`, `GET /v1/materials/{materialId}`). */
import { MATERIAL_MEDIA_TYPES } from '../../../materials/material-type.js';
import { component } from '../components.js';
import { instant } from './common.js';

export const materialUpload = component('MaterialUpload', {
  type: 'object', additionalProperties: false, required: ['id', 'sha256', 'size', 'mediaType', 'expiresAt'],
  description: 'A file handed in once, owned by the client that uploaded it. Name it in a submission\'s `materials` (`{"upload": id}`) before `expiresAt`; unreferenced, it is removed after that.',
  properties: {
    id: { type: 'string', format: 'uuid', description: 'The upload\'s id (each upload gets its own, even of bytes uploaded before)' },
    sha256: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'Lower-case hex SHA-256 of the bytes (the same as the request\'s `Content-Digest`, in hex)' },
    size: { type: 'integer', minimum: 1, description: 'Bytes' },
    mediaType: { enum: [...MATERIAL_MEDIA_TYPES], description: 'The type the bytes were found to be (equal to the `Content-Type` sent)' },
    expiresAt: { ...instant, description: 'When the upload is removed unless a submission references it (`TONGBAN_MATERIAL_UPLOAD_TTL_MS` after the upload)' },
    referencedAt: { ...instant, description: 'When a submission first referenced it (then kept with the application); absent until then' },
  },
});

export const materialUploadExample = {
  id: '01938a52-7c1e-7d4b-9f3a-2b6c8d0e1f23',
  sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  size: 182_344,
  mediaType: 'application/pdf',
  expiresAt: '2026-12-07T10:00:00.000Z',
};

/** The request body: the file's bytes, one of the four media types. */
export const materialBytes = { type: 'string', contentEncoding: 'binary', description: 'The file\'s bytes, as they are (no Content-Encoding)' } as const;
