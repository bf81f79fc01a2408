/**
 * Builds what to issue from a matter's `issues:` declaration
 * (mappings/matters/<code>.yaml), the application's merged form (canonical
 * fields) and the department's results: holder, number, surface, dates and
 * the result document that is the licence's file. Pure: the issuance job
 * stores the outcome, so a retry sends the same content under the same
 * business number.
 */
import { getField } from '../forms/form-schema.js';
import type { IssuanceDeclaration, IssuanceSource } from '../forms/mappings/types.js';
import { LICENCE_TYPES, type LicenceHolderType, type LicenceTypeKey } from '../domain/licence-library.js';

/** A result as a completed event stores it (after sealing: a document is a `documentId`). */
export interface StoredResult { name: string; value?: string; licenceIdentifier?: string; documentId?: string }

/** The stored snapshot of an issuance: everything but the file bytes and the issuer's key. */
export interface IssuanceSnapshot {
  typeCode: string;
  number: string;
  holder: { code: string; type: LicenceHolderType; name: string };
  issuer: { name: string; creditCode: string; areaCode: string };
  issuedOn: string;
  validFrom: string;
  validUntil: string | null;
  surface: Record<string, string>;
  /** The sealed result document (result_documents.id). */
  documentId: string;
}

/** A snapshot, or the declaration's members that found no value. */
export type SnapshotOutcome = { ok: true; snapshot: IssuanceSnapshot } | { ok: false; missing: string[] };

/**
 * @param form the application's merged form (canonical fields).
 * @param completedOn the China date of completion, `YYYY-MM-DD`.
 */
export function buildIssuanceSnapshot(declaration: IssuanceDeclaration, form: Record<string, unknown>, results: readonly StoredResult[], completedOn: string): SnapshotOutcome {
  const missing: string[] = [];
  const validUntil = declaration.validYears === undefined ? null : addYears(completedOn, declaration.validYears);
  const dates = { completedOn, validUntil };
  const read = (pointer: string, sources: IssuanceSource | readonly IssuanceSource[], required = true): string | undefined => {
    for (const source of Array.isArray(sources) ? sources as readonly IssuanceSource[] : [sources as IssuanceSource]) {
      const value = valueOf(source, form, results, dates);
      if (value !== undefined) return value;
    }
    if (required) missing.push(`${pointer} (${describe(sources)})`);
    return undefined;
  };
  const type = LICENCE_TYPES[declaration.licenceType as LicenceTypeKey];
  const holderCode = read('/issues/holder/code', declaration.holder.code);
  const holderName = read('/issues/holder/name', declaration.holder.name);
  const number = read('/issues/number', declaration.number);
  const surface: Record<string, string> = {};
  for (const [key, sources] of Object.entries(declaration.surface)) {
    const value = read(`/issues/surface/${key}`, sources, false);
    if (value !== undefined) surface[key] = value;
  }
  const document = results.find((result) => result.name === declaration.file && result.documentId !== undefined);
  if (!document) missing.push(`/issues/file (no sealed result document named "${declaration.file}")`);
  if (!type) missing.push(`/issues/licenceType ("${declaration.licenceType}")`);
  if (missing.length > 0 || !type) return { ok: false, missing };
  return {
    ok: true,
    snapshot: {
      typeCode: type.code, number: number!, holder: { code: holderCode!, type: type.holderType, name: holderName! }, issuer: { ...declaration.issuer },
      issuedOn: completedOn, validFrom: completedOn, validUntil, surface, documentId: document!.documentId!,
    },
  };
}

function valueOf(source: IssuanceSource, form: Record<string, unknown>, results: readonly StoredResult[], dates: { completedOn: string; validUntil: string | null }): string | undefined {
  let value: unknown;
  if ('canonical' in source) value = getField(form, source.canonical);
  else if ('result' in source) value = results.find((result) => result.name === source.result && result.value !== undefined)?.value;
  else if ('value' in source) value = source.value;
  else if ('validUntil' in source) value = dates.validUntil ?? '长期';
  else value = dates.completedOn;
  if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function describe(sources: IssuanceSource | readonly IssuanceSource[]): string {
  return (Array.isArray(sources) ? sources as readonly IssuanceSource[] : [sources as IssuanceSource])
    .map((source) => Object.entries(source).map(([kind, value]) => (value === true ? kind : `${kind} ${String(value)}`)).join('')).join(' or ');
}

/** `YYYY-MM-DD` + years, the day before the anniversary (a 5-year licence from 2026-11-02 ends 2031-11-01). */
function addYears(date: string, years: number): string {
  const end = new Date(`${date}T00:00:00Z`);
  end.setUTCFullYear(end.getUTCFullYear() + years);
  end.setUTCDate(end.getUTCDate() - 1);
  return end.toISOString().slice(0, 10);
}
