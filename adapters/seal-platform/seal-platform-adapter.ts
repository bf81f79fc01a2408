/**
 * The seal platform adapter (电子印章平台): lists a department's seals, seals
 * PDFs and asks the platform to verify them. Every answer is validated, and
 * a sealed PDF is verified locally — intact, trusted by the platform CA,
 * signed by the certificate of the seal the platform says it used — before
 * it is handed back: a sealed result is never trusted on the platform's word.
 */
import { X509Certificate } from 'node:crypto';
import type { ValidateFunction } from 'ajv';
import { validationError, type FieldError } from '../../src/errors/index.js';
import type { DocumentSignature, PdfVerification, Seal, SealedPdf, SealPdfRequest, SealService } from '../../src/domain/seal-service.js';
import { createHttpClient, transportError } from '../common/http-client.js';
import { verifyPdfSignatures, type PdfSignatureResult } from '../common/pdf/verify-pdf.js';
import { mapSealStatus, mapSealType } from './map-seal.js';
import { newNonce, signedHeaders } from './request-signing.js';
import {
  PATHS,
  RESULT_CODES,
  fromChinaDateTime,
  validateCaCertificates,
  validateEnvelope,
  validateSealList,
  validateSealResult,
  validateVerification,
  type WireSeal,
} from './seal-platform-api.js';
import { httpStatusError, malformedError, resultCodeError, sealSignatureError } from './seal-platform-error.js';

/** Settings of {@link createSealPlatformAdapter}. */
export interface SealPlatformAdapterSettings {
  /** e.g. `https://eseal.example.gov.cn/gateway`; the platform's paths are appended. */
  baseUrl: string;
  appId: string;
  appSecret: string;
  /** Per-call timeout (ms); default 15 000 (sealing a large document takes a while). */
  timeoutMs?: number;
  /**
   * The platform CA certificates (PEM) that seal certificates must chain to.
   * Default: fetched once from the platform (`/api/v1/ca/certificates`) over
   * the authenticated channel — configure them in production.
   */
  trustAnchorsPem?: readonly string[];
  /** Clock for request timestamps; default the system clock. */
  now?: () => Date;
}

const DEPARTMENT_CODE = /^[a-z0-9]{1,32}$/;
const MAX_REASON_LENGTH = 200;

function fingerprint(pem: string): string | undefined {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return undefined;
  }
}

function toSeal(wire: WireSeal, departmentCode: string): Seal {
  return {
    sealId: wire.sealId,
    name: wire.sealName,
    type: mapSealType(wire.sealType),
    departmentCode,
    status: mapSealStatus(wire.status),
    validFrom: fromChinaDateTime(wire.validStart),
    validUntil: fromChinaDateTime(wire.validEnd),
    picture: { png: Buffer.from(wire.picture.data, 'base64'), widthMm: wire.picture.widthMm, heightMm: wire.picture.heightMm },
    certificatePem: wire.certificate,
  };
}

function toDocumentSignature(local: PdfSignatureResult, seal?: { sealId: string; sealName: string }): DocumentSignature {
  return {
    signerName: local.signerName,
    signerCertificatePem: local.signerCertificatePem,
    signedAt: local.signedAt,
    integrity: local.integrity,
    certificateTrusted: local.certificateTrusted,
    coversWholeDocument: local.coversWholeDocument,
    reason: local.reason,
    sealId: seal?.sealId,
    sealName: seal?.sealName,
  };
}

function checkRequest(request: SealPdfRequest): void {
  const errors: FieldError[] = [];
  if (!DEPARTMENT_CODE.test(request.departmentCode)) errors.push({ pointer: '/departmentCode', message: 'must be a department code (a-z, 0-9)' });
  if (request.sealId !== undefined && !/^[\w-]{1,64}$/.test(request.sealId)) errors.push({ pointer: '/sealId', message: 'must be 1–64 letters, digits, _ or -' });
  if (!(request.pdf instanceof Uint8Array) || request.pdf.length === 0) errors.push({ pointer: '/pdf', message: 'must be a non-empty document' });
  if (!Number.isInteger(request.page) || request.page < 1) errors.push({ pointer: '/page', message: `must be a page number from 1, not ${request.page}` });
  if (!Number.isFinite(request.x) || request.x < 0) errors.push({ pointer: '/x', message: 'must be a non-negative number of points' });
  if (!Number.isFinite(request.y) || request.y < 0) errors.push({ pointer: '/y', message: 'must be a non-negative number of points' });
  if (request.reason.trim() === '' || [...request.reason].length > MAX_REASON_LENGTH) errors.push({ pointer: '/reason', message: `must be 1–${MAX_REASON_LENGTH} characters` });
  if (errors.length > 0) throw validationError(errors);
}

