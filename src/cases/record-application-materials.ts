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
    const placeholders = uploads.map((_, index) => `$${index + 4}`).join(', ');
    const { rowCount } = await tx.query(
      `UPDATE material_uploads SET referenced_at = COALESCE(referenced_at, $1)
        WHERE client_id = $2 AND (referenced_at IS NOT NULL OR expires_at > $3) AND id IN (${placeholders})`, [at, clientId, at, ...uploads]);
    if (rowCount !== uploads.length) throw validationError([{ pointer: '/materials', message: 'an upload expired or was removed while the submission was checked; upload it again' }]);
  }
  for (const material of materials.application) {
    await tx.query(
      `INSERT INTO application_materials (application_id, material_code, version, satisfied_by, upload_id, sha256, size, media_type, licence_identifier, commitment, created_at)
       VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [applicationId, material.code, material.satisfiedBy, material.uploadId ?? null, material.file?.sha256 ?? null, material.file?.size ?? null, material.file?.mediaType ?? null,
        material.licenceIdentifier ?? null, material.commitment ? JSON.stringify(material.commitment) : null, at]);
  }
}
