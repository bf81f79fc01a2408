/** Builds the payload a department receives for a sub-application. */
import type { DeliveryMaterial, SubApplicationDelivery } from '../domain/department-channel.js';
import { placeholders, type Queryable } from '../store/index.js';
import type { ClaimedDelivery } from './claimed-delivery.js';

interface Row {
  id: string; application_id: string; matter_code: string; matter_name: string; department_code: string; form: string; provenance: string;
  prerequisites: string; materials: string | null; created_at: number;
  version: number; request_id: string | null; supplement_reason: string | null; changed_materials: string | null; changed_fields: string | null;
}

/** A stored result of a completed sub-application (as the department sent it, documents replaced by their sealed copy's id). */
interface StoredResult { name: string; value?: string; licenceIdentifier?: string; documentId?: string }

const ROW_COLUMNS = 's.id, s.application_id, s.matter_code, s.matter_name, s.department_code, s.form, s.provenance, s.prerequisites, s.materials, a.created_at, '
  + 's.version, v.request_id, v.reason AS supplement_reason, v.changed_materials, v.changed_fields';
/** A later version's row says what it changed (docs/materials.md §7, §9). */
const VERSION_JOIN = 'LEFT JOIN sub_application_versions v ON v.sub_application_id = s.id AND v.version = s.version';

/** The payload of one claimed delivery. */
export async function buildDelivery(db: Queryable, delivery: ClaimedDelivery): Promise<SubApplicationDelivery> {
  const built = await buildDeliveries(db, [delivery]);
  const payload = built.get(delivery.id);
  if (!payload) throw new Error(`sub-application ${delivery.subApplicationId} of delivery ${delivery.id} is missing`);
  return payload;
}

/**
 * The payloads of several claimed deliveries, read with one query (plus one
 * per delivery whose matter has prerequisites). A delivery whose
 * sub-application is missing has no entry.
 */
export async function buildDeliveries(db: Queryable, deliveries: readonly ClaimedDelivery[]): Promise<Map<string, SubApplicationDelivery>> {
  const built = new Map<string, SubApplicationDelivery>();
  if (deliveries.length === 0) return built;
  const { rows } = await db.query<Row>(
    `SELECT ${ROW_COLUMNS} FROM sub_applications s JOIN applications a ON a.id = s.application_id ${VERSION_JOIN} WHERE s.id IN (${placeholders(deliveries.length)})`,
    deliveries.map((delivery) => delivery.subApplicationId));
  const bySubApplication = new Map(rows.map((row) => [row.id, row]));
  for (const delivery of deliveries) {
    const row = bySubApplication.get(delivery.subApplicationId);
    if (row) built.set(delivery.id, await payloadOf(db, delivery, row));
  }
  return built;
}

async function payloadOf(db: Queryable, delivery: ClaimedDelivery, row: Row): Promise<SubApplicationDelivery> {
  const provenance = JSON.parse(row.provenance) as Record<string, { source: string; licenceIdentifier?: string }>;
  const licences = [...new Set(Object.values(provenance).filter((source) => source.source === 'licence').map((source) => source.licenceIdentifier!))];
  // Only this matter's own prerequisites (前置事项): a sibling that completes while this delivery is retried must not
  // change what is sent under the same idempotency key, nor hand the department another matter's results.
  const prerequisiteCodes = new Set(JSON.parse(row.prerequisites) as string[]);
  const completed = prerequisiteCodes.size === 0 ? { rows: [] } : await db.query<{ id: string; matter_code: string; results: string | null }>(
    `SELECT p.id, p.matter_code, p.results FROM sub_applications p
      WHERE p.application_id = $1 AND p.status = 'completed' AND p.id <> $2 ORDER BY p.position`, [row.application_id, delivery.subApplicationId]);
  const prerequisites = completed.rows.filter((prerequisite) => prerequisiteCodes.has(prerequisite.matter_code));
  const form = JSON.parse(row.form) as Record<string, never>;
  return {
    deliveryId: delivery.id,
    idempotencyKey: delivery.idempotencyKey,
    applicationId: row.application_id,
    subApplicationId: delivery.subApplicationId,
    matterCode: row.matter_code,
    matterName: row.matter_name,
    departmentCode: row.department_code,
    form,
    // The matter's own materials as intake (or the latest supplement) fixed them; a sub-application stored before
    // materials were modelled carries the licences its form came from.
    materials: row.materials === null
      ? licences.map((identifier) => ({ name: '电子证照', licenceIdentifier: identifier }))
      : JSON.parse(row.materials) as DeliveryMaterial[],
    ...(prerequisites.length > 0 ? {
      // Results that are materials: a licence, or the sealed document by reference. A plain value (the ID number
      // assigned) is not a material: it already sits in the form field the theme's resultAs names.
      prerequisiteResults: prerequisites.flatMap((prerequisite) => {
        const results = prerequisite.results ? JSON.parse(prerequisite.results) as StoredResult[] : [];
        return results.filter((result) => result.licenceIdentifier !== undefined || result.documentId !== undefined).map((result) => ({
          matterCode: prerequisite.matter_code, subApplicationId: prerequisite.id, name: result.name,
          ...(result.licenceIdentifier !== undefined ? { licenceIdentifier: result.licenceIdentifier } : {}),
          ...(result.documentId !== undefined ? { fileRef: result.documentId } : {}),
        }));
      }),
    } : {}),
    submittedAt: new Date(Number(row.created_at)).toISOString(),
    // Version 1 carries no version member, as before versions existed: a retry of it stays byte-for-byte what it was.
    ...(Number(row.version) > 1 ? {
      version: Number(row.version),
      supplement: {
        ...(row.request_id !== null ? { requestId: row.request_id } : {}),
        ...(row.supplement_reason !== null ? { reason: row.supplement_reason } : {}),
        changedMaterials: JSON.parse(row.changed_materials ?? '[]') as string[],
        changedFields: JSON.parse(row.changed_fields ?? '[]') as string[],
      },
    } : {}),
  };
}
