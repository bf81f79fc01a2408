/**
 * The prefill evidence token: Tongban's signed statement of which merged-form
 * values it filled from which verified licences. Intake checks a submitted
 * form against it: a value still equal to its evidence keeps its licence
 * provenance; a changed one becomes user-provided.
 */
import { createHash, randomUUID } from 'node:crypto';
import { TongbanError } from '../errors/index.js';
import { signCompact } from '../trust/jws.js';
import type { Keyring } from '../trust/keyring.js';
import { verifyOwnToken } from '../trust/own-token.js';

export const PREFILL_TYP = 'tongban-prefill+jwt';
/** How long a prefill stays usable for a submission (s). */
export const PREFILL_LIFETIME_SECONDS = 24 * 3600;

export interface EvidenceField {
  /** hex SHA-256 of the JSON of the value as prefilled. */
  readonly digest: string;
  readonly licenceIdentifier: string;
  readonly licenceType: string;
  readonly issuer: string;
  /** The application whose result the licence is (licence issued by Tongban); absent otherwise. */
  readonly resultOf?: string;
}

export interface PrefillEvidence {
  readonly iss: 'tongban';
  readonly aud: string;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
  readonly theme: string;
  readonly matters: readonly string[];
  /** Subject → holder code. */
  readonly holders: Readonly<Record<string, string>>;
  /** Canonical field → its evidence. */
  readonly fields: Readonly<Record<string, EvidenceField>>;
  /**
   * Material identity → the verified licence that supplies it (the prefill's
   * `satisfiedBy`), also when that licence filled no field another licence
   * had filled first. Absent from tokens signed before materials existed.
   */
  readonly materials?: Readonly<Record<string, EvidenceMaterial>>;
}

/** A material the prefill found a verified licence for. */
export interface EvidenceMaterial {
  readonly licenceIdentifier: string;
  readonly licenceType: string;
  /** Whose licence it is (the role: applicant, mother …). */
  readonly subject: string;
}

export function valueDigest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

export async function signEvidence(keyring: Keyring, evidence: Omit<PrefillEvidence, 'iss' | 'iat' | 'exp' | 'jti'>, nowSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  const key = keyring.signingKey();
  const claims: PrefillEvidence = { iss: 'tongban', iat: nowSeconds, exp: nowSeconds + PREFILL_LIFETIME_SECONDS, jti: randomUUID(), ...evidence };
  return signCompact({ alg: key.alg, kid: key.kid, typ: PREFILL_TYP }, claims, key);
}

/**
 * Verifies an evidence token for a client and theme.
 * @throws TongbanError PREFILL_EVIDENCE_INVALID saying why, naming the submission's `/evidenceToken`.
 */
export async function verifyEvidence(keyring: Keyring, token: string, expected: { clientId: string; themeCode: string }, nowSeconds = Math.floor(Date.now() / 1000)): Promise<PrefillEvidence> {
  const invalid = (why: string, cause?: unknown) => new TongbanError('PREFILL_EVIDENCE_INVALID', `prefill evidence: ${why}`, {
    errors: [{ pointer: '/evidenceToken', message: why }], ...(cause === undefined ? {} : { cause }),
  });
  let payload: Record<string, unknown>;
  try {
    payload = await verifyOwnToken(keyring, token, PREFILL_TYP);
  } catch (error) {
    throw invalid((error as Error).message, error);
  }
  const evidence = payload as unknown as PrefillEvidence;
  if (evidence.aud !== expected.clientId) throw invalid('it was issued to another client');
  if (evidence.theme !== expected.themeCode) throw invalid(`it is for theme ${evidence.theme}, not ${expected.themeCode}`);
  if (typeof evidence.exp !== 'number' || evidence.exp < nowSeconds) throw invalid('it has expired; prefill again');
  return evidence;
}
