/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com) made with
 * Tongban's own signing key, so a platform verifies them with Tongban's JWKS
 * (`/.well-known/jwks.json`) and needs no shared secret.
 *
 * Signed content: `${webhook-id}.${webhook-timestamp}.${body}` (UTF-8), the
 * timestamp in Unix seconds. `webhook-signature` holds `<version>,<base64>`:
 * `v1a` for Ed25519 (EdDSA), as the Standard Webhooks spec defines it; for
 * Tongban's other key algorithms `es256` (ECDSA P-256 SHA-256, raw r‖s),
 * `rs256` (RSASSA-PKCS1-v1_5 SHA-256) and `sm2` (SM2 with SM3, user id
 * 1234567812345678, raw r‖s). `webhook-key-id` names the JWKS key (kid).
 */
import type { JWK } from 'jose';
import type { PrivateJwk, SignatureAlgorithm } from '../trust/algorithms.js';
import { nodeSign, nodeVerify } from '../trust/node-signature.js';
import { sm2Sign, sm2Verify } from '../trust/sm2.js';

/** The signature version prefix of each key algorithm. */
export const SIGNATURE_VERSION: Readonly<Record<SignatureAlgorithm, string>> = { EdDSA: 'v1a', ES256: 'es256', RS256: 'rs256', SM2: 'sm2' };

/** The headers of one signed webhook request. */
export interface WebhookHeaders {
  'webhook-id': string;
  /** Unix seconds. */
  'webhook-timestamp': string;
  'webhook-signature': string;
  'webhook-key-id': string;
}

function signedContent(id: string, timestampSeconds: number, body: string): Buffer {
  return Buffer.from(`${id}.${timestampSeconds}.${body}`, 'utf8');
}

/** Signs one webhook request's body with `key` (Tongban's active signing key). */
export function signWebhook(key: PrivateJwk, message: { id: string; timestampSeconds: number; body: string }): WebhookHeaders {
  const content = signedContent(message.id, message.timestampSeconds, message.body);
  const signature = key.alg === 'SM2' ? sm2Sign(content, key) : nodeSign(key.alg, content, key);
  return {
    'webhook-id': message.id,
    'webhook-timestamp': String(message.timestampSeconds),
    'webhook-signature': `${SIGNATURE_VERSION[key.alg]},${signature.toString('base64')}`,
    'webhook-key-id': key.kid,
  };
}

/**
 * Whether one of the space-separated signatures of `webhook-signature` is a
 * valid signature of the request by `publicJwk` (a key of Tongban's JWKS,
 * with its `alg`). What a receiver does; used by the tests and the docs.
 */
export function verifyWebhook(publicJwk: JWK & { alg: SignatureAlgorithm }, message: { id: string; timestamp: string; signature: string; body: string }): boolean {
  const content = signedContent(message.id, Number(message.timestamp), message.body);
  const version = SIGNATURE_VERSION[publicJwk.alg];
  return message.signature.split(' ').some((entry) => {
    const [prefix, value] = entry.split(',', 2);
    if (prefix !== version || !value) return false;
    const signature = Buffer.from(value, 'base64');
    return publicJwk.alg === 'SM2' ? sm2Verify(content, signature, publicJwk) : nodeVerify(publicJwk.alg, content, signature, publicJwk);
  });
}
