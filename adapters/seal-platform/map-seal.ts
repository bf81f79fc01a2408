/**
 * Translation tables between the seal platform's codes and Tongban's terms.
 * Codes the tables do not know map to the explicit default (`other`), so a
 * new code on the platform never crashes the adapter or passes as active.
 */
import type { SealStatus, SealType } from '../../src/domain/seal-service.js';

/** 印章类型 codes (GB/T 38540 seal kinds, numbered as provincial platforms do). */
export const SEAL_TYPES: Readonly<Record<string, SealType>> = {
  '01': 'official', // 法定名称章 (公章)
  '02': 'finance', // 财务专用章
  '03': 'invoice', // 发票专用章
  '04': 'contract', // 合同专用章
  '05': 'business', // 业务专用章
  '06': 'personal', // 个人名章
};

/** 印章状态 codes. */
export const SEAL_STATUSES: Readonly<Record<string, SealStatus>> = {
  '01': 'active', // 正常
  '02': 'suspended', // 挂起 (挂失)
  '03': 'revoked', // 已撤销 (注销)
  '04': 'expired', // 已过期
};

export const DEFAULT_SEAL_TYPE: SealType = 'other';
export const DEFAULT_SEAL_STATUS: SealStatus = 'other';

export function mapSealType(code: string): SealType {
  return SEAL_TYPES[code] ?? DEFAULT_SEAL_TYPE;
}

export function mapSealStatus(code: string): SealStatus {
  return SEAL_STATUSES[code] ?? DEFAULT_SEAL_STATUS;
}

/** The wire code of a seal type or status (for the simulator). */
export function sealTypeCode(type: SealType): string {
  return Object.entries(SEAL_TYPES).find(([, value]) => value === type)?.[0] ?? '99';
}

export function sealStatusCode(status: SealStatus): string {
  return Object.entries(SEAL_STATUSES).find(([, value]) => value === status)?.[0] ?? '99';
}
