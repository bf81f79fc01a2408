/**
 * The licence access, counted: every licence a holder query or file read
 * hands out (or refuses), and every failure, becomes a
 * {@link LicenceFetchEvent} per licence type. Wired in the composition root
 * in place of `LicenceAccess`, so the licence room stays free of metrics.
 */
import { isTongbanError } from '../errors/index.js';
import {
  LicenceAccess, licenceTypeKeyOf, type HolderLicenceRequest, type LicenceAccessOptions, type LicenceFileRequest, type UsedLicence, type UsedLicenceFile,
} from '../licences/index.js';
import { validateLicenceIdentifier } from '../domain/identifiers/licence-identifier.js';
import { isUpstreamError } from '../domain/upstream-error.js';
import type { LicenceFetchEvent } from './metrics.js';

/** The result label of a failure: the error code, refined by the upstream's kind (`UPSTREAM_TIMEOUT`, `UPSTREAM_AUTH`, …). */
export function failureResult(error: unknown): string {
  if (isUpstreamError(error)) return `UPSTREAM_${error.kind.toUpperCase()}`;
  return isTongbanError(error) ? error.code : 'INTERNAL_ERROR';
}

export class MeteredLicenceAccess extends LicenceAccess {
  constructor(options: LicenceAccessOptions, private readonly onFetched: (event: LicenceFetchEvent) => void) {
    super(options);
  }

  override async fetchForHolder(request: HolderLicenceRequest): Promise<UsedLicence[]> {
    const types = [...new Set(request.licenceTypes)];
    let licences: UsedLicence[];
    try {
      licences = await super.fetchForHolder(request);
    } catch (error) {
      for (const licenceType of types) this.onFetched({ action: 'query', licenceType, result: failureResult(error) });
      throw error;
    }
    for (const licenceType of types) {
      const ofType = licences.filter((licence) => licence.licenceType === licenceType);
      const used = ofType.filter((licence) => licence.verification.passed).length;
      if (used > 0) this.onFetched({ action: 'query', licenceType, result: 'used', count: used });
      if (ofType.length > used) this.onFetched({ action: 'query', licenceType, result: 'refused-invalid', count: ofType.length - used });
      if (ofType.length === 0) this.onFetched({ action: 'query', licenceType, result: 'none' });
    }
    return licences;
  }

  override async fetchFile(request: LicenceFileRequest): Promise<UsedLicenceFile> {
    const parsed = validateLicenceIdentifier(request.identifier);
    const licenceType = (parsed.ok ? licenceTypeKeyOf(parsed.typeCode) : undefined) ?? 'unknown';
    try {
      const file = await super.fetchFile(request);
      this.onFetched({ action: 'file', licenceType, result: 'used' });
      return file;
    } catch (error) {
      const result = isTongbanError(error) && error.code === 'LICENCE_NOT_VALID' ? 'refused-invalid' : failureResult(error);
      this.onFetched({ action: 'file', licenceType, result });
      throw error;
    }
  }
}
