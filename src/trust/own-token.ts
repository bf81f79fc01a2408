/**
 * Tokens Tongban signs for itself and later checks (prefill evidence,
 * material download links): a compact JWS of a given `typ` under one of the
 * keyring's keys, active or previous.
 */
import { SIGNATURE_ALGORITHMS } from './algorithms.js';
import { decodeProtectedHeader, verifyCompact } from './jws.js';
import type { Keyring } from './keyring.js';

/** Why a token of Tongban's own was refused (callers turn it into their error code). */
export class OwnTokenError extends Error {
  override readonly name = 'OwnTokenError';
}

/**
 * Verifies a token Tongban signed: its `typ`, a key of the keyring, the
 * signature. Claims are the caller's to check.
 * @throws OwnTokenError saying why.
 */
export async function verifyOwnToken(keyring: Keyring, token: string, typ: string): Promise<Record<string, unknown>> {
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(token);
    if (header.typ !== typ) throw new OwnTokenError(`"typ" must be ${typ}`);
    kid = header.kid;
  } catch (error) {
    if (error instanceof OwnTokenError) throw error;
    throw new OwnTokenError('not a compact JWS', { cause: error });
  }
  const key = keyring.publicKeys().find((candidate) => candidate.kid === kid);
  if (!key) throw new OwnTokenError(`signing key "${String(kid)}" is unknown or retired`);
  try {
    return (await verifyCompact(token, key, SIGNATURE_ALGORITHMS)).payload;
  } catch (error) {
    throw new OwnTokenError('signature does not verify', { cause: error });
  }
}
