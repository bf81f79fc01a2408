/**
 * 领证方式: how the applicant receives the results, chosen at submission
 * (body member `resultDelivery` of `POST /v1/applications`): online download
 * (the default), at a service hall's window (一窗出件) or by post (邮政寄递).
 * Read here, stored in the intake transaction.
 */
import type { FieldError } from '../errors/index.js';
import type { Address } from '../domain/logistics.js';
import type { Queryable } from '../store/index.js';
import { readAddress } from './address.js';
import { serviceHalls } from './halls.js';

export type ResultDeliveryChoice =
  | { readonly method: 'online' }
  | { readonly method: 'window'; readonly hallCode: string }
  | { readonly method: 'post'; readonly address: Address };

const METHODS = ['online', 'window', 'post'];

/**
 * Reads `resultDelivery` (absent: online); pushes one error per member at fault, under `/resultDelivery`.
 * @returns the choice, or undefined when it is at fault.
 */
export function readResultDelivery(value: unknown, errors: FieldError[]): ResultDeliveryChoice | undefined {
  const pointer = '/resultDelivery';
  if (value === undefined) return { method: 'online' };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push({ pointer, message: 'must be an object {method: online | window | post, …}' });
    return undefined;
  }
  const fields = value as Record<string, unknown>;
  const method = fields['method'];
  if (typeof method !== 'string' || !METHODS.includes(method)) {
    errors.push({ pointer: `${pointer}/method`, message: 'must be online, window (with hallCode) or post (with address)' });
    return undefined;
  }
  const allowed = method === 'window' ? ['method', 'hallCode'] : method === 'post' ? ['method', 'address'] : ['method'];
  const extra = Object.keys(fields).filter((member) => !allowed.includes(member));
  for (const member of extra) errors.push({ pointer: `${pointer}/${member}`, message: `is not a member of a ${method} choice` });
  if (method === 'window') {
    const hallCode = fields['hallCode'];
    if (typeof hallCode !== 'string' || !serviceHalls().has(hallCode)) {
      errors.push({ pointer: `${pointer}/hallCode`, message: `must be a known service hall (${[...serviceHalls().keys()].join(', ')})` });
      return undefined;
    }
    return extra.length > 0 ? undefined : { method, hallCode };
  }
  if (method === 'post') {
    const address = readAddress(fields['address'], `${pointer}/address`, errors);
    return address && extra.length === 0 ? { method, address } : undefined;
  }
  return extra.length > 0 ? undefined : { method: 'online' };
}

/** Stores the choice in the intake transaction (nothing for online: that is the default). */
export async function recordResultDelivery(tx: Queryable, applicationId: string, choice: ResultDeliveryChoice | undefined, at: number): Promise<void> {
  if (choice === undefined || choice.method === 'online') return;
  await tx.query(
    `INSERT INTO result_deliveries (application_id, method, hall_code, address, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'awaiting_results', $5, $5)`,
    [applicationId, choice.method, choice.method === 'window' ? choice.hallCode : null, choice.method === 'post' ? JSON.stringify(choice.address) : null, at]);
}
