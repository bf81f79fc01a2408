/**
 * A platform's side of one set of materials, for tests: small real files of
 * each allowed type, uploaded through POST /v1/materials, and the
 * `materials` member of a submission that satisfies every required material
 * of a scenario the way its guide says (an upload where one is needed;
 * generated, prerequisite and prefilled-licence materials need no entry).
 */
import type { SigningClient } from '../../src/trust/signing-client.js';

/** A minimal, well-formed PDF whose text is `label` (distinct labels give distinct bytes). */
export function samplePdf(label = 'sample'): Buffer {
  const content = `BT /F1 12 Tf 72 720 Td (${label.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** A tiny JPEG (JFIF header, a comment carrying `label`, end of image): typed by its first bytes like any JPEG. */
export function sampleJpeg(label = 'sample'): Buffer {
  const comment = Buffer.from(label, 'utf8');
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const com = Buffer.concat([Buffer.from([0xff, 0xfe, (comment.length + 2) >> 8, (comment.length + 2) & 0xff]), comment]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, com, Buffer.from([0xff, 0xd9])]);
}

/** The bytes of a sample file of `mediaType` (PDF, JPEG, or a PDF for any other type). */
export function sampleFile(mediaType: string, label: string): Buffer {
  return mediaType === 'image/jpeg' ? sampleJpeg(label) : samplePdf(label);
}

/** Uploads bytes as `mediaType`; resolves with the upload's answer. */
export async function upload(client: SigningClient, bytes: Buffer, mediaType: string): Promise<{ id: string; sha256: string; size: number; mediaType: string }> {
  const answer = await client.request('POST', '/v1/materials', { body: new Uint8Array(bytes), headers: { 'content-type': mediaType } });
  if (answer.status !== 201) throw new Error(`POST /v1/materials answered ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as { id: string; sha256: string; size: number; mediaType: string };
}

/** A guide's material entry, as far as a platform needs it. */
export interface GuideMaterial {
  code: string;
  name: string;
  required: boolean;
  ways: readonly string[];
  mediaTypes: readonly string[];
  deferral?: { days: number };
  commitment?: { text: string };
}

/** The guide's materials of a scenario. */
export async function guideMaterials(client: SigningClient, themeCode: string, answers: unknown = {}): Promise<GuideMaterial[]> {
  const answer = await client.request('POST', `/v1/themes/${themeCode}/guide`, { body: { answers } });
  if (answer.status !== 200) throw new Error(`guide of ${themeCode} answered ${answer.status} ${JSON.stringify(answer.body)}`);
  return (answer.body as { materials: GuideMaterial[] }).materials;
}

/** What a test picks for one material: an entry, `undefined` to upload a file when one is needed, `null` for no entry. */
export type MaterialChoice = (material: GuideMaterial) => Record<string, unknown> | null | undefined;

/**
 * The `materials` member satisfying every required material that needs an
 * entry: one uploaded file each (a JPEG where a PDF is not allowed), unless
 * `choose` picks another way for a material (return undefined to upload).
 */
export async function satisfyMaterials(client: SigningClient, themeCode: string, answers: unknown = {},
  choose: MaterialChoice = () => undefined): Promise<Record<string, Record<string, unknown>>> {
  return satisfyListed(client, await guideMaterials(client, themeCode, answers), themeCode, choose);
}

/**
 * The same, for a material list the test already holds (a guide's, or a
 * prefill's whose `satisfiedBy` materials need no entry); each file's text
 * starts with `label`.
 */
export async function satisfyListed(client: SigningClient, listed: readonly GuideMaterial[], label: string,
  choose: MaterialChoice = () => undefined): Promise<Record<string, Record<string, unknown>>> {
  const materials: Record<string, Record<string, unknown>> = {};
  for (const material of listed) {
    const chosen = choose(material);
    if (chosen === null) continue;
    if (chosen) {
      materials[material.code] = chosen;
      continue;
    }
    if (!material.required || !material.ways.includes('upload')) continue;
    const mediaType = material.mediaTypes.includes('application/pdf') ? 'application/pdf' : material.mediaTypes[0]!;
    materials[material.code] = { upload: (await upload(client, sampleFile(mediaType, `${label} ${material.code} ${material.name}`), mediaType)).id };
  }
  return materials;
}
