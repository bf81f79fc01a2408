/** Builds the payload a department receives for a sub-application. */
import type { SubApplicationDelivery } from '../spec/department-channel.js';
import type { Queryable } from '../store/index.js';
import type { ClaimedDelivery } from './delivery-store.js';

interface Row {
  application_id: string; matter_code: string; matter_name: string; department_code: string; form: string; provenance: string;
  results_from: string | null; created_at: number;
}

export async function buildDelivery(db: Queryable, delivery: ClaimedDelivery): Promise<SubApplicationDelivery> {
  const { rows } = await db.query<Row>(
    `SELECT s.application_id, s.matter_code, s.matter_name, s.department_code, s.form, s.provenance, s.results AS results_from, a.created_at
       FROM sub_applications s JOIN applications a ON a.id = s.application_id WHERE s.id = $1`, [delivery.subApplicationId]);
  const row = rows[0];
  if (!row) throw new Error(`sub-application ${delivery.subApplicationId} of delivery ${delivery.id} is missing`);
  const provenance = JSON.parse(row.provenance) as Record<string, { source: string; licenceIdentifier?: string }>;
  const licences = [...new Set(Object.values(provenance).filter((source) => source.source === 'licence').map((source) => source.licenceIdentifier!))];
  const prerequisites = await db.query<{ id: string; matter_code: string; matter_name: string; results: string | null }>(
    `SELECT p.id, p.matter_code, p.matter_name, p.results FROM sub_applications p
      WHERE p.application_id = $1 AND p.status = 'completed' AND p.id <> $2`, [row.application_id, delivery.subApplicationId]);
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
    materials: licences.map((identifier) => ({ name: '电子证照', licenceIdentifier: identifier })),
    ...(prerequisites.rows.length > 0 ? {
      prerequisiteResults: prerequisites.rows.flatMap((prerequisite) => {
        const results = prerequisite.results ? JSON.parse(prerequisite.results) as { name: string; licenceIdentifier?: string }[] : [];
        return results.map((result) => ({
          matterCode: prerequisite.matter_code, subApplicationId: prerequisite.id, name: result.name,
          ...(result.licenceIdentifier ? { licenceIdentifier: result.licenceIdentifier } : {}),
        }));
      }),
    } : {}),
    submittedAt: new Date(Number(row.created_at)).toISOString(),
  };
}
