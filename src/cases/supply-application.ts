/**
 * `POST /v1/applications/{id}/supplements` (docs/materials.md §7, §9): the
 * applicant answers a department's 补正 request, or supplies a deferred (容缺)
 * material, once per Idempotency-Key. In ONE transaction: the materials'
 * next versions (application_materials), the uploads referenced, each
 * concerned sub-application's next version re-opened for its department
 * (reopen-sub-application.ts), the request supplied and its clock resumed.
 *
 * - With a request: every material and field it asks for must be given, and
 *   nothing else (a partial answer would leave the department asking again);
 *   only that department receives the next version.
 * - Without (a deferral): every material named must be outstanding; each
 *   open sub-application whose delivery lists it as deferred receives its next version.
 */
import { createHash } from 'node:crypto';
import { TongbanError, validationError, type FieldError } from '../errors/index.js';
import type { DepartmentFormValue } from '../domain/department-channel.js';
import { checkFieldValue } from '../forms/form-schema.js';
import type { Mappings } from '../forms/mappings/types.js';
import { readTextMember } from '../forms/text-rules.js';
import { resolveTransform, TransformError } from '../forms/transforms.js';
import { lockBlob } from '../materials/material-uploads.js';
import { newId, placeholders, type Queryable, type Store } from '../store/index.js';
import { deliveredMaterials } from './request-supplement.js';
import { materialKey, reopenSubApplication, type NewVersion, type SuppliedFile } from './reopen-sub-application.js';
import { chinaDate } from './working-days.js';

/** The body as read: material key → upload id, canonical field → value. */
export interface Supply {
  subApplicationId?: string;
  materials: Record<string, string>;
  fields: Record<string, unknown>;
}

export interface SupplyAnswer {
  applicationId: string;
  /** The supplement request answered; null for a deferred material supplied. */
  requestId: string | null;
  /** Each sub-application re-opened, with the version its department now receives. */
  subApplications: { id: string; departmentCode: string; version: number; status: string; changedMaterials: string[]; changedFields: string[] }[];
  /** The application's materials supplied, each as its new version. */
  materials: { code: string; version: number; sha256: string }[];
  /** The canonical fields corrected. */
  fields: string[];
}

const KEY_PATTERN = /^[\x21-\x7e]{8,200}$/;
const UPLOAD_ID = /^[\x21-\x7e]{1,128}$/;

