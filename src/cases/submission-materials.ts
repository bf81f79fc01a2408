/**
 * The materials of a submission (docs/materials.md §5): the platform's
 * `materials` member, keyed by material identity, checked against the
 * scenario's one material list before anything is stored, and resolved into
 * what the application keeps (one row per identity) and what each matter's
 * department receives (its own materials, under its own codes and names).
 *
 * Satisfied without an entry: a material Tongban generates (申请表), one a
 * prerequisite's result supplies, and one a licence stands for when the
 * prefill evidence verified a licence of that type for that person. Any
 * other required material needs an entry: an upload, a licence the prefill
 * verified, a commitment (告知承诺) or a deferral (容缺) where every matter
 * asking for it allows that.
 */
import { randomUUID } from 'node:crypto';
import type { DeliveryMaterial } from '../domain/department-channel.js';
import type { MaterialSatisfaction } from '../domain/materials.js';
import type { FieldError } from '../errors/index.js';
import { CONSENT_METHODS } from '../licences/authorization-request.js';
import type { Mappings } from '../forms/mappings/types.js';
import { materialsOfMatter, materialsOfScenario, type ScenarioMaterial } from '../forms/materials.js';
import type { PrefillEvidence } from '../forms/prefill-evidence.js';
import type { ThemeContext } from '../forms/theme-context.js';
import { placeholders, type Queryable } from '../store/index.js';
import { referencedUploads, type UploadRow } from './referenced-uploads.js';
import { signCompact } from '../trust/jws.js';
import type { Keyring } from '../trust/keyring.js';

export const COMMITMENT_TYP = 'tongban-commitment+jwt';

/** What the platform may give for one material. */
export type SubmittedMaterial =
  | { readonly upload: string }
  | { readonly licence: string }
  | { readonly commitment: { readonly consentMethod: string; readonly committedAt: string } }
  | { readonly deferred: true };

/** One material of the application as stored (application_materials, version 1). */
export interface ApplicationMaterial {
  readonly code: string;
  readonly satisfiedBy: MaterialSatisfaction;
  readonly uploadId?: string;
  readonly file?: { readonly sha256: string; readonly size: number; readonly mediaType: string };
  readonly licenceIdentifier?: string;
  readonly commitment?: { readonly text: string; readonly consentMethod: string; readonly committedAt: string; readonly signature: string };
  readonly deferral?: { readonly days: number };
}

export interface ResolvedMaterials {
  /** Per identity: how the application satisfied it. */
  readonly application: readonly ApplicationMaterial[];
  /** Per matter code: what its department receives (without download links). */
  readonly byMatter: ReadonlyMap<string, DeliveryMaterial[]>;
  /** Uploads the application references (to mark in the intake transaction). */
  readonly uploadIds: readonly string[];
  /** Those of `uploadIds` already referenced when read: never swept from then on, so there is nothing to mark or check. */
  readonly referencedUploadIds: ReadonlySet<string>;
}

