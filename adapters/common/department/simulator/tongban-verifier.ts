/**
 * How a simulated department checks Tongban's pushes: Tongban signature v1
 * with `iss` "tongban" and `aud` the department code, each `jti` once.
 */
import type { JWK } from 'jose';
import { isTongbanError } from '../../../../src/errors/index.js';
import { SIGNATURE_ALGORITHMS, verifyRequest, type IncomingSignedRequest, type VerifiedRequest, type VerifyingClient } from '../../../../src/trust/index.js';

/** Tongban's public keys, or a function fetching them (its JWKS), re-fetched when a `kid` is unknown. */
export type TongbanKeySource = readonly JWK[] | (() => Promise<readonly JWK[]>);

export interface TongbanVerifierOptions {
  tongbanPublicKeys: TongbanKeySource;
  /** The department code: the `aud` Tongban must sign for. */
  departmentCode: string;
  /** Client id Tongban signs as (`iss`); default "tongban". */
  tongbanClientId?: string;
}

/** Verifies one request from Tongban; throws the TongbanError of the first failed check. */
export type TongbanVerifier = (request: IncomingSignedRequest) => Promise<VerifiedRequest<VerifyingClient>>;

export function createTongbanVerifier(options: TongbanVerifierOptions): TongbanVerifier {
  const clientId = options.tongbanClientId ?? 'tongban';
  const seen = new Map<string, number>();
  let cached: readonly JWK[] | undefined;
  const keys = async (refresh: boolean) => {
    const source = options.tongbanPublicKeys;
    if (typeof source !== 'function') return source;
    if (cached === undefined || refresh) cached = await source();
    return cached;
  };
  const clients = new WeakMap<readonly JWK[], VerifyingClient>();
  const client = (list: readonly JWK[]): VerifyingClient => {
    let verifying = clients.get(list);
    if (!verifying) {
      verifying = { id: clientId, algorithms: SIGNATURE_ALGORITHMS, keys: Object.fromEntries(list.filter((key) => typeof key.kid === 'string').map((key) => [key.kid!, key])) };
      clients.set(list, verifying);
    }
    return verifying;
  };
  const markJtiUsed = async (_client: string, jti: string, exp: number) => {
    const now = Date.now() / 1000;
    // Forget expired jtis from the oldest on (a Map keeps insertion order, and expiry follows it closely): no full scan per request.
    for (const [old, expiry] of seen) {
      if (expiry >= now - 300) break;
      seen.delete(old);
    }
    if (seen.has(jti)) return false;
    seen.set(jti, exp);
    return true;
  };
  return async (request) => {
    const attempt = (list: readonly JWK[]) => verifyRequest(request, {
      resolveClient: async (id) => (id === clientId ? client(list) : undefined),
      markJtiUsed,
      audience: options.departmentCode,
    });
    try {
      return await attempt(await keys(false));
    } catch (error) {
      if (typeof options.tongbanPublicKeys !== 'function' || !isTongbanError(error) || error.code !== 'KEY_UNKNOWN') throw error;
      return attempt(await keys(true)); // Tongban may have rotated its key
    }
  };
}
