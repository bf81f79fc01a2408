/**
 * The issuer of a licence as Tongban reports it in provenance. The holders
 * of the scenarios are picked with the population's PopulationIndex
 * (adapters/common/population/population-index.ts), which
 * `tongban demo` shares.
 */
import { ISSUERS, type LicenceRecord } from '../../adapters/common/population/index.js';

/** The issuer of a licence as Tongban reports it in provenance. */
export function issuerOf(licence: LicenceRecord): { name: string; code: string } {
  const issuer = ISSUERS[licence.issuer];
  return { name: issuer.name, code: issuer.creditCode };
}
