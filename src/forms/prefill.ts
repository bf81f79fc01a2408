/**
 * Prefill (预填): fetch the applicant's verified licences — only the types the
 * scenario's matters declare, only under a covering authorisation — map them
 * onto the merged form, and say where every value came from.
 */
import type { Licence } from '../domain/licence-library.js';
import { licenceTypeByCode, LICENCE_TYPES, type LicenceHolderType } from '../domain/licence-library.js';
import { isUpstreamError } from '../domain/upstream-error.js';
import type { SharedDataRecord } from '../domain/shared-data.js';
import { TongbanError, validationError, type FieldError } from '../errors/index.js';
import { useCauseFromBody } from '../licences/use-cause.js';
import { checkFieldValue, getField, setField } from './form-schema.js';
import { buildGuide, type Guide } from './guide.js';
import type { ScenarioMaterial } from './materials.js';
import type { Mappings } from './mappings/types.js';
import { deriveMergedForm } from './merged-form.js';
import { applicableMatters, subjectBindings } from './scenario.js';
import { valueDigest, type EvidenceField } from './prefill-evidence.js';
import { normalizeText, readText } from './text-rules.js';
import { resolveTransform, TransformError } from './transforms.js';
import type { ThemeContext } from './theme-context.js';

export interface PrefillHolder {
  readonly code: string;
  readonly type: LicenceHolderType;
  /** The holder's authorisation (POST /v1/authorizations) covering these licences. */
  readonly authorizationId: string;
}

export interface PrefillRequest {
  readonly themeCode: string;
  readonly answers?: unknown;
  /** Subject (role) → holder. */
  readonly holders: Readonly<Record<string, PrefillHolder>>;
  /** 用证事由. */
  readonly useCause: string;
}

/**
 * Fetches a holder's shared-data records (docs/shared-data.md; authorisation, reason and ledger are its business);
 * a resource the source holds nothing about is left out.
 */
export type FetchSharedData = (request: { subject: string; holder: PrefillHolder; resources: string[]; matterCodes: string[] }) => Promise<(SharedDataRecord & { resource: string })[]>;

/** Where a value filled from shared data came from: the resource, its source department and its data time. */
export interface SharedDataProvenance {
  readonly source: 'shared-data';
  /** Resource key (`marriageRegistration`, …). */
  readonly resource: string;
  /** 共享目录编码. */
  readonly resourceCode: string;
  readonly resourceName: string;
  /** 数源部门. */
  readonly sourceDepartment: string;
  /** When the source last updated the record. */
  readonly dataTime: string;
  readonly subject: string;
  readonly fetchedAt: string;
}

/** Fetches a holder's licences (authorisation, reason and ledger are its business). */
export type FetchLicences = (request: { subject: string; holder: PrefillHolder; licenceTypes: string[]; matterCodes: string[] }) => Promise<Licence[]>;

export interface Provenance {
  readonly source: 'licence';
  readonly licenceIdentifier: string;
  readonly licenceType: string;
  readonly licenceName: string;
  readonly subject: string;
  readonly issuer: { readonly name: string; readonly code: string };
  readonly verified: boolean;
  readonly fetchedAt: string;
  /** The licence is the result of an application Tongban issued into the library (src/licence-issuance, docs/licence-issuance.md). */
  readonly resultOf?: { readonly applicationId: string; readonly subApplicationId: string; readonly detail: string };
}

