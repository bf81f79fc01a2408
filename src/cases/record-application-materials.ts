/**
 * Stores, in the intake transaction, how the application satisfied each of
 * its materials (application_materials, version 1), and marks the uploads it
 * references: from then on they live as long as the application, whatever
 * their expiry. An upload that expired or was removed between the check and
 * this transaction fails the whole submission (nothing half-written).
 */
import { validationError } from '../errors/index.js';
import { failedAssertion, placeholders, pipelined, valuesList, type Queryable } from '../store/index.js';
import type { ResolvedMaterials } from './submission-materials.js';

export async function recordApplicationMaterials(tx: Queryable, applicationId: string, clientId: string, materials: ResolvedMaterials, at: number): Promise<void> {
  // An upload already referenced when the submission was checked is never swept: only the others are marked and checked.
  const uploads = [...new Set(materials.uploadIds)].filter((id) => !materials.referencedUploadIds.has(id));
  const values = materials.application.length === 0 ? undefined : valuesList(materials.application.map((material) => [
    applicationId, material.code, 1, material.satisfiedBy, material.uploadId ?? null, material.file?.sha256 ?? null, material.file?.size ?? null, material.file?.mediaType ?? null,
    material.licenceIdentifier ?? null, material.commitment ? JSON.stringify(material.commitment) : null, at]));
  await pipelined([
    // Only a first reference writes (and locks) the row: a platform naming one upload from many applications must not
    // serialise their intake on it. A referenced row is never swept, so reading it is enough.
    uploads.length > 0 ? tx.query(
      `UPDATE material_uploads SET referenced_at = $1
        WHERE client_id = $2 AND referenced_at IS NULL AND expires_at > $3 AND id IN (${placeholders(uploads.length, 4)})`, [at, clientId, at, ...uploads]) : undefined,
    // Every upload is referenced now — by this application or another (fine) — unless one expired or was removed since the
    // check. Asserted in SQL, right behind the marking: the transaction can then be sent with its COMMIT (store.ts).
    uploads.length > 0 ? tx.query(
      `SELECT tongban_assert((SELECT COUNT(*) FROM material_uploads WHERE client_id = $1 AND referenced_at IS NOT NULL AND id IN (${placeholders(uploads.length, 3)})) = ${uploads.length}, $2)`,
      [clientId, UPLOAD_GONE, ...uploads]).catch((error: unknown) => {
      if (!failedAssertion(error, UPLOAD_GONE)) throw error;
      throw validationError([{ pointer: '/materials', message: 'an upload expired or was removed while the submission was checked; upload it again' }]);
    }) : undefined,
    values && tx.query(
      `INSERT INTO application_materials (application_id, material_code, version, satisfied_by, upload_id, sha256, size, media_type, licence_identifier, commitment, created_at)
       VALUES ${values.sql}`, values.params),
  ]);
}

/** The reason of the assertion that every upload named is referenced. */
const UPLOAD_GONE = 'upload expired or removed during intake';
