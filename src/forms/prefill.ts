/**
 * Prefill (预填): fetch the applicant's verified licences — only the types the
 * scenario's matters declare, only under a covering authorisation — map them
 * onto the merged form, and say where every value came from.
 */
import type { Licence } from '../domain/licence-library.js';
import { licenceTypeByCode, LICENCE_TYPES, type LicenceHolderType } from '../domain/licence-library.js';
import { isUpstreamError } from '../domain/upstream-error.js';
import { validationError, type FieldError } from '../errors/index.js';
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
}

export interface PrefillResult {
  theme: Guide['theme'];
  answers: Guide['answers'];
  matters: Guide['matters'];
  form: Record<string, Record<string, unknown>>;
  provenance: Record<string, Provenance>;
  /** Every merged-form field, filled or not, in order. */
  fields: { canonical: string; label: string; required: boolean; filled: boolean }[];
  conflicts: { canonical: string; kept: { value: unknown; licenceIdentifier: string }; other: { value: unknown; licenceIdentifier: string } }[];
  licences: { identifier: string; licenceType: string; name: string; subject: string; status: string; used: boolean; problems: readonly string[] }[];
  /** The guide's materials; `satisfiedBy`: the identifier of the verified licence that supplies one. */
  materials: (ScenarioMaterial & { satisfiedBy?: string })[];
  /**
   * Licence sources not read; their fields stay empty (never invented).
   * `holder-not-given`: the platform named no holder for the subject (e.g. a newborn not registered yet);
   * `library-unavailable`: the licence library failed — prefill again later.
   */
  missingSources: { subject: string; licenceTypes: string[]; kind: 'holder-not-given' | 'library-unavailable'; reason: string }[];
  /** Licence values the dictionary refuses (e.g. a vehicle class the forms cannot express): left for the applicant. */
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

export async function prefill(context: ThemeContext, request: PrefillRequest, mappings: Mappings, fetchLicences: FetchLicences): Promise<PrefillResult> {
  const guide = buildGuide(context, request.answers, mappings);
  const codes = guide.matters.map((matter) => matter.code);
  const merged = deriveMergedForm(context, applicableMatters(context.mapping, guide.answers), mappings);
  const wanted = new Set(merged.fields.map((field) => field.canonical));
  const unknownSubjects = Object.keys(request.holders).filter((subject) => !guide.licences.some((use) => use.subject === subject));
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
        // Trimmed before a transform reads it too (a code table has no " 男 "); blank is absent, never invented.
        const raw = licence.surface[field.surface] === undefined ? undefined : normalizeText(licence.surface[field.surface]!);
        if (!wanted.has(canonical) || raw === undefined || raw === '') continue;
        let value: unknown = raw;
        try {
          if (field.transform) value = resolveTransform(field.transform, mappings.codeTables)!(raw);
        } catch (error) {
          if (error instanceof TransformError) continue;
          throw error;
        }
        if (typeof value === 'string') {
          // Checked and normalised as a submission will be (NFC, trimmed): an unchanged value still matches its evidence at intake.
          const text = readText(value, { noMarkup: true });
          if (text.fault !== undefined) {
            refusedValues.push({ canonical, licenceIdentifier: licence.identifier, reason: text.fault });
            continue;
          }
          value = text.text;
        }
        const refusal = checkFieldValue(canonical, mappings.dictionary.get(canonical)!, value);
        if (refusal) {
          refusedValues.push({ canonical, licenceIdentifier: licence.identifier, reason: refusal });
          continue;
        }
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

  const filled = Object.keys(provenance).length;
  const total = merged.fields.length;
  return {
    theme: guide.theme,
    answers: guide.answers,
    matters: guide.matters,
    form,
    provenance,
    fields: merged.fields.map((field) => ({ canonical: field.canonical, label: field.spec.label, required: field.required, filled: field.canonical in provenance })),
    conflicts,
    licences,
    materials: guide.materials.map((material) => {
      const use = material.licence;
      const by = use ? satisfied.get(`${use.licenceType}/${use.subject}`) : undefined;
      return by ? { ...material, satisfiedBy: by } : material;
    }),
    missingSources,
    refusedValues,
    autoFill: { filled, total, ratio: total === 0 ? 0 : Math.round((filled / total) * 1000) / 1000 },
    evidence,
    partial: missingSources.some((missing) => missing.kind === 'library-unavailable'),
  };
}
