/**
 * The simulated platform's endpoints (wire format in ../seal-platform-api.ts):
 * list seals, seal a PDF, verify a PDF, publish the CA certificate.
 */
import { X509Certificate } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { AnswerFault } from '../../common/faults.js';
import { PdfSigningError, type PdfSigningErrorCode } from '../../common/pdf/pdf-signing-error.js';
import { signPdf } from '../../common/pdf/sign-pdf.js';
import { verifyPdfSignatures } from '../../common/pdf/verify-pdf.js';
import { sealStatusCode, sealTypeCode } from '../map-seal.js';
import { PATHS, RESULT_CODES, toChinaDateTime, type WireSeal, type WireSignature } from '../seal-platform-api.js';
import { sendEnvelope } from './envelope.js';
import type { SealRegistry, SimulatedSeal } from './seal-registry.js';

/** What the routes need from the simulator. */
export interface RouteContext {
  registry: SealRegistry;
  caCertificatePem: string;
  areaName: string;
  maxDocumentBytes: number;
  now: () => Date;
  /** Called after every successful sealing. */
  onSealed: (operation: { departmentCode: string; sealId: string; bytes: number; at: Date }) => void;
}

const SIGNING_ERRORS: Record<PdfSigningErrorCode, { code: number; msg: string }> = {
  NOT_A_PDF: { code: RESULT_CODES.notPdf, msg: '文件不是有效的PDF' },
  ENCRYPTED: { code: RESULT_CODES.notPdf, msg: '不支持加密的PDF' },
  ALREADY_SIGNED: { code: RESULT_CODES.alreadySigned, msg: '文件已签章' },
  PAGE_OUT_OF_RANGE: { code: RESULT_CODES.badPosition, msg: '签章页码超出文档范围' },
  POSITION_OUT_OF_PAGE: { code: RESULT_CODES.badPosition, msg: '签章坐标超出页面范围' },
  BAD_STAMP: { code: RESULT_CODES.badPosition, msg: '印模无法绘制' },
  BAD_SIGNER: { code: RESULT_CODES.internalError, msg: '签章证书不可用' },
};

function jsonBody(req: Request): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse((Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)).toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes a base64 document; undefined when it is not base64. */
function decodeFile(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || value.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  return Buffer.from(value, 'base64');
}

/** Flips a hex digit inside the CMS signature value: the file stays a PDF, its signature no longer verifies. */
function corruptSignature(pdf: Buffer): Buffer {
  const copy = Buffer.from(pdf);
  const contents = copy.indexOf('/Contents <', copy.indexOf('/ByteRange [0 '));
  const end = copy.indexOf('>', contents);
  const hex = copy.subarray(contents + 11, end).toString('latin1').replace(/(00)+$/, '');
  const at = contents + 11 + hex.length - 8;
  copy[at] = copy[at] === 0x61 ? 0x62 : 0x61;
  return copy;
}

