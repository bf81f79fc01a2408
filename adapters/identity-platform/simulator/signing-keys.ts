/**
 * The platform's ID token signing keys (ES256, P-256) and their rotation:
 * the current key signs; the previous one stays in the JWKS until the next
 * rotation, so tokens it signed still verify meanwhile.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** A public JWK as the JWKS publishes it. */
export interface PublishedJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly jwk: PublishedJwk;
}

export class SigningKeys {
  private current: SigningKey = newSigningKey();
  private previous: SigningKey | undefined;

  /** The key that signs now. */
  get signing(): SigningKey {
    return this.current;
  }

  /** Makes a new signing key; `retire` drops the old one at once instead of keeping it published. */
  rotate(options: { retire?: boolean } = {}): { kid: string; published: string[] } {
    this.previous = options.retire ? undefined : this.current;
    this.current = newSigningKey();
    return { kid: this.current.kid, published: this.jwks().keys.map((key) => key.kid) };
  }

  /** The JWK set: the current key first. */
  jwks(): { keys: PublishedJwk[] } {
    return { keys: [this.current, ...(this.previous ? [this.previous] : [])].map((key) => key.jwk) };
  }
}

function newSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  // RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order.
  const kid = createHash('sha256').update(JSON.stringify({ crv: 'P-256', kty: 'EC', x, y })).digest('base64url');
  return { kid, privateKey, jwk: { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' } };
}
