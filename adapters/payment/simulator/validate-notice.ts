/** Checks a notice request as the platform does; the first fault names its field (E201), an unknown item is E202, a wrong total E204. */
import type { ResultName, WireNoticeRequest } from '../payment-api.js';

export type NoticeCheck = { ok: true; request: WireNoticeRequest } | { ok: false; result: ResultName; field: string };

const ORDER_NO = /^[A-Za-z0-9_-]{1,64}$/;
const ID_NO = /^\d{17}[\dX]$/;

export function checkNotice(body: unknown, knownItems: Readonly<Record<string, string>>, today: string): NoticeCheck {
  const fail = (field: string, result: ResultName = 'BAD_PARAMETER'): NoticeCheck => ({ ok: false, result, field });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('body');
  const value = body as Record<string, unknown>;
  if (typeof value['orderNo'] !== 'string' || !ORDER_NO.test(value['orderNo'])) return fail('orderNo');
  if (typeof value['payerName'] !== 'string' || value['payerName'].trim() === '' || value['payerName'].length > 50) return fail('payerName');
  if (typeof value['payerIdNo'] !== 'string' || !ID_NO.test(value['payerIdNo'])) return fail('payerIdNo');
  const items = value['items'];
  if (!Array.isArray(items) || items.length < 1 || items.length > 20) return fail('items');
  let sum = 0;
  for (const [index, item] of items.entries()) {
    const line = (item ?? {}) as Record<string, unknown>;
    if (typeof line['itemCode'] !== 'string' || !/^\d{9,12}$/.test(line['itemCode'])) return fail(`items[${index}].itemCode`);
    if (typeof line['itemName'] !== 'string' || line['itemName'].trim() === '') return fail(`items[${index}].itemName`);
    if (!Number.isSafeInteger(line['amount']) || (line['amount'] as number) <= 0) return fail(`items[${index}].amount`);
    if (!Object.hasOwn(knownItems, line['itemCode'])) return fail(`items[${index}].itemCode`, 'UNKNOWN_ITEM');
    sum += line['amount'] as number;
  }
  if (!Number.isSafeInteger(value['totalAmount']) || (value['totalAmount'] as number) <= 0) return fail('totalAmount');
  if (value['totalAmount'] !== sum) return fail('totalAmount', 'TOTAL_MISMATCH');
  if (typeof value['dueDate'] !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value['dueDate']) || value['dueDate'] < today) return fail('dueDate');
  if (value['remark'] !== undefined && (typeof value['remark'] !== 'string' || value['remark'].length > 200)) return fail('remark');
  return { ok: true, request: value as unknown as WireNoticeRequest };
}