export interface PrefillResult {
  theme: Guide['theme'];
  answers: Guide['answers'];
  matters: Guide['matters'];
  form: Record<string, Record<string, unknown>>;
  /** Canonical field → the licence its value came from. */
  provenance: Record<string, Provenance>;
  /**
   * Canonical field → the shared-data record its value came from (fields licences left empty). The HTTP answer
   * merges it into `provenance` (`source: 'shared-data'`); kept apart here so licence code reads licence provenance only.
   */
  sharedDataProvenance: Record<string, SharedDataProvenance>;
  /** Every merged-form field, filled or not, in order. */
  fields: { canonical: string; label: string; required: boolean; filled: boolean }[];
  /** Two sources disagreeing on a field: the licence kept (licences are read first), the other a licence or a shared-data record (`resourceCode`). */
  conflicts: { canonical: string; kept: { value: unknown; licenceIdentifier: string }; other: { value: unknown; licenceIdentifier: string } | { value: unknown; resourceCode: string; sourceDepartment: string } }[];
  licences: { identifier: string; licenceType: string; name: string; subject: string; status: string; used: boolean; problems: readonly string[] }[];
  /** The guide's materials; `satisfiedBy`: the identifier of the verified licence that supplies one. */
  materials: (ScenarioMaterial & { satisfiedBy?: string })[];
  /**
   * Licence sources not read; their fields stay empty (never invented).
   * `holder-not-given`: the platform named no holder for the subject (e.g. a newborn not registered yet);
   * `library-unavailable`: the licence library failed — prefill again later.
   */
  missingSources: { subject: string; licenceTypes: string[]; kind: 'holder-not-given' | 'library-unavailable'; reason: string }[];
  /**
   * Shared-data resources the matters name but not read, their fields left to licences or the applicant:
   * `not-authorised`: the holder's authorisation does not name them (nothing was asked of the exchange);
   * `exchange-unavailable`: the data-sharing exchange failed or is not configured — prefill again later.
   */
  sharedDataSkipped: { subject: string; resources: string[]; kind: 'not-authorised' | 'exchange-unavailable'; reason: string }[];
  /** Licence (or shared-data: `licenceIdentifier` is then the resource code) values the dictionary refuses: left for the applicant. */
  refusedValues: { canonical: string; licenceIdentifier: string; reason: string }[];
  autoFill: { filled: number; total: number; ratio: number };
  /** Evidence fields for the signed token. */
  evidence: Record<string, EvidenceField>;
  partial: boolean;
}

const KEY_BY_CODE = new Map(Object.entries(LICENCE_TYPES).map(([key, info]) => [info.code, key]));

/**
 * Checks a prefill request's shape. The reason for use is checked first and
 * on its own: without one no licence may be read, whatever else is wrong.
 * @throws TongbanError USE_CAUSE_REQUIRED (naming `/useCause`), then VALIDATION_FAILED listing every other field at fault.
 */
export function validatePrefillRequest(body: unknown): PrefillRequest {
  const errors: FieldError[] = [];
  const value = (body ?? {}) as Record<string, unknown>;
  const useCause = useCauseFromBody(value['useCause'], '/useCause');
  if (typeof value['themeCode'] !== 'string') errors.push({ pointer: '/themeCode', message: 'is required' });
  const holders = value['holders'];
  if (typeof holders !== 'object' || holders === null || Array.isArray(holders) || Object.keys(holders).length === 0) {
    errors.push({ pointer: '/holders', message: 'must name at least one subject, e.g. {"applicant": {"code", "type", "authorizationId"}}' });
  } else {
    for (const [subject, holder] of Object.entries(holders as Record<string, Record<string, unknown>>)) {
      if (typeof holder?.['code'] !== 'string') errors.push({ pointer: `/holders/${subject}/code`, message: 'is required' });
      if (holder?.['type'] !== 'citizen' && holder?.['type'] !== 'organization') errors.push({ pointer: `/holders/${subject}/type`, message: 'must be "citizen" or "organization"' });
      if (typeof holder?.['authorizationId'] !== 'string') errors.push({ pointer: `/holders/${subject}/authorizationId`, message: 'is required' });
    }
  }
  if (errors.length > 0) throw validationError(errors);
  return { ...value, useCause } as unknown as PrefillRequest;
}

/**
 * Prefills the merged form: licences first, then shared data (when `fetchSharedData` is given and the matters declare
 * `sharedData:`) for the fields licences left empty; a shared value that differs from a licence's is a conflict.
 */
