/**
 * The library's data operations, as pure handlers over the population: each
 * takes the caller's account and the request's `data` and returns the
 * envelope status, message and data. Transport, tokens, reasons for use and
 * faults are handled around them (licence-library-simulator.ts).
 */
import { LICENCE_TYPES, type LicenceTypeKey } from '../../../src/domain/licence-library.js';
import { HOLDER_TYPE_CODES, STATUS, type WireLicence } from '../licence-library-api.js';
import { LICENCE_FIELDS, type LicenceRecord, type Population } from '../../common/population/index.js';
import { mayRead, type SimulatorAccount } from './access-control.js';
import type { WireLicences } from './wire-licence.js';

export interface Outcome {
  status: number;
  message?: string;
  data?: unknown;
}

const fail = (status: number, message: string): Outcome => ({ status, message });
const NOT_FOUND = fail(STATUS.noMatchingLicence, '未查询到匹配的证照');
const NO_PERMISSION = fail(STATUS.noPermission, '无权限访问该证照');
const text = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

export class DataOperations {
  private readonly byIdentifier = new Map<string, LicenceRecord>();
  private readonly byHolder = new Map<string, LicenceRecord[]>();

  constructor(population: Population, private readonly wire: WireLicences) {
    for (const licence of population.licences) {
      this.byIdentifier.set(licence.identifier, licence);
      const list = this.byHolder.get(licence.holder.code) ?? [];
      list.push(licence);
      this.byHolder.set(licence.holder.code, list);
    }
  }

  /** Keeps a licence issued through the API (issuance.ts): served from now on like the population's. */
  add(licence: LicenceRecord): void {
    this.byIdentifier.set(licence.identifier, licence);
    const list = this.byHolder.get(licence.holder.code) ?? [];
    list.push(licence);
    this.byHolder.set(licence.holder.code, list);
  }

  licence(identifier: string): LicenceRecord | undefined {
    return this.byIdentifier.get(identifier);
  }

  /** `{holderCode, holderTypeCode, certificateTypeCode?: "code,code", useCause}` → `{total, list}`. */
  queryByHolder(account: SimulatorAccount, data: Record<string, unknown>): Outcome & { licences?: WireLicence[] } {
    if (!text(data['holderCode'])) return fail(STATUS.invalidParameters, 'holderCode不能为空');
    const holderType = data['holderTypeCode'];
    if (holderType !== HOLDER_TYPE_CODES.citizen && holderType !== HOLDER_TYPE_CODES.organization) {
      return fail(STATUS.invalidHolderType, `持证主体代码类型不合法：${String(holderType)}`);
    }
    const requested = typeof data['certificateTypeCode'] === 'string' && data['certificateTypeCode'] !== ''
      ? data['certificateTypeCode'].split(',').map((code) => code.trim())
      : undefined;
    if (requested?.some((code) => !mayRead(account, code))) return NO_PERMISSION;
    const found = (this.byHolder.get(data['holderCode']) ?? []).filter((licence) => licence.holder.type === holderType
      && (requested ? requested.includes(LICENCE_TYPES[licence.type].code) : mayRead(account, LICENCE_TYPES[licence.type].code)));
    if (found.length === 0) return NOT_FOUND;
    const licences = found.map((licence) => this.wire.get(licence));
    return { status: STATUS.ok, data: { total: licences.length, list: licences }, licences };
  }

  /** `{certificateIdentifier, useCause}` → the licence. */
  queryByIdentifier(account: SimulatorAccount, data: Record<string, unknown>): Outcome & { licences?: WireLicence[] } {
    const found = this.find(account, data);
    if ('outcome' in found) return found.outcome;
    const licence = this.wire.get(found.licence);
    return { status: STATUS.ok, data: licence, licences: [licence] };
  }

  /** `{certificateIdentifier, certInfo: {key: value}, useCause}` → which submitted fields match (never the stored values). */
  verifyCertInfo(account: SimulatorAccount, data: Record<string, unknown>): Outcome {
    const info = data['certInfo'];
    if (info === null || typeof info !== 'object' || Array.isArray(info) || Object.keys(info).length === 0) {
      return fail(STATUS.invalidParameters, 'certInfo必须是非空对象');
    }
    const found = this.find(account, data);
    if ('outcome' in found) return found.outcome;
    const { surface } = found.licence;
    const items = Object.entries(info as Record<string, unknown>).map(([name, value]) => ({
      name,
      match: (typeof value === 'string' || typeof value === 'number') && surface[name] === String(value).trim(),
    }));
    return { status: STATUS.ok, data: { verifyResult: items.every((item) => item.match), items } };
  }

  /** `{certificateTypeCode}` → the type's surface field definitions. */
  getCertRemarkInfo(_account: SimulatorAccount, data: Record<string, unknown>): Outcome {
    if (!text(data['certificateTypeCode'])) return fail(STATUS.invalidParameters, 'certificateTypeCode不能为空');
    const key = (Object.keys(LICENCE_TYPES) as LicenceTypeKey[]).find((name) => LICENCE_TYPES[name].code === data['certificateTypeCode']);
    if (!key) return fail(STATUS.noMatchingLicence, '未查询到该证照类型');
    const type = LICENCE_TYPES[key];
    return {
      status: STATUS.ok,
      data: {
        certificate_type_name_code: type.code,
        certificate_type_name: type.name,
        remark: LICENCE_FIELDS[key].map((field) => ({ name: field.key, label: field.label, type: field.type, required: field.required })),
      },
    };
  }

  /** Looks a licence up by `certificateIdentifier`, with the account's permission. */
  find(account: SimulatorAccount, data: Record<string, unknown>): { licence: LicenceRecord } | { outcome: Outcome } {
    if (!text(data['certificateIdentifier'])) return { outcome: fail(STATUS.invalidParameters, 'certificateIdentifier不能为空') };
    const licence = this.byIdentifier.get(data['certificateIdentifier']);
    if (!licence) return { outcome: NOT_FOUND };
    if (!mayRead(account, LICENCE_TYPES[licence.type].code)) return { outcome: NO_PERMISSION };
    return { licence };
  }
}
