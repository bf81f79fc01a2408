/**
 * The SOAP department channel, for legacy department systems: a SOAP 1.1
 * SubmitSubApplication call. Tongban signature v1 travels in the HTTP headers
 * over the exact XML bytes (Content-Digest + Tongban-Signature) instead of
 * WS-Security; the department signs its receipt in a signature element.
 */
import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import type { DeliveryReceipt, PushDepartmentChannel, ReceiptClaims, SubApplicationDelivery } from '../../src/spec/department-channel.js';
import { signRequest, type PrivateJwk } from '../../src/trust/index.js';
import { createPushClient, DEPARTMENT_ANSWER_LIMIT_BYTES, isAnswerTooLarge, transportError, type PushClient } from '../shared/http-client.js';
import { verifyReceiptToken } from '../shared/department/receipt-token.js';
import { SERVICE_PATH, SUBMIT_ACTION, readSubmitResponse, submitRequestXml, type SoapReceipt } from './soap-department-api.js';
import { faultError, httpError, malformedError, signatureError } from './soap-department-error.js';
import { parseEnvelope, readFault } from './soap-envelope.js';

/** Settings of {@link createSoapDepartmentAdapter}. */
export interface SoapDepartmentSettings {
  /** The department system's base URL (a path prefix is kept). */
  baseUrl: string;
  /** Service path under the base URL; default `/services/SubApplicationService`. */
  servicePath?: string;
  /** Department code: the `aud` of Tongban's signature and the expected signer of the receipt. */
  departmentCode: string;
  /** Client id Tongban signs as (`iss`); default "tongban". */
  tongbanClientId?: string;
  /** Tongban's current private signing key. */
  signingKey: PrivateJwk;
  /** The department's registered public keys. */
  departmentPublicKeys: readonly JWK[];
  /** Per-call timeout (ms). Default 10000. */
  timeoutMs?: number;
  /**
   * Connections to reuse (the channel registry keeps one pool per endpoint
   * while it rebuilds channels for key rotation); by default the adapter
   * opens its own. Its `timeoutMs` then governs.
   */
  pushClient?: PushClient;
  /** Clock skew tolerated on the receipt signature's `iat` (s). Default 300. */
  skewSeconds?: number;
}

const SIGNED_FIELDS = ['departmentCode', 'deliveryId', 'subApplicationId', 'idempotencyKey', 'acceptanceNumber', 'receivedAt', 'duplicate'] as const;

/** A SOAP department channel (`kind` "soap"). */
export function createSoapDepartmentAdapter(settings: SoapDepartmentSettings): PushDepartmentChannel & { kind: 'soap' } {
  const servicePath = settings.servicePath ?? SERVICE_PATH;
  const http = settings.pushClient ?? createPushClient({ baseUrl: settings.baseUrl, timeoutMs: settings.timeoutMs ?? 10_000, maxAnswerBytes: DEPARTMENT_ANSWER_LIMIT_BYTES });
  const signedPath = `${new URL(settings.baseUrl).pathname.replace(/\/+$/, '')}${servicePath}`;
  const tongbanClientId = settings.tongbanClientId ?? 'tongban';
  const { departmentCode } = settings;

  async function deliver(delivery: SubApplicationDelivery): Promise<DeliveryReceipt> {
    if (delivery.departmentCode !== departmentCode) {
      throw new TypeError(`delivery ${delivery.deliveryId} is for department ${delivery.departmentCode}, not ${departmentCode}`);
    }
    const body = Buffer.from(submitRequestXml(delivery), 'utf8');
    const requestJti = randomUUID();
    const signature = await signRequest({
      method: 'POST', pathAndQuery: signedPath, body, clientId: tongbanClientId, key: settings.signingKey, audience: departmentCode, jti: requestJti,
    });
    let response;
    try {
      response = await http.post(servicePath, body, {
        'content-type': 'text/xml; charset=utf-8', accept: 'text/xml', soapaction: `"${SUBMIT_ACTION}"`, ...signature,
      });
    } catch (error) {
      if (isAnswerTooLarge(error)) throw malformedError(departmentCode, 0, 'an answer too large to be a receipt', error);
      throw transportError('department', 'deliver', error);
    }
    const { status } = response;
    const xml = response.body.toString('utf8');
    const envelope = parseEnvelope(xml);
    // A fault is read whatever the status (SOAP 1.1 answers faults with 500, some servers with 400 or even 200).
    const fault = envelope.ok ? readFault(envelope.body) : undefined;
    if (fault !== undefined) throw faultError(departmentCode, status, fault);
    if (status < 200 || status > 299) throw httpError(departmentCode, status);
    if (!envelope.ok) throw malformedError(departmentCode, status, `a body that is not a SOAP 1.1 envelope: ${envelope.problem}`);
    const answer = readSubmitResponse(envelope.body);
    if (answer === undefined) throw malformedError(departmentCode, status, 'an envelope without a well-formed SubmitSubApplicationResponse');

    const claims = await verified(answer.signature, status);
    const receipt = answer.receipt;
    for (const field of SIGNED_FIELDS) {
      if (claims[field] !== receipt[field]) throw signatureError(departmentCode, status, `does not cover the receipt's "${field}"`);
    }
    if (claims.rjti !== requestJti) throw signatureError(departmentCode, status, 'was made for another request ("rjti")');
    checkBelongs(receipt, delivery, status);
    return {
      ...receipt,
      deliveryId: delivery.deliveryId,
      signatureVerified: true,
      evidence: { format: 'soap-receipt-jws', signature: answer.signature, body: xml },
    };
  }

  async function verified(token: string, status: number): Promise<ReceiptClaims> {
    try {
      return await verifyReceiptToken(token, { keys: settings.departmentPublicKeys, departmentCode, maxSkewSeconds: settings.skewSeconds ?? 300 });
    } catch (error) {
      throw signatureError(departmentCode, status, 'did not verify', error);
    }
  }

  function checkBelongs(receipt: SoapReceipt, delivery: SubApplicationDelivery, status: number): void {
    // A signed receipt for another sub-application is not a receipt for this one.
    for (const field of ['departmentCode', 'subApplicationId', 'idempotencyKey'] as const) {
      if (receipt[field] !== delivery[field]) throw malformedError(departmentCode, status, `a receipt whose "${field}" is not this delivery's`);
    }
  }

  return { kind: 'soap', departmentCode, deliver };
}
