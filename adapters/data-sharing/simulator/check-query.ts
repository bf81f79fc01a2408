/** Validates the body of a query or verification: the holder condition, purpose, authorisation reference, claims. */
import { SHARED_RESOURCES, type SharedResourceKey } from '../../../src/domain/shared-data.js';
import type { ResultName } from '../data-sharing-api.js';

const ID_NUMBER = /^\d{17}[\dX]$/;

export type QueryCheck =
  | { ok: true; holderCode: string; claims: Record<string, string> }
  | { ok: false; result: ResultName; field: string };

export function checkQuery(body: Record<string, unknown>, resource: SharedResourceKey, verification: boolean): QueryCheck {
  const conditions = body['conditions'];
  const holderCode = typeof conditions === 'object' && conditions !== null ? (conditions as Record<string, unknown>)['GMSFHM'] : undefined;
  if (typeof holderCode !== 'string' || !ID_NUMBER.test(holderCode)) return { ok: false, result: 'BAD_PARAMETER', field: 'conditions.GMSFHM' };
  for (const field of ['purpose', 'authorizationRef'] as const) {
    const value = body[field];
    if (typeof value !== 'string' || value.trim() === '' || value.length > 200) return { ok: false, result: 'PURPOSE_REQUIRED', field };
  }
  if (!verification) return { ok: true, holderCode, claims: {} };
  const claims = body['claims'];
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims) || Object.keys(claims).length === 0) return { ok: false, result: 'BAD_PARAMETER', field: 'claims' };
  const fields = SHARED_RESOURCES[resource].fields;
  for (const [field, value] of Object.entries(claims as Record<string, unknown>)) {
    if (!Object.hasOwn(fields, field) || typeof value !== 'string') return { ok: false, result: 'BAD_PARAMETER', field: `claims.${field}` };
  }
  return { ok: true, holderCode, claims: claims as Record<string, string> };
}
