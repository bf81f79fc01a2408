/**
 * Materials Tongban generates (申请表: the department form rendered as a
 * PDF). They are made when a sub-application is first delivered, off the
 * intake path: deterministic (the same form and submission time give the same
 * bytes), stored in the blob store and recorded once per sub-application and
 * material (generated_files), so every later attempt carries the same file.
 */
import type { DeliveryMaterial, SubApplicationDelivery } from '../domain/department-channel.js';
import type { BlobStore } from '../domain/materials.js';
import type { Store } from '../store/index.js';
import type { DeliveryFiles } from './delivery-files.js';

/** What the renderer draws: a title, one line per form field, the exact data attached. */
export interface GeneratedDocument {
  readonly title: string;
  readonly lines: string[];
  readonly data: object;
  readonly createdAt: Date;
}

export interface GeneratedFilesOptions {
  readonly store: Store;
  readonly blobs: BlobStore;
  /** Renders a document as PDF bytes (the composition root's PDF maker). */
  readonly render: (document: GeneratedDocument) => Promise<Buffer>;
  /** The labels of a matter's form fields (code → label), from the catalogue. */
  readonly labelsOf: (matterCode: string) => Promise<ReadonlyMap<string, string>>;
}

/** Fills in the file of every generated material of a delivery. */
export function createGeneratedFiles(options: GeneratedFilesOptions): DeliveryFiles {
  const { store, blobs } = options;
  return {
    async attach(delivery) {
      const wanting = delivery.materials.filter((material) => material.satisfiedBy === 'generated' && !material.file);
      if (wanting.length === 0) return delivery;
      const { rows } = await store.query<{ material_code: string; sha256: string; size: number | string; media_type: string }>(
        'SELECT material_code, sha256, size, media_type FROM generated_files WHERE sub_application_id = $1', [delivery.subApplicationId]);
      const made = new Map(rows.map((row) => [row.material_code, { sha256: row.sha256, size: Number(row.size), mediaType: row.media_type }]));
      const materials: DeliveryMaterial[] = [];
      for (const material of delivery.materials) {
        if (material.satisfiedBy !== 'generated' || material.file) {
          materials.push(material);
          continue;
        }
        const code = material.code ?? material.identity ?? material.name;
        let file = made.get(code);
        if (!file) {
          file = await generate(delivery, material);
          await store.query(
            `INSERT INTO generated_files (sub_application_id, material_code, sha256, size, media_type, created_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (sub_application_id, material_code) DO NOTHING`, [delivery.subApplicationId, code, file.sha256, file.size, file.mediaType, Date.now()]);
        }
        materials.push({ ...material, file });
      }
      return { ...delivery, materials };
    },
  };

  async function generate(delivery: SubApplicationDelivery, material: DeliveryMaterial) {
    const labels = await options.labelsOf(delivery.matterCode);
    const lines = Object.entries(delivery.form).map(([field, value]) => `${labels.get(field) ?? field}（${field}）：${typeof value === 'string' ? value : JSON.stringify(value)}`);
    const bytes = await options.render({
      title: `${delivery.matterName} ${material.name}`,
      lines,
      data: { applicationId: delivery.applicationId, subApplicationId: delivery.subApplicationId, matterCode: delivery.matterCode, form: delivery.form },
      createdAt: new Date(delivery.submittedAt),
    });
    const stored = await blobs.put((async function* () { yield bytes; })());
    return { sha256: stored.sha256, size: stored.size, mediaType: 'application/pdf' };
  }
}
