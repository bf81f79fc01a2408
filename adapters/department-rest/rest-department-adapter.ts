/**
 * The REST department channel: pushes a sub-application as signed JSON and
 * returns the department's verified, signed receipt.
 */
import { randomUUID } from 'node:crypto';
import type { DeliveryReceipt, PushDepartmentChannel, SubApplicationDelivery } from '../../src/spec/department-channel.js';
import { SIGNATURE_HEADER, signRequest, verifyResponse } from '../../src/trust/index.js';
import { pushClientOf, type DepartmentPushSettings } from '../shared/department/push-settings.js';
import { foreignReceiptField, verifiedReceipt } from '../shared/department/receipt-token.js';
import { isAnswerTooLarge, transportError } from '../shared/http-client.js';
import { SUBMIT_PATH, isReceiptAnswer, type RestReceiptAnswer } from './rest-department-api.js';
import { answerError, malformedError, signatureError } from './rest-department-error.js';

/** Settings of {@link createRestDepartmentAdapter}. */
export type RestDepartmentSettings = DepartmentPushSettings;

/** Idempotency keys travel in a header: visible ASCII only. */
const HEADER_SAFE = /^[\x21-\x7e]{1,200}$/;

/** A REST department channel (`kind` "rest"). */
export function createRestDepartmentAdapter(settings: RestDepartmentSettings): PushDepartmentChannel & { kind: 'rest' } {
  const http = pushClientOf(settings);
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

    const foreign = foreignReceiptField(answer.receipt, delivery);
    if (foreign) throw malformedError(departmentCode, status, `a receipt whose "${foreign}" is not this delivery's`);
    return verifiedReceipt(answer.receipt, delivery.deliveryId, { format: 'tongban-signature-v1', signature: headers[SIGNATURE_HEADER]!, body: raw.toString('utf8') });
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