/** Creates the seal platform adapter. No call is made until a method is used. */
export function createSealPlatformAdapter(settings: SealPlatformAdapterSettings): SealService {
  const http = createHttpClient({ baseUrl: settings.baseUrl, timeoutMs: settings.timeoutMs ?? 15_000 });
  const basePath = new URL(settings.baseUrl).pathname.replace(/\/+$/, '');
  const now = settings.now ?? (() => new Date());
  /** department → sealId → certificate fingerprint, from the last listing. */
  const sealCertificates = new Map<string, Map<string, string | undefined>>();
  let anchors: Promise<readonly string[]> | undefined = settings.trustAnchorsPem === undefined ? undefined : Promise.resolve(settings.trustAnchorsPem);

  /** One authenticated call; returns the validated `data` of an envelope whose code is 0 (or one of `acceptCodes`). */
  async function call<T>(operation: string, method: 'GET' | 'POST', path: string, payload: object | undefined, validate: ValidateFunction<T>, acceptCodes: readonly number[] = [RESULT_CODES.ok]): Promise<{ code: number; data: T }> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const headers = {
      ...signedHeaders(settings.appSecret, { appId: settings.appId, timestamp: Math.floor(now().getTime() / 1000), nonce: newNonce(), method, pathAndQuery: basePath + path, body }),
      ...(payload === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    };
    let response;
    try {
      response = await http.request<string>({ method, url: path, headers, ...(payload === undefined ? {} : { data: body }) });
    } catch (error) {
      throw transportError('seal-platform', operation, error);
    }
    const status = response.status;
    let envelope: unknown;
    try {
      envelope = JSON.parse(String(response.data));
    } catch {
      envelope = undefined;
    }
    if (!validateEnvelope(envelope)) {
      if (status < 200 || status >= 300) throw httpStatusError(operation, status);
      throw malformedError(operation, status, 'a body that is not a {code, msg, data} envelope');
    }
    if (!acceptCodes.includes(envelope.code)) throw resultCodeError(operation, envelope.code, envelope.msg, status);
    if (status < 200 || status >= 300) throw httpStatusError(operation, status);
    if (!validate(envelope.data)) {
      const where = (validate.errors ?? []).slice(0, 3).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`).join('; ');
      throw malformedError(operation, status, `data off the wire schema (${where})`);
    }
    return { code: envelope.code, data: envelope.data };
  }

  function trustAnchors(): Promise<readonly string[]> {
    anchors ??= call('caCertificates', 'GET', PATHS.caCertificates, undefined, validateCaCertificates).then(
      ({ data }) => data.certificates,
      (error: unknown) => {
        anchors = undefined; // try again next time
        throw error;
      },
    );
    return anchors;
  }

  async function listSeals(departmentCode: string): Promise<Seal[]> {
    if (!DEPARTMENT_CODE.test(departmentCode)) throw validationError([{ pointer: '/departmentCode', message: 'must be a department code (a-z, 0-9)' }]);
    const { data } = await call('listSeals', 'GET', `${PATHS.seals}?deptCode=${encodeURIComponent(departmentCode)}`, undefined, validateSealList);
    if (data.deptCode !== departmentCode) throw malformedError('listSeals', 200, `seals of department "${data.deptCode}" instead of "${departmentCode}"`);
    const seals = data.seals.map((wire) => toSeal(wire, departmentCode));
    sealCertificates.set(departmentCode, new Map(seals.map((seal) => [seal.sealId, fingerprint(seal.certificatePem)])));
    return seals;
  }

  /** The certificate fingerprint of a department's seal, listing the department's seals when the seal is not known yet. */
  async function expectedCertificate(departmentCode: string, sealId: string): Promise<string | undefined> {
    if (!sealCertificates.get(departmentCode)?.has(sealId)) await listSeals(departmentCode);
    return sealCertificates.get(departmentCode)?.get(sealId);
  }

  async function sealPdf(request: SealPdfRequest): Promise<SealedPdf> {
    checkRequest(request);
    const trusted = await trustAnchors();
    const { data } = await call('sealPdf', 'POST', PATHS.sealPdf, {
      deptCode: request.departmentCode,
      ...(request.sealId === undefined ? {} : { sealId: request.sealId }),
      fileName: 'document.pdf',
      fileData: Buffer.from(request.pdf).toString('base64'),
      page: request.page,
      posX: request.x,
      posY: request.y,
      reason: request.reason,
    }, validateSealResult);
    if (request.sealId !== undefined && data.sealId !== request.sealId) {
      throw sealSignatureError('sealPdf', `sealed with seal ${data.sealId}, not the requested ${request.sealId}`);
    }
    const expected = await expectedCertificate(request.departmentCode, data.sealId);
    if (expected === undefined) throw sealSignatureError('sealPdf', `seal ${data.sealId} is not a seal of department ${request.departmentCode} with a readable certificate`);
    const pdf = Buffer.from(data.fileData, 'base64');
    const verification = verifyPdfSignatures(pdf, trusted);
    if (!verification.valid) throw sealSignatureError('sealPdf', verification.problems.slice(0, 3).join('; '));
    const signature = verification.signatures[verification.signatures.length - 1]!;
    if (fingerprint(signature.signerCertificatePem) !== expected) {
      throw sealSignatureError('sealPdf', `signed by "${signature.signerName}", not by the certificate of seal ${data.sealId}`);
    }
    return { pdf, sealId: data.sealId, sealName: data.sealName, signature: toDocumentSignature(signature, { sealId: data.sealId, sealName: data.sealName }) };
  }

  async function verifyPdf(pdf: Uint8Array): Promise<PdfVerification> {
    if (!(pdf instanceof Uint8Array) || pdf.length === 0) throw validationError([{ pointer: '/pdf', message: 'must be a non-empty document' }]);
    const { code, data } = await call('verifyPdf', 'POST', PATHS.verifyPdf, { fileData: Buffer.from(pdf).toString('base64') }, validateVerification, [RESULT_CODES.ok, RESULT_CODES.verificationFailed]);
    if (data.result !== (code === RESULT_CODES.ok)) throw malformedError('verifyPdf', 200, `result ${String(data.result)} contradicts code ${code}`);
    return {
      valid: data.result,
      problems: data.problems,
      signatures: data.signatures.map((signature) => ({
        signerName: signature.signerName,
        signerCertificatePem: signature.certificate,
        signedAt: signature.signTime === undefined ? undefined : fromChinaDateTime(signature.signTime),
        integrity: signature.integrity,
        certificateTrusted: signature.trusted,
        coversWholeDocument: signature.wholeDocument,
        reason: signature.reason,
        sealId: signature.sealId,
        sealName: signature.sealName,
      })),
    };
  }

  return { listSeals, sealPdf, verifyPdf, caCertificates: trustAnchors };
}
