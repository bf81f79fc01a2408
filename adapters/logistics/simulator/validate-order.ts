/**
 * Checks an order body the way the mail service does: 2001 names the first
 * missing or invalid field (`recipient.mobile`), 2002 an address outside the
 * service area (the 31 mainland provinces, minus configured counties).
 */
import { BUSINESS_TYPES, type WireAddress, type WireOrderRequest } from '../logistics-api.js';

export const MAINLAND_PROVINCES: readonly string[] = [
  '北京市', '天津市', '河北省', '山西省', '内蒙古自治区', '辽宁省', '吉林省', '黑龙江省', '上海市', '江苏省', '浙江省', '安徽省', '福建省',
  '江西省', '山东省', '河南省', '湖北省', '湖南省', '广东省', '广西壮族自治区', '海南省', '重庆市', '四川省', '贵州省', '云南省', '西藏自治区',
  '陕西省', '甘肃省', '青海省', '宁夏回族自治区', '新疆维吾尔自治区',
];

export type OrderCheck =
  | { ok: true; order: WireOrderRequest }
  | { ok: false; result: 'BAD_PARAMETER' | 'NOT_SERVICEABLE'; field: string };

const text = (value: unknown, max: number): value is string => typeof value === 'string' && value.trim() !== '' && value.length <= max;

function addressField(value: unknown, prefix: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return prefix;
  const address = value as Record<string, unknown>;
  if (!text(address['name'], 50)) return `${prefix}.name`;
  if (typeof address['mobile'] !== 'string' || !/^1\d{10}$/.test(address['mobile'])) return `${prefix}.mobile`;
  for (const field of ['province', 'city', 'county'] as const) if (!text(address[field], 30)) return `${prefix}.${field}`;
  if (!text(address['address'], 200)) return `${prefix}.address`;
  if (address['postcode'] !== undefined && (typeof address['postcode'] !== 'string' || !/^\d{6}$/.test(address['postcode']))) return `${prefix}.postcode`;
  return undefined;
}

export function checkOrder(body: unknown, unserviceableCounties: ReadonlySet<string>): OrderCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, result: 'BAD_PARAMETER', field: 'body' };
  const order = body as Record<string, unknown>;
  if (typeof order['orderNo'] !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(order['orderNo'])) return { ok: false, result: 'BAD_PARAMETER', field: 'orderNo' };
  if (!BUSINESS_TYPES.includes(order['businessType'] as never)) return { ok: false, result: 'BAD_PARAMETER', field: 'businessType' };
  for (const party of ['sender', 'recipient'] as const) {
    const field = addressField(order[party], party);
    if (field) return { ok: false, result: 'BAD_PARAMETER', field };
  }
  const items = order['items'];
  if (!Array.isArray(items) || items.length === 0 || items.length > 20) return { ok: false, result: 'BAD_PARAMETER', field: 'items' };
  for (const [index, item] of items.entries()) {
    const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (!text(entry['name'], 100)) return { ok: false, result: 'BAD_PARAMETER', field: `items[${index}].name` };
    if (!Number.isInteger(entry['count']) || (entry['count'] as number) < 1 || (entry['count'] as number) > 99) return { ok: false, result: 'BAD_PARAMETER', field: `items[${index}].count` };
  }
  if (order['remark'] !== undefined && (typeof order['remark'] !== 'string' || order['remark'].length > 200)) return { ok: false, result: 'BAD_PARAMETER', field: 'remark' };
  for (const party of ['sender', 'recipient'] as const) {
    const address = order[party] as WireAddress;
    if (!MAINLAND_PROVINCES.includes(address.province)) return { ok: false, result: 'NOT_SERVICEABLE', field: `${party}.province` };
    if (unserviceableCounties.has(address.county)) return { ok: false, result: 'NOT_SERVICEABLE', field: `${party}.county` };
  }
  return { ok: true, order: order as unknown as WireOrderRequest };
}
