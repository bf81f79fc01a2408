/**
 * A department's signed receipt (回执) as a compact JWS (`typ`
 * "tongban-receipt+jwt") over the receipt fields, signed with the
 * department's registered key. Carried in the SOAP answer's signature element
 * and in the inbox acknowledgement body, so the signature survives outside
 * the HTTP exchange as evidence.
 */
import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import { TongbanError } from '../../../src/errors/index.js';
import { RECEIPT_TYP, type DeliveryReceipt, type ReceiptClaims, type ReceiptEvidence, type ReceiptFields } from '../../../src/domain/department-channel.js';
import { SIGNATURE_ALGORITHMS, TONGBAN_AUDIENCE, decodeProtectedHeader, signCompact, verifyCompact, type PrivateJwk } from '../../../src/trust/index.js';

/** Receipt fields a department signs (and `rjti` where the channel binds the answer to the call); `iss`, `aud`, `iat`, `jti` are filled in. */
export type SignedReceiptFields = Omit<ReceiptClaims, 'iss' | 'aud' | 'iat' | 'jti'>;

/** The receipt fields the signature must cover, each equal to the receipt's own. */
export const SIGNED_RECEIPT_FIELDS = ['departmentCode', 'deliveryId', 'subApplicationId', 'idempotencyKey', 'acceptanceNumber', 'receivedAt', 'duplicate'] as const satisfies readonly (keyof ReceiptFields)[];

/**
 * A signed receipt for another sub-application is not a receipt for this
 * one: the first identifying field of `receipt` that differs from `expected`.
 */
export function foreignReceiptField(receipt: ReceiptFields, expected: Pick<ReceiptFields, 'departmentCode' | 'subApplicationId' | 'idempotencyKey'>): 'departmentCode' | 'subApplicationId' | 'idempotencyKey' | undefined {
  return (['departmentCode', 'subApplicationId', 'idempotencyKey'] as const).find((field) => receipt[field] !== expected[field]);
}

/** The receipt as the dispatcher records it, once its signature and its fields were checked. */
export function verifiedReceipt(receipt: ReceiptFields, deliveryId: string, evidence: ReceiptEvidence): DeliveryReceipt {
  const { departmentCode, subApplicationId, idempotencyKey, acceptanceNumber, receivedAt, duplicate } = receipt;
  return { departmentCode, deliveryId, subApplicationId, idempotencyKey, acceptanceNumber, receivedAt, duplicate, signatureVerified: true, evidence };
}

/** Signs a receipt with the department's private key (`iss` = the department code). */
export async function signReceiptToken(fields: SignedReceiptFields, key: PrivateJwk, nowSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  const claims: ReceiptClaims = { iss: fields.departmentCode, aud: TONGBAN_AUDIENCE, iat: nowSeconds, jti: randomUUID(), ...fields };
  return signCompact({ alg: key.alg, kid: key.kid, typ: RECEIPT_TYP }, claims, key);
}

/** How to verify a receipt. */
export interface VerifyReceiptOptions {
  /** The department's registered public keys; the one named by `kid` is used. */
  keys: readonly JWK[];
  /** Expected department (`iss` and `departmentCode`). */
  departmentCode: string;
  /** When set, `iat` must lie within this many seconds of now (a fresh answer); leave unset when re-checking stored evidence. */
  maxSkewSeconds?: number;
}

/**
 * Verifies a receipt token and returns its claims.
 * @throws TongbanError `SIGNATURE_MALFORMED`, `KEY_UNKNOWN`, `ALGORITHM_NOT_ALLOWED`,
 *   `SIGNATURE_INVALID`, `CLAIM_INVALID`, `SIGNATURE_EXPIRED`, `SIGNATURE_NOT_YET_VALID`.
 */
export async function verifyReceiptToken(token: string, options: VerifyReceiptOptions): Promise<ReceiptClaims> {
  const header = decodeProtectedHeader(token);
  if (header.typ !== RECEIPT_TYP) throw new TongbanError('SIGNATURE_MALFORMED', `"typ" header parameter must be ${JSON.stringify(RECEIPT_TYP)}`);
  const key = options.keys.find((candidate) => candidate.kid !== undefined && candidate.kid === header.kid);
  if (key === undefined) throw new TongbanError('KEY_UNKNOWN', `"kid" header parameter names no key of department ${options.departmentCode}`);
  const { payload } = await verifyCompact(token, key, SIGNATURE_ALGORITHMS);
  const claims = readClaims(payload);
  if (claims.iss !== options.departmentCode || claims.departmentCode !== options.departmentCode) {
    throw new TongbanError('CLAIM_INVALID', `"iss" claim must be the department ${options.departmentCode}`);
  }
  if (claims.aud !== TONGBAN_AUDIENCE) throw new TongbanError('CLAIM_INVALID', `"aud" claim must be "${TONGBAN_AUDIENCE}"`);
  if (options.maxSkewSeconds !== undefined) {
    const now = Math.floor(Date.now() / 1000);
    if (claims.iat > now + options.maxSkewSeconds) throw new TongbanError('SIGNATURE_NOT_YET_VALID', '"iat" claim is in the future');
    if (claims.iat < now - options.maxSkewSeconds) throw new TongbanError('SIGNATURE_EXPIRED', '"iat" claim is too old');
  }
  return claims;
}

function readClaims(payload: Record<string, unknown>): ReceiptClaims {
  const text = (name: string): string => {
    const value = payload[name];
    if (typeof value !== 'string' || value === '') throw new TongbanError('CLAIM_INVALID', `"${name}" claim is missing or not a string`);
    return value;
  };
  const iat = payload['iat'];
  if (typeof iat !== 'number' || !Number.isInteger(iat)) throw new TongbanError('CLAIM_INVALID', '"iat" claim is missing or not an integer');
  const duplicate = payload['duplicate'];
  if (typeof duplicate !== 'boolean') throw new TongbanError('CLAIM_INVALID', '"duplicate" claim is missing or not a boolean');
  const rjti = payload['rjti'];
  if (rjti !== undefined && typeof rjti !== 'string') throw new TongbanError('CLAIM_INVALID', '"rjti" claim is not a string');
  return {
    iss: text('iss'), aud: text('aud'), iat, jti: text('jti'),
    departmentCode: text('departmentCode'), deliveryId: text('deliveryId'), subApplicationId: text('subApplicationId'),
    idempotencyKey: text('idempotencyKey'), acceptanceNumber: text('acceptanceNumber'), receivedAt: text('receivedAt'),
    duplicate, ...(rjti === undefined ? {} : { rjti }),
  };
}

/**
 * Breaks a compact JWS's signature while keeping its shape (simulators
 * answering with `badSignature`): the verifier must say "does not verify",
 * not "malformed".
 */
export function corruptSignature(token: string): string {
  const dot = token.lastIndexOf('.');
  const signature = Buffer.from(token.slice(dot + 1), 'base64url');
  if (signature.length === 0) return token;
  signature[signature.length >> 1] ^= 0x5a;
  return `${token.slice(0, dot + 1)}${signature.toString('base64url')}`;
}