export function sealPlatformRoutes(context: RouteContext): Router {
  const router = Router();
  const { registry } = context;

  const wireSeal = (seal: SimulatedSeal): WireSeal => ({
    sealId: seal.sealId,
    sealName: seal.name,
    sealType: sealTypeCode(seal.type),
    status: sealStatusCode(registry.effectiveStatus(seal, context.now())),
    validStart: toChinaDateTime(seal.validFrom),
    validEnd: toChinaDateTime(seal.validUntil),
    picture: { format: 'png', data: registry.picture(seal).toString('base64'), widthMm: seal.sizeMm, heightMm: seal.sizeMm },
    certificate: registry.credentialsOf(seal).certificatePem,
  });

  router.get(PATHS.seals, (req: Request, res: Response) => {
    const departmentCode = typeof req.query['deptCode'] === 'string' ? req.query['deptCode'] : '';
    if (departmentCode === '') return sendEnvelope(res, 200, RESULT_CODES.badParameters, '缺少参数 deptCode');
    const seals = registry.sealsOf(departmentCode);
    if (seals === undefined) return sendEnvelope(res, 200, RESULT_CODES.unknownDepartment, `部门不存在: ${departmentCode}`);
    sendEnvelope(res, 200, RESULT_CODES.ok, '成功', { deptCode: departmentCode, seals: seals.map(wireSeal) });
  });

  router.post(PATHS.sealPdf, async (req: Request, res: Response) => {
    const body = jsonBody(req);
    const departmentCode = body?.['deptCode'];
    const { page, posX, posY, reason, sealId } = body ?? {};
    if (typeof departmentCode !== 'string' || !Number.isInteger(page) || typeof posX !== 'number' || typeof posY !== 'number'
      || typeof reason !== 'string' || reason === '' || (sealId !== undefined && typeof sealId !== 'string')) {
      return sendEnvelope(res, 200, RESULT_CODES.badParameters, '参数错误: 需要 deptCode, fileData, page, posX, posY, reason');
    }
    const seals = registry.sealsOf(departmentCode);
    if (seals === undefined) return sendEnvelope(res, 200, RESULT_CODES.unknownDepartment, `部门不存在: ${departmentCode}`);
    const now = context.now();
    let seal: SimulatedSeal | undefined;
    if (sealId !== undefined) {
      seal = seals.find((candidate) => candidate.sealId === sealId);
      if (seal === undefined) return sendEnvelope(res, 200, RESULT_CODES.unknownSeal, `印章不存在或不属于该部门: ${sealId}`);
    } else {
      const usable = seals.filter((candidate) => registry.effectiveStatus(candidate, now) === 'active');
      seal = usable.find((candidate) => candidate.type === 'official') ?? usable[0];
      if (seal === undefined) return sendEnvelope(res, 200, RESULT_CODES.noUsableSeal, '该部门没有可用的印章');
    }
    const status = registry.effectiveStatus(seal, now);
    if (status === 'expired') return sendEnvelope(res, 200, RESULT_CODES.sealExpired, `印章已过期: ${seal.sealId}`);
    if (status !== 'active') return sendEnvelope(res, 200, RESULT_CODES.sealRevoked, `印章已撤销或挂起: ${seal.sealId}`);
    const file = decodeFile(body?.['fileData']);
    if (file === undefined) return sendEnvelope(res, 200, RESULT_CODES.badParameters, '参数错误: fileData 不是 Base64');
    if (file.length > context.maxDocumentBytes) return sendEnvelope(res, 200, RESULT_CODES.documentTooLarge, `文件超过大小限制(${context.maxDocumentBytes}字节)`);
    const credentials = registry.credentialsOf(seal);
    let sealed: Buffer;
    try {
      sealed = await signPdf(file, credentials, {
        reason, location: context.areaName, name: seal.name, signingTime: now,
        stamp: { page: page as number, x: posX, y: posY, sizeMm: seal.sizeMm, text: seal.name, pngImage: registry.picture(seal) },
      });
    } catch (error) {
      if (!(error instanceof PdfSigningError)) throw error;
      const mapped = SIGNING_ERRORS[error.code];
      return sendEnvelope(res, 200, mapped.code, `${mapped.msg}: ${error.message}`);
    }
    context.onSealed({ departmentCode, sealId: seal.sealId, bytes: file.length, at: now });
    if ((res.locals['fault'] as AnswerFault | undefined)?.badSignature) sealed = corruptSignature(sealed);
    sendEnvelope(res, 200, RESULT_CODES.ok, '签章成功', { sealId: seal.sealId, sealName: seal.name, fileData: sealed.toString('base64'), signTime: toChinaDateTime(now) });
  });

  router.post(PATHS.verifyPdf, (req: Request, res: Response) => {
    const file = decodeFile(jsonBody(req)?.['fileData']);
    if (file === undefined) return sendEnvelope(res, 200, RESULT_CODES.badParameters, '参数错误: fileData 不是 Base64');
    if (file.length > context.maxDocumentBytes) return sendEnvelope(res, 200, RESULT_CODES.documentTooLarge, `文件超过大小限制(${context.maxDocumentBytes}字节)`);
    if (file.subarray(0, 1024).indexOf('%PDF-') < 0) return sendEnvelope(res, 200, RESULT_CODES.notPdf, '文件不是有效的PDF');
    const result = verifyPdfSignatures(file, [context.caCertificatePem], { at: context.now() });
    const signatures = result.signatures.map((signature): WireSignature => {
      let seal: SimulatedSeal | undefined;
      try {
        seal = signature.signerCertificatePem === '' ? undefined : registry.bySignerFingerprint(new X509Certificate(signature.signerCertificatePem).fingerprint256);
      } catch {
        seal = undefined;
      }
      return {
        signerName: signature.signerName,
        certificate: signature.signerCertificatePem,
        ...(signature.signedAt === undefined ? {} : { signTime: toChinaDateTime(new Date(signature.signedAt)) }),
        integrity: signature.integrity,
        trusted: signature.certificateTrusted,
        wholeDocument: signature.coversWholeDocument,
        ...(signature.reason === undefined ? {} : { reason: signature.reason }),
        ...(seal === undefined ? {} : { sealId: seal.sealId, sealName: seal.name }),
      };
    });
    const data = { result: result.valid, signatures, problems: result.problems };
    if (result.valid) sendEnvelope(res, 200, RESULT_CODES.ok, '验章通过', data);
    else sendEnvelope(res, 200, RESULT_CODES.verificationFailed, '验章失败', data);
  });

  router.get(PATHS.caCertificates, (_req: Request, res: Response) => {
    sendEnvelope(res, 200, RESULT_CODES.ok, '成功', { certificates: [context.caCertificatePem] });
  });

  return router;
}
