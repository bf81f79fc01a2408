/**
 * The SOAP department channel, for legacy department systems: a SOAP 1.1
 * SubmitSubApplication call. Tongban signature v1 travels in the HTTP headers
 * over the exact XML bytes (Content-Digest + Tongban-Signature) instead of
 * WS-Security; the department signs its receipt in a signature element.
 */
import { randomUUID } from 'node:crypto';
import type { DeliveryReceipt, PushDepartmentChannel, ReceiptClaims, SubApplicationDelivery } from '../../src/domain/department-channel.js';
import { signRequest } from '../../src/trust/index.js';
import { pushClientOf, type DepartmentPushSettings } from '../common/department/push-settings.js';
import { isAnswerTooLarge, transportError } from '../common/http-client.js';
import { foreignReceiptField, SIGNED_RECEIPT_FIELDS, verifiedReceipt, verifyReceiptToken } from '../common/department/receipt-token.js';
import { SERVICE_PATH, SUBMIT_ACTION, readSubmitResponse, submitRequestXml } from './soap-department-api.js';
import { faultError, httpError, malformedError, signatureError } from './soap-department-error.js';
import { parseEnvelope, readFault } from './soap-envelope.js';

/** Settings of {@link createSoapDepartmentAdapter}. */
export interface SoapDepartmentSettings extends DepartmentPushSettings {
  /** Service path under the base URL; default `/services/SubApplicationService`. */
  servicePath?: string;
}


/** A SOAP department channel (`kind` "soap"). */
export function createSoapDepartmentAdapter(settings: SoapDepartmentSettings): PushDepartmentChannel & { kind: 'soap' } {
  const servicePath = settings.servicePath ?? SERVICE_PATH;
  const http = pushClientOf(settings);
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
    for (const field of SIGNED_RECEIPT_FIELDS) {
      if (claims[field] !== receipt[field]) throw signatureError(departmentCode, status, `does not cover the receipt's "${field}"`);
    }
    if (claims.rjti !== requestJti) throw signatureError(departmentCode, status, 'was made for another request ("rjti")');
    const foreign = foreignReceiptField(receipt, delivery);
    if (foreign) throw malformedError(departmentCode, status, `a receipt whose "${foreign}" is not this delivery's`);
    return verifiedReceipt(receipt, delivery.deliveryId, { format: 'soap-receipt-jws', signature: answer.signature, body: xml });
  }

  async function verified(token: string, status: number): Promise<ReceiptClaims> {
    try {
      return await verifyReceiptToken(token, { keys: settings.departmentPublicKeys, departmentCode, maxSkewSeconds: settings.skewSeconds ?? 300 });
    } catch (error) {
      throw signatureError(departmentCode, status, 'did not verify', error);
    }
  }

  return { kind: 'soap', departmentCode, deliver };
}
