/**
 * Answers with a stored file streamed from the blob store, signed ahead of
 * time with the digest its bytes must have (Tongban signature v1: the
 * answer's `cdg`), and one chunk always held back until the store's stream has
 * ended and the bytes are checked: a corrupted file is cut short, never
 * delivered complete.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Request, Response } from 'express';
import type { Logger } from '../log/index.js';
import type { Keyring } from '../trust/keyring.js';
import { signResponse } from '../trust/sign-response.js';

/** What the file must be. */
export interface ExpectedFile {
  readonly sha256: string;
  readonly size: number;
  readonly mediaType: string;
}

/** Sets the headers (type, length, signature over the known digest) and streams the bytes; cuts the connection when they do not verify. */
export async function sendVerifiedFile(req: Request, res: Response, chunks: AsyncIterable<Uint8Array>, expected: ExpectedFile, context: { keyring: Keyring; logger: Logger; what: string }): Promise<void> {
  const signature = await signResponse({
    contentDigest: `sha-256=:${Buffer.from(expected.sha256, 'hex').toString('base64')}:`, clientId: req.client!.id, requestJti: req.signatureJti ?? '', key: context.keyring.signingKey(),
  });
  res.status(200);
  for (const [name, value] of Object.entries(signature)) res.setHeader(name, value);
  res.setHeader('Content-Type', expected.mediaType);
  res.setHeader('Content-Length', String(expected.size));
  res.setHeader('Cache-Control', 'no-store');
  const hash = createHash('sha256');
  let sent = 0;
  let pending: Buffer | undefined;
  try {
    for await (const piece of chunks) {
      if (res.destroyed) return;
      const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      if (chunk.length === 0) continue;
      hash.update(chunk);
      if (pending) {
        sent += pending.length;
        if (!res.write(pending)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      }
      pending = chunk;
    }
    const actual = hash.digest('hex');
    const size = sent + (pending?.length ?? 0);
    if (actual !== expected.sha256 || size !== expected.size) throw new Error(`blob ${expected.sha256} read back as ${actual} (${size} bytes, ${expected.size} expected)`);
    res.end(pending);
  } catch (error) {
    context.logger.error('file read failed mid-answer; connection cut', { what: context.what, sha256: expected.sha256, error: (error as Error).message });
    res.destroy();
  }
}
