/**
 * The REST department channel: pushes a sub-application as signed JSON and
 * returns the department's verified, signed receipt.
 */
import { randomUUID } from 'node:crypto';
import type { BatchItemOutcome, DeliveryReceipt, PushDepartmentChannel, SubApplicationDelivery } from '../../src/domain/department-channel.js';
import { SIGNATURE_HEADER, signRequest, verifyResponse } from '../../src/trust/index.js';
import { pushClientOf, type DepartmentPushSettings } from '../common/department/push-settings.js';
import { foreignReceiptField, verifiedReceipt } from '../common/department/receipt-token.js';
import { isAnswerTooLarge, transportError } from '../common/http-client.js';
import { BATCH_PATH, MAX_BATCH, SUBMIT_PATH, isBatchAnswer, isReceiptAnswer, type RestBatchAnswer, type RestReceiptAnswer } from './rest-department-api.js';
import { answerError, itemError, malformedError, signatureError } from './rest-department-error.js';

/** Settings of {@link createRestDepartmentAdapter}. */
export interface RestDepartmentSettings extends DepartmentPushSettings {
  /**
   * Most sub-applications one push may carry, for a department system that
   * implements the batched operation (`POST …/api/sub-applications/batch`).
   * Default 1: one per push, the batched operation is never called.
   */
  maxBatch?: number;
}

/** Idempotency keys travel in a header: visible ASCII only. */
const HEADER_SAFE = /^[\x21-\x7e]{1,200}$/;

/** A REST department channel (`kind` "rest"). */
export function createRestDepartmentAdapter(settings: RestDepartmentSettings): PushDepartmentChannel & { kind: 'rest' } {
  const http = pushClientOf(settings);
  // The signature covers the path as the department sees it: under the base URL's own path prefix.
  const prefix = new URL(settings.baseUrl).pathname.replace(/\/+$/, '');
  const path = `${prefix}${SUBMIT_PATH}`;
  const batchPath = `${prefix}${BATCH_PATH}`;
  const tongbanClientId = settings.tongbanClientId ?? 'tongban';
  const { departmentCode } = settings;
  const maxBatch = settings.maxBatch ?? 1;
  if (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > MAX_BATCH) throw new RangeError(`maxBatch must be an integer from 1 to ${MAX_BATCH}`);

  function checkAddressed(delivery: SubApplicationDelivery): void {
    if (delivery.departmentCode !== departmentCode) {
      throw new TypeError(`delivery ${delivery.deliveryId} is for department ${delivery.departmentCode}, not ${departmentCode}`);
    }
    if (!HEADER_SAFE.test(delivery.idempotencyKey)) throw new TypeError(`delivery ${delivery.deliveryId}: idempotency key must be 1–200 visible ASCII characters`);
  }

  /** Signs and posts `body`; answers the 2xx answer whose signature verified (anything else throws). */
  async function exchange(operationPath: string, signedPath: string, body: string, headers: Record<string, string>) {
    const requestJti = randomUUID();
    const signature = await signRequest({
      method: 'POST', pathAndQuery: signedPath, body, clientId: tongbanClientId, key: settings.signingKey, audience: departmentCode, jti: requestJti,
    });
    let response;
    try {
      response = await http.post(operationPath, body, { 'content-type': 'application/json; charset=utf-8', accept: 'application/json', ...headers, ...signature });
    } catch (error) {
      // An answer, but no receipt: status 0 because the answer was never read.
      if (isAnswerTooLarge(error)) throw malformedError(departmentCode, 0, 'an answer too large to be a receipt', error);
      throw transportError('department', 'deliver', error);
    }
    const { status, headers: answerHeaders, body: raw } = response;
    if (status < 200 || status > 299) throw answerError(departmentCode, status, raw);
    const value = parseJson(raw, status);
    try {
      await verifyResponse({ body: raw, headers: answerHeaders }, {
        keys: settings.departmentPublicKeys, audience: tongbanClientId, requestJti, issuer: departmentCode, skewSeconds: settings.skewSeconds ?? 300,
      });
    } catch (error) {
      throw signatureError(departmentCode, status, error);
    }
    return { status, value, signature: answerHeaders[SIGNATURE_HEADER]!, text: raw.toString('utf8') };
  }

  async function deliver(delivery: SubApplicationDelivery): Promise<DeliveryReceipt> {
    checkAddressed(delivery);
    const { status, value, signature, text } = await exchange(SUBMIT_PATH, path, JSON.stringify(delivery), { 'idempotency-key': delivery.idempotencyKey });
    if (!isReceiptAnswer(value)) throw malformedError(departmentCode, status, 'a body that is not a receipt');
    const answer: RestReceiptAnswer = value;
    const foreign = foreignReceiptField(answer.receipt, delivery);
    if (foreign) throw malformedError(departmentCode, status, `a receipt whose "${foreign}" is not this delivery's`);
    return verifiedReceipt(answer.receipt, delivery.deliveryId, { format: 'tongban-signature-v1', signature, body: text });
  }

  async function deliverBatch(deliveries: readonly SubApplicationDelivery[]): Promise<BatchItemOutcome[]> {
    if (deliveries.length === 0 || deliveries.length > maxBatch) throw new RangeError(`a batch to department ${departmentCode} carries 1 to ${maxBatch} deliveries, not ${deliveries.length}`);
    const keys = new Set<string>();
    for (const delivery of deliveries) {
      checkAddressed(delivery);
      if (keys.has(delivery.idempotencyKey)) throw new TypeError(`delivery ${delivery.deliveryId}: idempotency key ${delivery.idempotencyKey} twice in one batch`);
      keys.add(delivery.idempotencyKey);
    }
    const { status, value, signature, text } = await exchange(BATCH_PATH, batchPath, JSON.stringify({ deliveries }), {});
    if (!isBatchAnswer(value)) throw malformedError(departmentCode, status, 'a body that is not a batch answer');
    const answer: RestBatchAnswer = value;
    // The signed answer must speak of exactly these deliveries, in order; otherwise none of it can be attributed.
    if (answer.results.length !== deliveries.length || answer.results.some((item, index) => item.deliveryId !== deliveries[index]!.deliveryId)) {
      throw malformedError(departmentCode, status, 'a batch answer whose results are not this batch\'s deliveries in order');
    }
    return answer.results.map((item, index): BatchItemOutcome => {
      const delivery = deliveries[index]!;
      if (item.error !== undefined) {
        if (item.status < 400) return { error: malformedError(departmentCode, status, `an error for delivery ${delivery.deliveryId} with status ${item.status}`) };
        return { error: itemError(departmentCode, item.status, item.error.code) };
      }
      if (item.status !== 200 && item.status !== 201) return { error: malformedError(departmentCode, status, `a receipt for delivery ${delivery.deliveryId} with status ${item.status}`) };
      const foreign = foreignReceiptField(item.receipt, delivery);
      if (foreign) return { error: malformedError(departmentCode, status, `a receipt whose "${foreign}" is not this delivery's`) };
      return { receipt: verifiedReceipt(item.receipt, delivery.deliveryId, { format: 'tongban-signature-v1-batch', signature, body: text, index }) };
    });
  }

  function parseJson(raw: Buffer, status: number): unknown {
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw malformedError(departmentCode, status, 'a body that is not JSON', error);
    }
  }

  return { kind: 'rest', departmentCode, deliver, maxBatch, ...(maxBatch > 1 ? { deliverBatch } : {}) };
}
