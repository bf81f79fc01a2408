/**
 * Status changes after issue, so the library holds what a real one holds:
 * most licences valid (01), some suspended (02, 暂扣 driving licences), some
 * revoked (03), some expired — marked 05 by the issuer, or still 01 with a
 * validity end in the past because the issuer never updated the status.
 */
import type { Context } from './context.js';
import type { LicenceRecord, LicenceStatusCode } from './model.js';
import type { LicenceTypeKey } from '../../../src/domain/licence-library.js';

/** How many licences of a type get a status (taken among those still 01 and not expired). */
const CHANGES: readonly (readonly [LicenceTypeKey, LicenceStatusCode, number])[] = [
  ['drivingLicence', '02', 2],
  ['drivingLicence', '03', 2],
  ['marriageCertificate', '03', 1],
  ['disabilityCertificate', '03', 1],
  ['employmentCertificate', '04', 1],
  ['roadTransportQualification', '03', 1],
];

export function applyStatusChanges(context: Context): void {
  const { tools, asOf } = context;
  const expired = (licence: LicenceRecord) => licence.validUntil !== null && licence.validUntil < asOf;
  for (const licence of context.licences) {
    if (licence.status === '01' && expired(licence) && tools.chance(0.6)) licence.status = '05';
  }
  for (const [type, status, count] of CHANGES) {
    const candidates = context.licences.filter((licence) => licence.type === type && licence.status === '01' && !expired(licence));
    for (let index = 0; index < count && candidates.length > 0; index++) {
      const chosen = candidates.splice(tools.int(0, candidates.length - 1), 1)[0]!;
      chosen.status = status;
    }
  }
}
