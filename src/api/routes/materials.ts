/**
 * Materials handed in once: `POST /v1/materials` streams a file into the
 * blob store (never held whole in memory), `GET /v1/materials/{materialId}`
 * and `…/content` give it back to the client that uploaded it.
 */
import { sendVerifiedFile } from '../stream-verified.js';
import type { Request, Response } from 'express';
import { BlobTooLargeError, type BlobStore } from '../../domain/materials.js';
import { isTongbanError, TongbanError } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import { declaredMediaType, isMaterialMediaType, MATERIAL_MEDIA_TYPES } from '../../materials/material-type.js';
import { findUpload, recordUpload, releaseBlob, type MaterialUpload } from '../../materials/material-uploads.js';
import { tooLarge, UploadSource } from '../../materials/upload-source.js';
import { newId, runWithDatabaseDeadline, type Store } from '../../store/index.js';
import type { Keyring } from '../../trust/keyring.js';
import { materialBytes, materialUpload, materialUploadExample } from '../openapi/schemas/materials.js';
import type { Route, RouteParameter } from './route.js';

export interface MaterialRouteDependencies {
  store: Store;
  blobs: BlobStore;
  keyring: Keyring;
  logger: Logger;
  /** Largest file accepted (bytes). */
  maxBytes: number;
  /** How long an unreferenced upload is kept (ms). */
  uploadTtlMs: number;
  /** The request's database budget (ms), given afresh once the body is read: waiting for a client's bytes is no database wait. */
  databaseBudgetMs: number;
  now?: () => number;
}

const materialId: RouteParameter = {
  name: 'materialId', in: 'path', description: 'The upload\'s id (from `POST /v1/materials`)', schema: { type: 'string', maxLength: 64 },
};

export function materialRoutes(deps: MaterialRouteDependencies): Route[] {
  const now = deps.now ?? Date.now;
  return [
    {
      method: 'POST', path: '/v1/materials', access: { roles: ['platform', 'counter'] }, body: 'stream',
      summary: 'Upload one material file (PDF, OFD, JPEG or PNG) once; answers 201 with its id, SHA-256, size, type and expiry',
      description: [
        'The body is the file\'s bytes as they are, its media type the `Content-Type`; signed like every request, `Content-Digest` over the bytes as sent.',
        'The signature (all but the body\'s digest) is verified before a byte is read; the body is streamed into the blob store, its SHA-256 compared with `Content-Digest` at its end (401 `DIGEST_MISMATCH`, nothing kept).',
        `The type is decided by the first bytes (PDF \`%PDF-\`, PNG signature, JPEG \`FF D8 FF\`, OFD: a ZIP whose first entry is \`OFD.xml\`), before anything is stored: 415 \`MATERIAL_TYPE_NOT_ALLOWED\` when it is none of them or not the \`Content-Type\`.`,
        'At most `TONGBAN_MATERIAL_MAX_BYTES` (default 20 MB): a larger `Content-Length` is 413 before a byte is read, a chunked body is cut at the limit (413; the connection is closed after any refusal that leaves the body unread).',
        'Each upload gets its own id, also of bytes uploaded before (stored once); only its owner can read it (`GET /v1/materials/{materialId}`). A truncated upload or a cut connection stores nothing. An upload no submission references is removed after `expiresAt`.',
        'A counter terminal (一窗受理) uploads the paper materials the applicant hands over at the window, for the submission it makes under a scan\'s authorisation.',
      ].join('\n\n'),
      request: { contentTypes: MATERIAL_MEDIA_TYPES, schema: materialBytes, description: 'The file\'s bytes' },
      responses: { 201: { description: 'Stored', schema: materialUpload, example: materialUploadExample, headers: { Location: '`/v1/materials/{id}`' } } },
      errors: ['MATERIAL_TYPE_NOT_ALLOWED', 'PAYLOAD_TOO_LARGE', 'VALIDATION_FAILED', 'SERVICE_UNAVAILABLE'],
      handler: (req, res) => upload(deps, now, req, res),
    },
    {
      method: 'GET', path: '/v1/materials/:materialId', access: { roles: ['platform', 'counter'] },
      summary: 'An upload\'s id, SHA-256, size, type and expiry (its owner only; 404 for any other client)',
      parameters: [materialId],
      responses: { 200: { description: 'The upload', schema: materialUpload, example: materialUploadExample } },
      handler: async (req, res) => {
        res.json(answerOf(await ownUpload(deps.store, req)));
      },
    },
    {
      method: 'GET', path: '/v1/materials/:materialId/content', access: { roles: ['platform', 'counter'] },
      summary: 'An upload\'s bytes, streamed, with Content-Type, Content-Length and Content-Digest (its owner only)',
      description: 'The bytes are read from the blob store and checked against their SHA-256 on the way; the answer is signed ahead with that digest. Should the stored bytes not match, the connection is cut before the last byte: the answer is never complete with other bytes.',
      parameters: [materialId],
      responses: {
        200: { description: 'The file', contentTypes: MATERIAL_MEDIA_TYPES, schema: materialBytes, headers: { 'Content-Length': 'The size in bytes' } },
      },
      handler: (req, res) => download(deps, req, res),
    },
  ];
}

