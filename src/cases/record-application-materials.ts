/**
 * Stores, in the intake transaction, how the application satisfied each of
 * its materials (application_materials, version 1), and marks the uploads it
 * references: from then on they live as long as the application, whatever
 * their expiry. An upload that expired or was removed between the check and
 * this transaction fails the whole submission (nothing half-written).
 */
import { validationError } from '../errors/index.js';
import type { Queryable } from '../store/index.js';
import type { ResolvedMaterials } from './submission-materials.js';

export async function recordApplicationMaterials(tx: Queryable, applicationId: string, clientId: string, materials: ResolvedMaterials, at: number): Promise<void> {
  const uploads = [...new Set(materials.uploadIds)];
  if (uploads.length > 0) {
    // Only a first reference writes (and locks) the row: a platform naming one upload from many applications must not
    // serialise their intake on it. A referenced row is never swept, so reading it is enough.
    const placeholders = uploads.map((_, index) => `$${index + 4}`).join(', ');
    await tx.query(
      `UPDATE material_uploads SET referenced_at = $1
        WHERE client_id = $2 AND referenced_at IS NULL AND expires_at > $3 AND id IN (${placeholders})`, [at, clientId, at, ...uploads]);
    const { rows: [referenced] } = await tx.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM material_uploads WHERE client_id = $1 AND referenced_at IS NOT NULL AND id IN (${uploads.map((_, index) => `$${index + 2}`).join(', ')})`,
      [clientId, ...uploads]);
    if (Number(referenced!.n) !== uploads.length) throw validationError([{ pointer: '/materials', message: 'an upload expired or was removed while the submission was checked; upload it again' }]);
  }
  for (const material of materials.application) {
    await tx.query(
      `INSERT INTO application_materials (application_id, material_code, version, satisfied_by, upload_id, sha256, size, media_type, licence_identifier, commitment, created_at)
       VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [applicationId, material.code, material.satisfiedBy, material.uploadId ?? null, material.file?.sha256 ?? null, material.file?.size ?? null, material.file?.mediaType ?? null,
        material.licenceIdentifier ?? null, material.commitment ? JSON.stringify(material.commitment) : null, at]);
  }
}