/** Checks the shape of a supply (400 naming every pointer at fault). */
export function readSupply(body: unknown, idempotencyKey: string | undefined): Supply {
  const errors: FieldError[] = [];
  if (!idempotencyKey || !KEY_PATTERN.test(idempotencyKey)) errors.push({ pointer: '/headers/idempotency-key', message: 'an Idempotency-Key header of 8–200 visible ASCII characters is required' });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw validationError([...errors, { pointer: '', message: 'body must be an object' }]);
  const value = body as Record<string, unknown>;
  for (const member of Object.keys(value)) if (!['subApplicationId', 'materials', 'fields'].includes(member)) errors.push({ pointer: `/${escape(member)}`, message: 'is not a member of a supply (subApplicationId, materials, fields)' });
  if (value['subApplicationId'] !== undefined && (typeof value['subApplicationId'] !== 'string' || !UPLOAD_ID.test(value['subApplicationId']))) errors.push({ pointer: '/subApplicationId', message: 'must be a sub-application id' });
  const materials: Record<string, string> = {};
  if (value['materials'] !== undefined) {
    if (!isObject(value['materials'])) errors.push({ pointer: '/materials', message: 'must be an object: material identity → { upload }' });
    else for (const [code, entry] of Object.entries(value['materials'])) {
      const upload = isObject(entry) ? entry['upload'] : undefined;
      if (!isObject(entry) || Object.keys(entry).some((key) => key !== 'upload') || typeof upload !== 'string' || !UPLOAD_ID.test(upload)) {
        errors.push({ pointer: `/materials/${escape(code)}`, message: 'must be { "upload": "<upload id>" } (a file handed in through POST /v1/materials)' });
      } else materials[code] = upload;
    }
  }
  const fields: Record<string, unknown> = {};
  if (value['fields'] !== undefined) {
    if (!isObject(value['fields'])) errors.push({ pointer: '/fields', message: 'must be an object: canonical field (group.member) → value' });
    else Object.assign(fields, value['fields']);
  }
  if (Object.keys(materials).length === 0 && Object.keys(fields).length === 0 && !errors.some((error) => error.pointer.startsWith('/materials') || error.pointer.startsWith('/fields'))) {
    errors.push({ pointer: '/materials', message: 'a supply names at least one material or field' });
  }
  if (errors.length > 0) throw validationError(errors);
  return { ...(typeof value['subApplicationId'] === 'string' ? { subApplicationId: value['subApplicationId'] } : {}), materials, fields };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escape(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The digest a retry must match: the application and the body as sent. */
export function supplyDigest(applicationId: string, rawBody: Buffer): string {
  return createHash('sha256').update(applicationId).update('\n').update(rawBody).digest('hex');
}

/** An earlier answer to the same client and key: that answer, or 422 when the request differs. */
export async function findPreviousSupply(db: Queryable, clientId: string, idempotencyKey: string, requestDigest: string): Promise<SupplyAnswer | undefined> {
  const { rows } = await db.query<{ request_digest: string; response: string }>(
    'SELECT request_digest, response FROM supplies WHERE client_id = $1 AND idempotency_key = $2', [clientId, idempotencyKey]);
  const row = rows[0];
  if (!row) return undefined;
  if (row.request_digest !== requestDigest) throw new TongbanError('IDEMPOTENCY_KEY_REUSED', `Idempotency-Key "${idempotencyKey}" was used for a different supply`);
  return JSON.parse(row.response) as SupplyAnswer;
}

interface SubRow { id: string; matter_code: string; department_code: string; status: string; materials: string | null; form: string }
interface RequestRow { id: string; sub_application_id: string; materials: string; fields: string; reason: string; deadline: string; status: string }
interface UploadRow { id: string; client_id: string; sha256: string; size: number | string; media_type: string; expires_at: number | string; referenced_at: number | string | null }

export interface SupplyRequest {
  applicationId: string;
  clientId: string;
  idempotencyKey: string;
  rawBody: Buffer;
}

/**
 * Checks and applies a supply in one transaction (a retry with the same key
 * answers the first answer: `replayed`).
 * @throws TongbanError NOT_FOUND (no such application for this client), VALIDATION_FAILED, SUPPLEMENT_DEADLINE_PASSED,
 *   CONFLICT (nothing to answer, or the request was answered meanwhile), IDEMPOTENCY_KEY_REUSED.
 */
export async function supplyApplication(store: Store, mappings: Mappings, supply: Supply, request: SupplyRequest, now = Date.now()): Promise<{ answer: SupplyAnswer; replayed: boolean }> {
  const digest = supplyDigest(request.applicationId, request.rawBody);
  return store.transaction(async (tx) => {
    const application = await tx.query<{ client_id: string }>('SELECT client_id FROM applications WHERE id = $1', [request.applicationId]);
    if (application.rows[0]?.client_id !== request.clientId) throw new TongbanError('NOT_FOUND', `No application ${request.applicationId}`);
    const previous = await findPreviousSupply(tx, request.clientId, request.idempotencyKey, digest);
    if (previous) return { answer: previous, replayed: true };

    const subs = (await tx.query<SubRow>('SELECT id, matter_code, department_code, status, materials, form FROM sub_applications WHERE application_id = $1 ORDER BY position', [request.applicationId])).rows;
    const open = (await tx.query<RequestRow>(
      `SELECT r.id, r.sub_application_id, r.materials, r.fields, r.reason, r.deadline, r.status FROM supplement_requests r JOIN sub_applications s ON s.id = r.sub_application_id
        WHERE s.application_id = $1 AND r.status IN ('open', 'expired') ORDER BY r.requested_at`, [request.applicationId])).rows;
    const target = chooseTarget(supply, subs, open, chinaDate(new Date(now)));
    const errors: FieldError[] = [];
    const uploads = await checkUploads(tx, store, supply, request.clientId, mappings, now, errors);
    const departmentFields = target.request ? checkFields(supply, target.sub!, target.request, mappings, errors) : {};
    if (errors.length > 0) throw validationError(errors);

    // Each material supplied becomes the application's next version of it.
    const supplied = new Map<string, SuppliedFile>();
    const answerMaterials: SupplyAnswer['materials'] = [];
    for (const [code, uploadId] of Object.entries(supply.materials)) {
      const upload = uploads.get(uploadId)!;
      const latest = await tx.query<{ version: number | null }>('SELECT MAX(version) AS version FROM application_materials WHERE application_id = $1 AND material_code = $2', [request.applicationId, code]);
      const version = Number(latest.rows[0]?.version ?? 0) + 1;
      await tx.query(
        `INSERT INTO application_materials (application_id, material_code, version, satisfied_by, upload_id, sha256, size, media_type, created_at)
         VALUES ($1, $2, $3, 'upload', $4, $5, $6, $7, $8)`,
        [request.applicationId, code, version, upload.id, upload.sha256, Number(upload.size), upload.media_type, now]);
      await tx.query("UPDATE application_materials SET supplied_at = $3 WHERE application_id = $1 AND material_code = $2 AND satisfied_by = 'deferred' AND supplied_at IS NULL",
        [request.applicationId, code, now]);
      await tx.query('UPDATE material_uploads SET referenced_at = COALESCE(referenced_at, $2) WHERE id = $1', [upload.id, now]);
      supplied.set(code, { version, sha256: upload.sha256, size: Number(upload.size), mediaType: upload.media_type });
      answerMaterials.push({ code, version, sha256: upload.sha256 });
    }

    const versions: NewVersion[] = [];
    for (const sub of target.subs) {
      const version = await reopenSubApplication(tx, sub.id, {
        materials: supplied, fields: target.request?.sub_application_id === sub.id ? departmentFields : {},
        ...(target.request ? { request: { id: target.request.id, reason: target.request.reason } } : {}),
      }, now);
      if (!version) throw new TongbanError('CONFLICT', `Sub-application ${sub.id} changed while this supply was applied; read the application and try again`);
      versions.push(version);
    }
    if (target.request) {
      const answered = await tx.query("UPDATE supplement_requests SET status = 'supplied', supplied_at = $2, supply_key = $3, version = $4 WHERE id = $1 AND status = 'open'",
        [target.request.id, now, request.idempotencyKey, versions[0]!.version]);
      if (answered.rowCount === 0) throw new TongbanError('CONFLICT', `Supplement request ${target.request.id} was answered meanwhile`);
    }
    const answer: SupplyAnswer = {
      applicationId: request.applicationId, requestId: target.request?.id ?? null,
      subApplications: versions.map((version) => ({
        id: version.subApplicationId, departmentCode: version.departmentCode, version: version.version, status: version.status,
        changedMaterials: version.changedMaterials, changedFields: version.changedFields,
      })),
      materials: answerMaterials, fields: Object.keys(supply.fields),
    };
    if (target.request) await tx.query('UPDATE supplement_requests SET supply_response = $2 WHERE id = $1', [target.request.id, JSON.stringify(answer)]);
    await tx.query(
      'INSERT INTO supplies (id, application_id, client_id, idempotency_key, request_digest, response, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [newId(now), request.applicationId, request.clientId, request.idempotencyKey, digest, JSON.stringify(answer), now]);
    await tx.query('UPDATE applications SET updated_at = $2 WHERE id = $1', [request.applicationId, now]);
    return { answer, replayed: false };
  });
}

/** Statuses of a sub-application that may still receive a new version. */
const REOPENABLE = new Set(['waiting', 'queued', 'delivered', 'accepted', 'awaiting_supplement', 'failed']);

/**
 * What the supply answers: a named sub-application's open request; without a
 * name, outstanding deferred materials when every material named is one (and
 * no field), else the application's one open request.
 */
function chooseTarget(supply: Supply, subs: SubRow[], requests: RequestRow[], today: string): { request?: RequestRow; sub?: SubRow; subs: SubRow[] } {
  const answer = (request: RequestRow | undefined, pointer: string, what: string) => {
    if (!request) throw validationError([{ pointer, message: `${what} has no open supplement request (补正)` }]);
    if (request.status === 'expired' || request.deadline < today) {
      throw new TongbanError('SUPPLEMENT_DEADLINE_PASSED', `The supplement request's deadline (${request.deadline}) has passed; the department decides on the sub-application as it stands`);
    }
    const sub = subs.find((candidate) => candidate.id === request.sub_application_id)!;
    return { request, sub, subs: [sub] };
  };
  if (supply.subApplicationId !== undefined) {
    if (!subs.some((sub) => sub.id === supply.subApplicationId)) throw validationError([{ pointer: '/subApplicationId', message: 'is not a sub-application of this application' }]);
    return answer(requests.find((request) => request.sub_application_id === supply.subApplicationId), '/subApplicationId', `Sub-application ${supply.subApplicationId}`);
  }
  const codes = Object.keys(supply.materials);
  const deferredIn = (code: string) => subs.filter((sub) => REOPENABLE.has(sub.status)
    && deliveredMaterials(sub).some((material) => materialKey(material) === code && material.satisfiedBy === 'deferred'));
  if (codes.length > 0 && Object.keys(supply.fields).length === 0 && codes.every((code) => deferredIn(code).length > 0)) {
    const concerned = subs.filter((sub) => codes.some((code) => deferredIn(code).includes(sub)));
    return { subs: concerned };
  }
  if (requests.length > 1) throw validationError([{ pointer: '/subApplicationId', message: `name the sub-application whose supplement request this answers (${requests.length} are open)` }]);
  return answer(requests[0], '/materials', 'The application');
}

/** Uploads must exist, be the caller's, unexpired (or already kept by an application), of a type the identity allows. */
async function checkUploads(tx: Queryable, store: Store, supply: Supply, clientId: string, mappings: Mappings, now: number, errors: FieldError[]): Promise<Map<string, UploadRow>> {
  const ids = [...new Set(Object.values(supply.materials))];
  if (ids.length === 0) return new Map();
  const { rows } = await tx.query<UploadRow>(
    `SELECT id, client_id, sha256, size, media_type, expires_at, referenced_at FROM material_uploads WHERE id IN (${placeholders(ids.length)})`, ids);
  const uploads = new Map(rows.map((row) => [row.id, row]));
  for (const [code, uploadId] of Object.entries(supply.materials)) {
    const upload = uploads.get(uploadId);
    const pointer = `/materials/${escape(code)}/upload`;
    if (!upload || upload.client_id !== clientId) errors.push({ pointer, message: `no upload ${uploadId} of this client` });
    else if (upload.referenced_at === null && Number(upload.expires_at) <= now) errors.push({ pointer, message: `upload ${uploadId} has expired; upload the file again` });
    else {
      const allowed = mappings.materials.get(code)?.mediaTypes;
      if (allowed && !allowed.includes(upload.media_type as never)) errors.push({ pointer, message: `${code} may be ${allowed.join(', ')}, not ${upload.media_type}` });
    }
  }
  // Referencing an upload holds its blob's lock: the sweeper never removes a blob an application now names.
  for (const upload of uploads.values()) await lockBlob(tx, store, upload.sha256);
  return uploads;
}

/**
 * The request's materials and fields against the supply: each asked material
 * (the matter's own code, given by its identity) and each asked field (a
 * department field, given by the canonical field it maps from) is given, and
 * nothing unasked. Answers the department fields with their values converted.
 */
function checkFields(supply: Supply, sub: SubRow, request: RequestRow, mappings: Mappings, errors: FieldError[]): Record<string, DepartmentFormValue> {
  const materials = deliveredMaterials(sub);
  const askedMaterials = JSON.parse(request.materials) as string[];
  const askedKeys = new Map(askedMaterials.map((code) => [materialKey(materials.find((material) => material.code === code) ?? { name: '', code })!, code]));
  for (const [key, code] of askedKeys) if (supply.materials[key] === undefined) errors.push({ pointer: `/materials/${escape(key)}`, message: `is asked for (${code}): give { "upload": "<upload id>" }` });
  for (const key of Object.keys(supply.materials)) if (!askedKeys.has(key)) errors.push({ pointer: `/materials/${escape(key)}`, message: 'the supplement request does not ask for it' });

  const asked = new Set(JSON.parse(request.fields) as string[]);
  const mapping = mappings.matters.get(sub.matter_code);
  const converted: Record<string, DepartmentFormValue> = {};
  const covered = new Set<string>();
  for (const [canonical, given] of Object.entries(supply.fields)) {
    const pointer = `/fields/${escape(canonical)}`;
    const targets = (mapping?.fields ?? []).filter((field) => field.canonical === canonical);
    if (targets.length === 0) { errors.push({ pointer, message: `is not a field of ${sub.matter_code}'s form` }); continue; }
    if (!targets.some((field) => asked.has(field.field))) { errors.push({ pointer, message: `the supplement request does not ask for it (it fills ${targets.map((field) => field.field).join(', ')})` }); continue; }
    const value = typeof given === 'string' ? readTextMember(given, pointer, errors, { noMarkup: true, maxLength: 500 }) : given;
    if (value === undefined) continue;
    const spec = mappings.dictionary.get(canonical);
    const refusal = spec ? checkFieldValue(canonical, spec, value) : undefined;
    if (refusal !== undefined) { errors.push({ pointer, message: refusal }); continue; }
    for (const field of targets) {
      try {
        converted[field.field] = (field.transform ? resolveTransform(field.transform, mappings.codeTables)!(value) : value) as DepartmentFormValue;
        covered.add(field.field);
      } catch (error) {
        if (!(error instanceof TransformError)) throw error;
        errors.push({ pointer, message: `${error.message} (field ${field.field})` });
      }
    }
  }
  for (const field of asked) {
    const canonical = mapping?.fields.find((candidate) => candidate.field === field)?.canonical;
    if (covered.has(field) || (canonical !== undefined && canonical in supply.fields)) continue; // given (any fault with it is named already)
    errors.push({ pointer: canonical ? `/fields/${escape(canonical)}` : '/fields', message: `is asked for (department field ${field})` });
  }
  return converted;
}