async function upload(deps: MaterialRouteDependencies, now: () => number, req: Request, res: Response): Promise<void> {
  // Until the body has been read to its end, an answer closes the connection rather than read what is left of it.
  res.setHeader('Connection', 'close');
  const type = declaredMediaType(req.get('content-type'));
  if (!isMaterialMediaType(type)) {
    throw new TongbanError('MATERIAL_TYPE_NOT_ALLOWED', `Content-Type "${(type ?? '(none)').slice(0, 80)}" is not a material type; send ${MATERIAL_MEDIA_TYPES.join(', ')}`);
  }
  const length = req.get('content-length');
  if (length !== undefined) {
    if (Number(length) > deps.maxBytes) throw tooLarge(deps.maxBytes);
    if (Number(length) === 0) throw new TongbanError('VALIDATION_FAILED', 'The body is empty: send the file\'s bytes', { errors: [{ pointer: '', message: 'the file is empty' }] });
  }
  const source = new UploadSource(req, { mediaType: type, sha256: req.contentSha256!, maxBytes: deps.maxBytes });
  let info;
  try {
    // A blob store on the database streams outside the request's budget itself (the client sets the pace).
    info = await deps.blobs.put(source, { limitBytes: deps.maxBytes });
  } catch (error) {
    const failure = source.failure ?? error;
    if (isTongbanError(failure)) throw failure;
    if (failure instanceof BlobTooLargeError) throw tooLarge(deps.maxBytes);
    if (!req.complete) {
      // The client went away mid-body (or sent less than its Content-Length): nothing was kept, and there is no one to answer.
      deps.logger.info('upload cut off before its end; nothing stored', { received: source.size, error: (failure as Error).message });
      res.destroy();
      return;
    }
    throw error;
  }
  const expectedHex = req.contentSha256!.toString('hex');
  if (info.sha256 !== expectedHex) throw new Error(`blob store named the upload ${info.sha256}, its bytes hashed to ${expectedHex}`);
  const createdAt = now();
  const record = { id: newId(createdAt), clientId: req.client!.id, sha256: info.sha256, size: info.size, mediaType: type, createdAt, expiresAt: createdAt + deps.uploadTtlMs };
  await runWithDatabaseDeadline(Date.now() + deps.databaseBudgetMs, async () => {
    try {
      await recordUpload(deps.store, deps.blobs, record);
    } catch (error) {
      // No row names what was stored: remove it unless someone else's row does (best effort; else the sweeper's next pass for these bytes does).
      await releaseBlob(deps.store, deps.blobs, info.sha256).catch((releaseError: unknown) => {
        deps.logger.warn('could not remove an unrecorded upload\'s blob', { sha256: info.sha256, error: (releaseError as Error).message });
      });
      throw error;
    }
  });
  res.removeHeader('Connection');
  res.status(201).setHeader('Location', `/v1/materials/${record.id}`).json(answerOf({ ...record, referencedAt: undefined }));
}

async function download(deps: MaterialRouteDependencies, req: Request, res: Response): Promise<void> {
  const found = await ownUpload(deps.store, req);
  if (req.method === 'HEAD') {
    res.setHeader('Content-Type', found.mediaType);
    res.setHeader('Content-Length', String(found.size));
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).end();
    return;
  }
  await sendVerifiedFile(req, res, await deps.blobs.get(found.sha256), found, { keyring: deps.keyring, logger: deps.logger, what: `upload ${found.id}` });
}

async function ownUpload(store: Store, req: Request): Promise<MaterialUpload> {
  const id = String(req.params['materialId']);
  const found = await findUpload(store, id, req.client!.id);
  if (!found) throw new TongbanError('NOT_FOUND', `No upload ${id.slice(0, 64)} of this client`);
  return found;
}

function answerOf(upload: MaterialUpload): Record<string, unknown> {
  return {
    id: upload.id, sha256: upload.sha256, size: upload.size, mediaType: upload.mediaType, expiresAt: new Date(upload.expiresAt).toISOString(),
    ...(upload.referencedAt !== undefined ? { referencedAt: new Date(upload.referencedAt).toISOString() } : {}),
  };
}
