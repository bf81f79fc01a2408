/**
 * Result documents (办结结果) a department returns are sealed through the
 * e-seal platform with that department's seal before Tongban keeps or passes
 * them on: the applicant receives a document whose PDF signature any reader
 * (pdfsig, Acrobat) can check.
 */
import { randomUUID } from 'node:crypto';
import { TongbanError, validationError } from '../errors/index.js';
import type { SealService } from '../domain/seal-service.js';
import type { DepartmentEventInput, SealedDocument } from './department-event.js';

const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/**
 * Seals every `documentBase64` result and replaces it by a `documentId`.
 * @throws TongbanError SERVICE_UNAVAILABLE when documents arrive but no seal platform is configured (the department retries the event later).
 */
export async function sealResultDocuments(sealService: SealService | undefined, departmentCode: string, event: DepartmentEventInput): Promise<{ event: DepartmentEventInput; documents: SealedDocument[] }> {
  const results = event.results ?? [];
  if (!results.some((result) => result.documentBase64 !== undefined)) return { event, documents: [] };
  if (!sealService) throw new TongbanError('SERVICE_UNAVAILABLE', 'Result documents cannot be sealed: no e-seal platform is configured (TONGBAN_SEAL_PLATFORM_URL)');
  const documents: SealedDocument[] = [];
  const sealed = [];
  for (const [index, result] of results.entries()) {
    if (result.documentBase64 === undefined) {
      sealed.push(result);
      continue;
    }
    const pdf = Buffer.from(result.documentBase64, 'base64');
    if (pdf.length === 0 || pdf.length > MAX_DOCUMENT_BYTES || pdf.subarray(0, 5).toString('latin1') !== '%PDF-') {
      throw validationError([{ pointer: `/results/${index}/documentBase64`, message: `must be a base64 PDF of at most ${MAX_DOCUMENT_BYTES} bytes` }]);
    }
    const seal = await sealService.sealPdf({ departmentCode, pdf, page: 1, x: 450, y: 120, reason: `依申请出具办理结果：${result.name}`.slice(0, 100) });
    const id = randomUUID();
    documents.push({ id, name: result.name, pdf: seal.pdf, sealId: seal.sealId });
    const { documentBase64: _omitted, ...rest } = result;
    sealed.push({ ...rest, documentId: id, sealId: seal.sealId, sealName: seal.sealName });
  }
  return { event: { ...event, results: sealed }, documents };
}