export async function prefill(context: ThemeContext, request: PrefillRequest, mappings: Mappings, fetchLicences: FetchLicences, fetchSharedData?: FetchSharedData): Promise<PrefillResult> {
  const guide = buildGuide(context, request.answers, mappings);
  const codes = guide.matters.map((matter) => matter.code);
  const merged = deriveMergedForm(context, applicableMatters(context.mapping, guide.answers), mappings);
  const wanted = new Set(merged.fields.map((field) => field.canonical));
  const sharedUses = guide.matters.flatMap((matter) => mappings.matters.get(matter.code)?.sharedData ?? []);
  const unknownSubjects = Object.keys(request.holders).filter((subject) => !guide.licences.some((use) => use.subject === subject) && !sharedUses.some((use) => use.subject === subject));
  if (unknownSubjects.length > 0) {
    throw validationError(unknownSubjects.map((subject) => ({ pointer: `/holders/${subject}`, message: `this scenario uses no licence of "${subject}"; subjects: ${[...new Set(guide.licences.map((use) => use.subject))].join(', ')}` })));
  }

  const form: Record<string, Record<string, unknown>> = {};
  const provenance: Record<string, Provenance> = {};
  const evidence: Record<string, EvidenceField> = {};
  const conflicts: PrefillResult['conflicts'] = [];
  const licences: PrefillResult['licences'] = [];
  const missingSources: PrefillResult['missingSources'] = [];
  const refusedValues: PrefillResult['refusedValues'] = [];
  const satisfied = new Map<string, string>();

  // A subject that is another under these answers (sameAs: the 监护人 is the mother) is filled from that subject's licences.
  const aliases = new Map<string, string[]>();
  for (const [alias, subject] of subjectBindings(context.mapping, guide.answers)) aliases.set(subject, [...(aliases.get(subject) ?? []), alias]);
  const bySubject = new Map<string, string[]>();
  for (const use of guide.licences) bySubject.set(use.subject, [...(bySubject.get(use.subject) ?? []), use.licenceType]);
  for (const [subject, licenceTypes] of bySubject) {
    const holder = request.holders[subject];
    if (!holder) {
      missingSources.push({ subject, licenceTypes, kind: 'holder-not-given', reason: 'no holder given for this subject' });
      continue;
    }
    let fetched: Licence[];
    try {
      fetched = await fetchLicences({ subject, holder, licenceTypes, matterCodes: codes });
    } catch (error) {
      if (!isUpstreamError(error)) throw error;
      missingSources.push({ subject, licenceTypes, kind: 'library-unavailable', reason: `licence library unavailable (${error.kind}); fill these fields by hand or prefill again later` });
      continue;
    }
    const fetchedAt = new Date().toISOString();
    // Newest first: when a holder has two licences of a type, the latest issue wins.
    for (const licence of [...fetched].sort((a, b) => b.issuedOn.localeCompare(a.issuedOn))) {
      const licenceType = KEY_BY_CODE.get(licence.typeCode) ?? licenceTypeByCode(licence.typeCode)?.name ?? licence.typeCode;
      const used = licence.verification.passed;
      licences.push({ identifier: licence.identifier, licenceType, name: licence.typeName, subject, status: licence.status, used, problems: licence.verification.problems });
      if (!used) continue;
      satisfied.set(`${licenceType}/${subject}`, licence.identifier);
      const mapping = mappings.licences.get(licenceType);
      if (!mapping) continue;
      const targets = mapping.fields.flatMap((field) => (field.canonical.startsWith('$subject.')
        ? [subject, ...aliases.get(subject) ?? []].map((target) => ({ field, canonical: field.canonical.replace('$subject.', `${target}.`) }))
        : [{ field, canonical: field.canonical }]));
      for (const { field, canonical } of targets) {
        if (!wanted.has(canonical)) continue;
        const mapped = mappedValue(licence.surface[field.surface], field, canonical, mappings);
        if (!mapped) continue;
        if ('refused' in mapped) {
          refusedValues.push({ canonical, licenceIdentifier: licence.identifier, reason: mapped.refused });
          continue;
        }
        const { value } = mapped;
        const existing = getField(form, canonical);
        if (existing !== undefined) {
          if (JSON.stringify(existing) !== JSON.stringify(value)) {
            conflicts.push({ canonical, kept: { value: existing, licenceIdentifier: provenance[canonical]!.licenceIdentifier }, other: { value, licenceIdentifier: licence.identifier } });
          }
          continue;
        }
        setField(form, canonical, value);
        provenance[canonical] = { source: 'licence', licenceIdentifier: licence.identifier, licenceType, licenceName: licence.typeName, subject, issuer: { ...licence.issuer }, verified: true, fetchedAt };
        evidence[canonical] = { digest: valueDigest(value), licenceIdentifier: licence.identifier, licenceType, issuer: licence.issuer.code };
      }
    }
  }

  const sharedProvenance: Record<string, SharedDataProvenance> = {};
  const sharedDataSkipped: PrefillResult['sharedDataSkipped'] = [];
  if (fetchSharedData) {
    const sharedBySubject = new Map<string, string[]>();
    for (const use of sharedUses) sharedBySubject.set(use.subject, [...new Set([...(sharedBySubject.get(use.subject) ?? []), use.resource])]);
    for (const [subject, resources] of sharedBySubject) {
      const holder = request.holders[subject];
      if (!holder) continue; // listed under missingSources only when its licences are: a subject without a holder has neither
      let records: Awaited<ReturnType<FetchSharedData>>;
      try {
        records = await fetchSharedData({ subject, holder, resources, matterCodes: codes });
      } catch (error) {
        const kind = isUpstreamError(error) || (error instanceof TongbanError && error.code === 'SERVICE_UNAVAILABLE') ? 'exchange-unavailable'
          : error instanceof TongbanError && error.code === 'AUTHORIZATION_NOT_COVERING' ? 'not-authorised' : undefined;
        if (!kind) throw error;
        sharedDataSkipped.push({ subject, resources, kind, reason: kind === 'exchange-unavailable'
          ? `data-sharing exchange unavailable (${isUpstreamError(error) ? error.kind : 'not configured'}); fill these fields by hand or prefill again later`
          : `the holder's authorisation does not name these shared-data resources; nothing was read (${(error as Error).message})` });
        continue;
      }
      const fetchedAt = new Date().toISOString();
      for (const record of records) {
        const mapping = mappings.sharedData?.get(record.resource);
        for (const field of mapping?.fields ?? []) {
          for (const target of field.canonical.startsWith('$subject.') ? [subject, ...aliases.get(subject) ?? []] : [undefined]) {
            const canonical = target === undefined ? field.canonical : field.canonical.replace('$subject.', `${target}.`);
            if (!wanted.has(canonical)) continue;
            const mapped = mappedValue(record.data[field.surface], field, canonical, mappings);
            if (!mapped) continue;
            if ('refused' in mapped) {
              refusedValues.push({ canonical, licenceIdentifier: record.resourceCode, reason: mapped.refused });
              continue;
            }
            const existing = getField(form, canonical);
            if (existing !== undefined) {
              if (JSON.stringify(existing) !== JSON.stringify(mapped.value) && provenance[canonical]) {
                conflicts.push({ canonical, kept: { value: existing, licenceIdentifier: provenance[canonical].licenceIdentifier }, other: { value: mapped.value, resourceCode: record.resourceCode, sourceDepartment: record.sourceDepartment } });
              }
              continue;
            }
            setField(form, canonical, mapped.value);
            sharedProvenance[canonical] = {
              source: 'shared-data', resource: record.resource, resourceCode: record.resourceCode, resourceName: record.resourceName,
              sourceDepartment: record.sourceDepartment, dataTime: record.dataTime, subject, fetchedAt,
            };
          }
        }
      }
    }
  }

  const filled = Object.keys(provenance).length + Object.keys(sharedProvenance).length;
  const total = merged.fields.length;
  return {
    theme: guide.theme,
    answers: guide.answers,
    matters: guide.matters,
    form,
    provenance,
    sharedDataProvenance: sharedProvenance,
    fields: merged.fields.map((field) => ({ canonical: field.canonical, label: field.spec.label, required: field.required, filled: field.canonical in provenance || field.canonical in sharedProvenance })),
    conflicts,
    licences,
    materials: guide.materials.map((material) => {
      const use = material.licence;
      const by = use ? satisfied.get(`${use.licenceType}/${use.subject}`) : undefined;
      return by ? { ...material, satisfiedBy: by } : material;
    }),
    missingSources,
    sharedDataSkipped,
    refusedValues,
    autoFill: { filled, total, ratio: total === 0 ? 0 : Math.round((filled / total) * 1000) / 1000 },
    evidence,
    partial: missingSources.some((missing) => missing.kind === 'library-unavailable'),
  };
}

/**
 * A source value as the form will hold it: trimmed before a transform reads it (a code table has no " 男 "), transformed,
 * checked and normalised as a submission will be (NFC, trimmed: an unchanged value still matches its evidence at intake),
 * then checked against the dictionary. `undefined`: blank or not convertible (absent, never invented).
 */
function mappedValue(source: string | undefined, field: { transform?: string }, canonical: string, mappings: Mappings): { value: unknown } | { refused: string } | undefined {
  const raw = source === undefined ? undefined : normalizeText(source);
  if (raw === undefined || raw === '') return undefined;
  let value: unknown = raw;
  try {
    if (field.transform) value = resolveTransform(field.transform, mappings.codeTables)!(raw);
  } catch (error) {
    if (error instanceof TransformError) return undefined;
    throw error;
  }
  if (typeof value === 'string') {
    const text = readText(value, { noMarkup: true });
    if (text.fault !== undefined) return { refused: text.fault };
    value = text.text;
  }
  const refusal = checkFieldValue(canonical, mappings.dictionary.get(canonical)!, value);
  return refusal ? { refused: refusal } : { value };
}