const MAX_ENTRIES = 200;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Reads the shape of the `materials` member; faults are listed under `/materials/...`. */
export function readSubmittedMaterials(value: unknown, errors: FieldError[]): Map<string, SubmittedMaterial> {
  const submitted = new Map<string, SubmittedMaterial>();
  if (value === undefined) return submitted;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push({ pointer: '/materials', message: 'must be an object: material identity → { upload } | { licence } | { commitment } | { deferred: true }' });
    return submitted;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_ENTRIES) {
    errors.push({ pointer: '/materials', message: `has more than ${MAX_ENTRIES} members` });
    return submitted;
  }
  for (const [code, entry] of entries) {
    const pointer = `/materials/${code.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    const members = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? Object.keys(entry) : [];
    if (members.length !== 1) {
      errors.push({ pointer, message: 'must be exactly one of { upload }, { licence }, { commitment }, { deferred: true }' });
      continue;
    }
    const record = entry as Record<string, unknown>;
    const [way] = members as [string];
    if (way === 'upload' && typeof record['upload'] === 'string' && /^[0-9a-f-]{36}$/.test(record['upload'])) submitted.set(code, { upload: record['upload'] });
    else if (way === 'licence' && typeof record['licence'] === 'string' && record['licence'].length > 0 && record['licence'].length <= 200) submitted.set(code, { licence: record['licence'] });
    else if (way === 'deferred' && record['deferred'] === true) submitted.set(code, { deferred: true });
    else if (way === 'commitment') {
      const commitment = record['commitment'] as Record<string, unknown> | null;
      const method = commitment?.['consentMethod'];
      const at = commitment?.['committedAt'];
      const faults: FieldError[] = [];
      if (typeof commitment !== 'object' || commitment === null || Array.isArray(commitment)) faults.push({ pointer: `${pointer}/commitment`, message: 'must be an object { consentMethod, committedAt }' });
      else {
        if (typeof method !== 'string' || !(CONSENT_METHODS as readonly string[]).includes(method)) faults.push({ pointer: `${pointer}/commitment/consentMethod`, message: `must be one of ${CONSENT_METHODS.join(', ')}` });
        if (typeof at !== 'string' || !ISO_INSTANT.test(at) || Number.isNaN(Date.parse(at))) faults.push({ pointer: `${pointer}/commitment/committedAt`, message: 'must be an ISO 8601 date-time with an offset' });
        const extra = Object.keys(commitment).filter((key) => key !== 'consentMethod' && key !== 'committedAt');
        if (extra.length > 0) faults.push({ pointer: `${pointer}/commitment/${extra[0]}`, message: 'is not a member of a commitment (the text is the catalogue\'s)' });
      }
      if (faults.length > 0) errors.push(...faults);
      else submitted.set(code, { commitment: { consentMethod: method as string, committedAt: at as string } });
    } else {
      const expected: Record<string, string> = { upload: 'an upload id (UUID) from POST /v1/materials', licence: 'a licence identifier the prefill verified', deferred: 'true' };
      errors.push({ pointer: `${pointer}/${way}`, message: expected[way] ? `must be ${expected[way]}` : 'is not a way to satisfy a material (upload, licence, commitment, deferred)' });
    }
  }
  return submitted;
}

/**
 * The licences the prefill evidence verified: identifier → type and whose (the
 * role of the fields it filled, and of the materials it found it supplies — a
 * verified licence whose values another licence had already filled still
 * stands for its material).
 */
function verifiedLicences(evidence: PrefillEvidence | undefined): Map<string, { licenceType: string; subjects: Set<string> }> {
  const licences = new Map<string, { licenceType: string; subjects: Set<string> }>();
  const add = (identifier: string, licenceType: string, subject: string) => {
    const entry = licences.get(identifier) ?? { licenceType, subjects: new Set<string>() };
    entry.subjects.add(subject);
    licences.set(identifier, entry);
  };
  for (const [canonical, field] of Object.entries(evidence?.fields ?? {})) add(field.licenceIdentifier, field.licenceType, canonical.split('.')[0]!);
  for (const material of Object.values(evidence?.materials ?? {})) add(material.licenceIdentifier, material.licenceType, material.subject);
  return licences;
}

export interface ResolveMaterialsOptions {
  /** Subjects that are another under the answers (`subjectBindings`): their licence materials are that subject's. */
  readonly bound?: ReadonlyMap<string, string>;
  readonly db: Queryable;
  readonly clientId: string;
  readonly keyring: Keyring;
  readonly applicationId: string;
  readonly evidence?: PrefillEvidence;
  readonly now: number;
}

/**
 * Checks the submitted materials against the scenario and resolves them.
 * Every fault is added to `errors` (JSON Pointers under `/materials`);
 * the result is only meaningful when none was added.
 */
export async function resolveMaterials(context: ThemeContext, matterCodes: readonly string[], mappings: Mappings, submitted: ReadonlyMap<string, SubmittedMaterial>,
  options: ResolveMaterialsOptions, errors: FieldError[]): Promise<ResolvedMaterials> {
  const scenario = materialsOfScenario(context, matterCodes, mappings, options.bound);
  const byCode = new Map(scenario.map((material) => [material.code, material]));
  const licences = verifiedLicences(options.evidence);
  const pointerOf = (code: string) => `/materials/${code.replaceAll('~', '~0').replaceAll('/', '~1')}`;
  for (const code of submitted.keys()) {
    if (!byCode.has(code)) errors.push({ pointer: pointerOf(code), message: 'no matter of this scenario asks for this material (see the guide\'s materials)' });
  }

  const uploadIds = [...submitted.values()].flatMap((entry) => ('upload' in entry ? [entry.upload] : []));
  const uploads = new Map<string, UploadRow>();
  // Rows already referenced never change (referenced-uploads.ts): only the others are read.
  const kept = referencedUploads(options.db);
  const unread = [...new Set(uploadIds)].filter((id) => {
    const row = kept.get(id);
    if (row) uploads.set(id, row);
    return !row;
  });
  if (unread.length > 0) {
    const { rows } = await options.db.query<UploadRow>(`SELECT id, client_id, sha256, size, media_type, expires_at, referenced_at FROM material_uploads WHERE id IN (${placeholders(unread.length)})`, unread);
    for (const row of rows) {
      uploads.set(row.id, row);
      kept.remember(row);
    }
  }

  const application: ApplicationMaterial[] = [];
  for (const material of scenario) {
    const pointer = pointerOf(material.code);
    const entry = submitted.get(material.code);
    const resolved = entry === undefined
      ? implicit(material, licences)
      : await explicit(material, entry, pointer, { uploads, licences, options, errors });
    if (resolved) application.push(resolved);
    else if (entry === undefined && material.required) {
      errors.push({ pointer, message: `${material.name} is required: give it as ${material.ways.filter((way) => way !== 'generated' && way !== 'prerequisite').join(', ')}` });
    }
  }

  const satisfied = new Map(application.map((material) => [material.code, material]));
  const byMatter = new Map<string, DeliveryMaterial[]>();
  for (const matterCode of matterCodes) {
    byMatter.set(matterCode, materialsOfMatter(context, matterCode, mappings).flatMap((own): DeliveryMaterial[] => {
      const how = satisfied.get(own.identity);
      const scenarioMaterial = byCode.get(own.identity);
      if (!how || !scenarioMaterial) return [];
      const asked = scenarioMaterial.matters.find((matter) => matter.matterCode === matterCode);
      return [{
        code: own.code, name: own.name, identity: own.identity, form: own.form, required: own.required, satisfiedBy: how.satisfiedBy, version: 1,
        ...(how.licenceIdentifier ? { licenceIdentifier: how.licenceIdentifier } : {}),
        ...(how.file ? { file: { ...how.file } } : {}),
        // Each department gets its own matter's commitment text (the signature covers every matter's).
        ...(how.commitment ? { commitment: { ...how.commitment, text: asked?.commitment?.text ?? how.commitment.text } } : {}),
        ...(how.deferral ? { outstanding: { dueDate: null, days: asked?.deferral?.days ?? how.deferral.days } } : {}),
      }];
    }));
  }
  const referencedUploadIds = new Set([...uploads.values()].filter((row) => row.referenced_at !== null && row.client_id === options.clientId).map((row) => row.id));
  return { application, byMatter, uploadIds, referencedUploadIds };
}

/** A material satisfied without an entry: generated, a prerequisite's result, or a licence the prefill verified. */
function implicit(material: ScenarioMaterial, licences: ReturnType<typeof verifiedLicences>): ApplicationMaterial | undefined {
  if (material.ways.includes('generated')) return { code: material.code, satisfiedBy: 'generated' };
  if (material.ways.includes('prerequisite')) return { code: material.code, satisfiedBy: 'prerequisite' };
  const wanted = material.licence;
  if (wanted) {
    for (const [identifier, licence] of licences) {
      if (licence.licenceType === wanted.licenceType && licence.subjects.has(wanted.subject)) return { code: material.code, satisfiedBy: 'licence', licenceIdentifier: identifier };
    }
  }
  return undefined;
}

async function explicit(material: ScenarioMaterial, entry: SubmittedMaterial, pointer: string,
  context: { uploads: Map<string, UploadRow>; licences: ReturnType<typeof verifiedLicences>; options: ResolveMaterialsOptions; errors: FieldError[] }): Promise<ApplicationMaterial | undefined> {
  const { uploads, licences, options, errors } = context;
  const refuse = (at: string, message: string) => { errors.push({ pointer: at, message }); return undefined; };
  if ('upload' in entry) {
    if (!material.ways.includes('upload')) return refuse(`${pointer}/upload`, `${material.name} is not uploaded: it is ${material.ways.join(' or ')}`);
    const upload = uploads.get(entry.upload);
    if (!upload || upload.client_id !== options.clientId) return refuse(`${pointer}/upload`, `no upload ${entry.upload} of this client`);
    if (upload.referenced_at === null && Number(upload.expires_at) <= options.now) return refuse(`${pointer}/upload`, `upload ${entry.upload} has expired; upload the file again`);
    if (!(material.mediaTypes as readonly string[]).includes(upload.media_type)) return refuse(`${pointer}/upload`, `${material.name} must be ${material.mediaTypes.join(', ')}; upload ${entry.upload} is ${upload.media_type}`);
    return { code: material.code, satisfiedBy: 'upload', uploadId: upload.id, file: { sha256: upload.sha256, size: Number(upload.size), mediaType: upload.media_type } };
  }
  if ('licence' in entry) {
    if (!material.licence) return refuse(`${pointer}/licence`, `no licence stands for ${material.name}`);
    const licence = licences.get(entry.licence);
    if (!licence || licence.licenceType !== material.licence.licenceType) {
      return refuse(`${pointer}/licence`, `licence ${entry.licence} is not a ${material.licence.licenceType} the prefill of this application verified (send its evidenceToken)`);
    }
    return { code: material.code, satisfiedBy: 'licence', licenceIdentifier: entry.licence };
  }
  if ('commitment' in entry) {
    if (!material.commitment) return refuse(`${pointer}/commitment`, `${material.name} does not allow 告知承诺 for every matter asking for it`);
    const { consentMethod, committedAt } = entry.commitment;
    const key = options.keyring.signingKey();
    // Tongban signs what the applicant committed to, so a department can prove it later (a false commitment is reported by event).
    const signature = await signCompact({ alg: key.alg, kid: key.kid, typ: COMMITMENT_TYP }, {
      iss: 'tongban', iat: Math.floor(options.now / 1000), jti: randomUUID(), application: options.applicationId, material: material.code,
      // Every asking matter's own text: each department checks the signature covers the text it received.
      texts: Object.fromEntries(material.matters.map((matter) => [matter.matterCode, matter.commitment?.text ?? material.commitment!.text])),
      consentMethod, committedAt,
    }, key);
    return { code: material.code, satisfiedBy: 'commitment', commitment: { text: material.commitment.text, consentMethod, committedAt, signature } };
  }
  if (!material.deferral) return refuse(`${pointer}/deferred`, `${material.name} does not allow 容缺 for every matter asking for it`);
  return { code: material.code, satisfiedBy: 'deferred', deferral: { days: material.deferral.days } };
}
