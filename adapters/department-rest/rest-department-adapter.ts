/**
 * The REST department channel: pushes a sub-application as signed JSON and
 * returns the department's verified, signed receipt.
 */
import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import type { DeliveryReceipt, PushDepartmentChannel, SubApplicationDelivery } from '../../src/spec/department-channel.js';
import { SIGNATURE_HEADER, signRequest, verifyResponse, type PrivateJwk } from '../../src/trust/index.js';
import { createPushClient, DEPARTMENT_ANSWER_LIMIT_BYTES, isAnswerTooLarge, transportError, type PushClient } from '../shared/http-client.js';
import { SUBMIT_PATH, isReceiptAnswer, type RestReceiptAnswer } from './rest-department-api.js';
import { answerError, malformedError, signatureError } from './rest-department-error.js';

/** Settings of {@link createRestDepartmentAdapter}. */
export interface RestDepartmentSettings {
  /** The department system's base URL (a path prefix is kept). */
  baseUrl: string;
  /** Department code (`gaj`, …): the `aud` of Tongban's signature and the expected `iss` of the receipt. */
  departmentCode: string;
  /** Client id Tongban signs as (`iss`); default "tongban". */
  tongbanClientId?: string;
  /** Tongban's current private signing key. */
  signingKey: PrivateJwk;
  /** The department's registered public keys; its receipt must verify with the one its `kid` names. */
  departmentPublicKeys: readonly JWK[];
  /** Per-call timeout (ms). Default 10000. */
  timeoutMs?: number;
  /**
   * Connections to reuse (the channel registry keeps one pool per endpoint
   * while it rebuilds channels for key rotation); by default the adapter
   * opens its own. Its `timeoutMs` then governs.
   */
  pushClient?: PushClient;
  /** Clock skew tolerated on the receipt's `iat` (s). Default 300. */
  skewSeconds?: number;
}

/** Idempotency keys travel in a header: visible ASCII only. */
const HEADER_SAFE = /^[\x21-\x7e]{1,200}$/;

/** A REST department channel (`kind` "rest"). */
export function createRestDepartmentAdapter(settings: RestDepartmentSettings): PushDepartmentChannel & { kind: 'rest' } {
  const http = settings.pushClient ?? createPushClient({ baseUrl: settings.baseUrl, timeoutMs: settings.timeoutMs ?? 10_000, maxAnswerBytes: DEPARTMENT_ANSWER_LIMIT_BYTES });
  const path = `${new URL(settings.baseUrl).pathname.replace(/\/+$/, '')}${SUBMIT_PATH}`;
  const tongbanClientId = settings.tongbanClientId ?? 'tongban';
  const { departmentCode } = settings;

  async function deliver(delivery: SubApplicationDelivery): Promise<DeliveryReceipt> {
    if (delivery.departmentCode !== departmentCode) {
      throw new TypeError(`delivery ${delivery.deliveryId} is for department ${delivery.departmentCode}, not ${departmentCode}`);
    }
    if (!HEADER_SAFE.test(delivery.idempotencyKey)) throw new TypeError(`delivery ${delivery.deliveryId}: idempotency key must be 1–200 visible ASCII characters`);
    const body = JSON.stringify(delivery);
    const requestJti = randomUUID();
    const signature = await signRequest({
      method: 'POST', pathAndQuery: path, body, clientId: tongbanClientId, key: settings.signingKey, audience: departmentCode, jti: requestJti,
    });
    let response;
    try {
      response = await http.post(SUBMIT_PATH, body, {
        'content-type': 'application/json; charset=utf-8', accept: 'application/json', 'idempotency-key': delivery.idempotencyKey, ...signature,
      });
    } catch (error) {
      // An answer, but no receipt: status 0 because the answer was never read.
      if (isAnswerTooLarge(error)) throw malformedError(departmentCode, 0, 'an answer too large to be a receipt', error);
      throw transportError('department', 'deliver', error);
    }
    const { status, headers, body: raw } = response;
    if (status < 200 || status > 299) throw answerError(departmentCode, status, raw);

    const answer = parseAnswer(raw, status);
    try {
      await verifyResponse({ body: raw, headers }, {
        keys: settings.departmentPublicKeys, audience: tongbanClientId, requestJti, issuer: departmentCode, skewSeconds: settings.skewSeconds ?? 300,
      });
    } catch (error) {
      throw signatureError(departmentCode, status, error);
    }

    const receipt = answer.receipt;
    // A signed receipt for another sub-application is not a receipt for this one.
    for (const field of ['departmentCode', 'subApplicationId', 'idempotencyKey'] as const) {
      const expected = field === 'departmentCode' ? departmentCode : delivery[field];
      if (receipt[field] !== expected) throw malformedError(departmentCode, status, `a receipt whose "${field}" is not this delivery's`);
    }
    return {
      departmentCode,
      deliveryId: delivery.deliveryId,
      subApplicationId: receipt.subApplicationId,
      idempotencyKey: receipt.idempotencyKey,
      acceptanceNumber: receipt.acceptanceNumber,
      receivedAt: receipt.receivedAt,
      duplicate: receipt.duplicate,
      signatureVerified: true,
      evidence: { format: 'tongban-signature-v1', signature: headers[SIGNATURE_HEADER]!, body: raw.toString('utf8') },
    };
  }

  function parseAnswer(raw: Buffer, status: number): RestReceiptAnswer {
    let value: unknown;
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw malformedError(departmentCode, status, 'a body that is not JSON', error);
    }
    if (!isReceiptAnswer(value)) throw malformedError(departmentCode, status, 'a body that is not a receipt');
    return value;
  }

  return { kind: 'rest', departmentCode, deliver };
}
