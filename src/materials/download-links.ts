/**
 * Signed, expiring download links for the files of a delivery. A department
 * fetches each file of its sub-application through
 * `GET /v1/departments/{dept}/materials/{sha256}?token=…`: the token is a
 * compact JWS by Tongban's key (`typ` tongban-download+jwt) naming the
 * department (`aud`), the file (`sub`, its SHA-256) and the expiry (`exp`),
 * so a link works only for that department, that file and that long — and
 * anyone holding Tongban's JWKS can check it. The request carrying it is
 * signed by the department like every call.
 */
import { randomUUID } from 'node:crypto';
import type { DeliveryMaterial } from '../domain/department-channel.js';
import { TongbanError } from '../errors/index.js';
import { signCompact } from '../trust/jws.js';
import type { Keyring } from '../trust/keyring.js';
import type { DeliveryFiles } from './delivery-files.js';
import { verifyOwnToken } from '../trust/own-token.js';

export const DOWNLOAD_TYP = 'tongban-download+jwt';

/** Default lifetime of a download link (ms): one hour. */
export const DEFAULT_LINK_TTL_MS = 3_600_000;

interface DownloadClaims {
  iss: 'tongban';
  aud: string;
  sub: string;
  iat: number;
  exp: number;
  jti: string;
}

/** The path a department downloads a file from, without the host. */
export function downloadPath(departmentCode: string, sha256: string, token: string): string {
  return `/v1/departments/${departmentCode}/materials/${sha256}?token=${token}`;
}

/** Download links signed with the keyring's active key, valid for `ttlMs`: a fresh `download` link on each file of a delivery. */
export function createDownloadLinks(keyring: Keyring, options: { ttlMs?: number; now?: () => number } = {}): DeliveryFiles {
  const ttlMs = options.ttlMs ?? DEFAULT_LINK_TTL_MS;
  const now = options.now ?? Date.now;
  const sign = async (departmentCode: string, sha256: string) => {
    const at = now();
    const exp = Math.floor((at + ttlMs) / 1000);
    const key = keyring.signingKey();
    const claims: DownloadClaims = { iss: 'tongban', aud: departmentCode, sub: sha256, iat: Math.floor(at / 1000), exp, jti: randomUUID() };
    const token = await signCompact({ alg: key.alg, kid: key.kid, typ: DOWNLOAD_TYP }, claims, key);
    return { path: downloadPath(departmentCode, sha256, token), expiresAt: new Date(exp * 1000).toISOString() };
  };
  return {
    async attach(delivery) {
      if (!delivery.materials.some((material) => material.file)) return delivery;
      const links = new Map<string, Promise<{ path: string; expiresAt: string }>>();
      const linkOf = (sha256: string) => {
        let link = links.get(sha256);
        if (!link) links.set(sha256, link = sign(delivery.departmentCode, sha256));
        return link;
      };
      const materials: DeliveryMaterial[] = await Promise.all(delivery.materials.map(async (material) => (material.file
        ? { ...material, file: { ...material.file, download: await linkOf(material.file.sha256) } }
        : material)));
      return { ...delivery, materials };
    },
  };
}

/**
 * Checks a download token for a department and a file.
 * @throws TongbanError DOWNLOAD_LINK_INVALID (not Tongban's, another department's or another file's) or DOWNLOAD_LINK_EXPIRED.
 */
export async function verifyDownloadToken(keyring: Keyring, token: string, expected: { departmentCode: string; sha256: string }, nowMs = Date.now()): Promise<void> {
  const invalid = (why: string) => new TongbanError('DOWNLOAD_LINK_INVALID', `download link: ${why}`);
  let claims: Partial<DownloadClaims>;
  try {
    claims = await verifyOwnToken(keyring, token, DOWNLOAD_TYP) as Partial<DownloadClaims>;
  } catch (error) {
    throw invalid((error as Error).message);
  }
  if (claims.aud !== expected.departmentCode) throw invalid('it was issued to another department');
  if (claims.sub !== expected.sha256) throw invalid('it is for another file');
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= nowMs) throw new TongbanError('DOWNLOAD_LINK_EXPIRED', 'download link: it has expired');
}
