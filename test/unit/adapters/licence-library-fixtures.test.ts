/**
 * The recorded answers in adapters/licence-library/fixtures match the wire
 * schemas, map onto licences, and their data signatures verify against the
 * CA they were recorded with (a known-answer vector for data-signature.ts).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { expect } from 'chai';
import type { ValidateFunction } from 'ajv';
import {
  PATHS,
  validateEnvelope,
  validateFileUrlData,
  validateHolderQueryData,
  validateLicence,
  validateRemarkInfoData,
  validateTokenData,
  validateVerifyCertInfoData,
  type WireLicence,
} from '../../../adapters/licence-library/licence-library-api.js';
import { verifyLicenceData } from '../../../adapters/licence-library/data-signature.js';
import { envelopeError } from '../../../adapters/licence-library/licence-library-error.js';
import { mapLicence } from '../../../adapters/licence-library/map-licence.js';

const directory = new URL('../../../adapters/licence-library/fixtures/', import.meta.url);
const anchors = [new X509Certificate(readFileSync(new URL('issuer-ca.pem', directory)))];

interface Fixture {
  request: { path: string; body: unknown };
  response: { head: { status: number; message: string }; data?: unknown };
}

const DATA_SCHEMAS: Record<string, ValidateFunction> = {
  [PATHS.token]: validateTokenData,
  [PATHS.queryByHolder]: validateHolderQueryData,
  [PATHS.queryByIdentifier]: validateLicence,
  [PATHS.verifyCertInfo]: validateVerifyCertInfoData,
  [PATHS.getCertRemarkInfo]: validateRemarkInfoData,
  [PATHS.getFileUrl]: validateFileUrlData,
};

describe('licence library fixtures', () => {
  const files = readdirSync(directory).filter((name) => name.endsWith('.json'));

  it('cover success and the error statuses', () => {
    const statuses = new Set(files.map((name) => (JSON.parse(readFileSync(new URL(name, directory), 'utf8')) as Fixture).response.head.status));
    expect([...statuses].sort((a, b) => a - b)).to.deep.equal([0, 10, 11, 12, 101, 103]);
  });

  for (const name of files) {
    it(`${name} matches the wire contract`, () => {
      const fixture = JSON.parse(readFileSync(new URL(name, directory), 'utf8')) as Fixture;
      expect(validateEnvelope(fixture.response), name).to.equal(true);
      const status = fixture.response.head.status;
      if (status !== 0) {
        expect(envelopeError('fixture', status, fixture.response.head.message).upstreamCode).to.equal(String(status));
        return;
      }
      const validate = DATA_SCHEMAS[fixture.request.path]!;
      expect(validate(fixture.response.data), JSON.stringify(validate.errors)).to.equal(true);
      const licences: WireLicence[] = fixture.request.path === PATHS.queryByHolder
        ? (fixture.response.data as { list: WireLicence[] }).list
        : fixture.request.path === PATHS.queryByIdentifier ? [fixture.response.data as WireLicence] : [];
      for (const licence of licences) {
        expect(mapLicence(licence)).to.be.an('object');
        expect(verifyLicenceData(licence, anchors, new Date('2027-06-01T00:00:00Z')), licence.certificate_identifier).to.deep.equal({ ok: true });
      }
    });
  }
});
