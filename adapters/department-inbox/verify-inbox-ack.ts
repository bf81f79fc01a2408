/**
 * Tongban's side of an inbox acknowledgement: checks the department's signed
 * receipt and turns it into a {@link DeliveryReceipt}. The gateway's ack route
 * calls it after verifying the request signature and the lease.
 */
import type { JWK } from 'jose';
import { TongbanError, validationError } from '../../src/errors/index.js';
import type { DeliveryReceipt, InboxAckInput, ReceiptClaims } from '../../src/domain/department-channel.js';
import { foreignReceiptField, SIGNED_RECEIPT_FIELDS, verifiedReceipt, verifyReceiptToken } from '../common/department/receipt-token.js';
import { isInboxAck } from './inbox-api.js';


export interface VerifyInboxAckOptions {
  /** The department's registered public keys. */
  departmentPublicKeys: readonly JWK[];
  /** When set, the receipt must have been signed within this many seconds of now. */
  maxSkewSeconds?: number;
}


/**
 * Verifies an acknowledgement and returns the receipt.
 * @throws TongbanError `VALIDATION_FAILED` (body shape, JSON Pointers listed), the
 *   signature codes of the receipt JWS (`SIGNATURE_INVALID`, `KEY_UNKNOWN`, …),
 *   `CLAIM_INVALID` (the signed fields differ from the body), `CONFLICT` (a receipt for another delivery).
 */
export async function verifyInboxAck(input: InboxAckInput, options: VerifyInboxAckOptions): Promise<DeliveryReceipt> {
  const { body, delivery } = input;
  if (!isInboxAck(body)) {
    throw validationError((isInboxAck.errors ?? []).map((error) => ({ pointer: error.instancePath, message: error.message ?? 'is invalid' })));
  }
  const { receipt } = body;
  if (body.acceptanceNumber !== receipt.acceptanceNumber) {
    throw validationError([{ pointer: '/acceptanceNumber', message: 'differs from /receipt/acceptanceNumber' }]);
  }
  const claims: ReceiptClaims = await verifyReceiptToken(receipt.signature, {
    keys: options.departmentPublicKeys, departmentCode: input.departmentCode,
    ...(options.maxSkewSeconds === undefined ? {} : { maxSkewSeconds: options.maxSkewSeconds }),
  });
  for (const field of SIGNED_RECEIPT_FIELDS) {
    if (claims[field] !== receipt[field]) throw new TongbanError('CLAIM_INVALID', `"${field}" claim of the receipt signature differs from /receipt/${field}`);
  }
  const foreign = foreignReceiptField(receipt, { departmentCode: input.departmentCode, subApplicationId: delivery.subApplicationId, idempotencyKey: delivery.idempotencyKey });
  if (foreign) throw new TongbanError('CONFLICT', `/receipt/${foreign} is not this delivery's (${foreign === 'departmentCode' ? input.departmentCode : delivery[foreign]})`);
  if (receipt.deliveryId !== input.deliveryId) throw new TongbanError('CONFLICT', `/receipt/deliveryId is not this delivery's (${input.deliveryId})`);
  if (delivery.deliveryId !== input.deliveryId) throw new TongbanError('CONFLICT', 'the stored delivery is not the one in the path');
  return verifiedReceipt(receipt, receipt.deliveryId, { format: 'receipt-jws', signature: receipt.signature, body: JSON.stringify(body) });
}
