/**
 * An authorisation, a delegation (帮代办) and a counter code name what a
 * holder lets be used in `licenceTypes`, with the same keys: licence types
 * and shared-data resources, refused alike (pointer and message) when
 * unknown or held by the other kind of holder. Through HTTP:
 * test/integration/shared-data/acting-for-shared-data.test.ts.
 */
import { expect } from 'chai';
import { makeCreditCode, makeIdNumber } from '../../../src/domain/identifiers/index.js';
import type { FieldError } from '../../../src/errors/index.js';
import { TongbanError } from '../../../src/errors/index.js';
import { parseCounterCodeRequest } from '../../../src/identity/counter-code-request.js';
import { parseDelegationRequest } from '../../../src/identity/delegation-request.js';
import { parseAuthorizationRequest } from '../../../src/licences/authorization-request.js';
import { testActor } from '../../helpers/actors.js';

const NOW = new Date('2026-12-06T02:00:00Z');
const HOLDER = makeIdNumber({ areaCode: '441421', birthDate: '1992-05-06', sequence: 24 });
const AGENT = makeIdNumber({ areaCode: '441421', birthDate: '1990-03-04', sequence: 13 });
const CREDIT_CODE = makeCreditCode({ registrationAuthority: '9', category: '1', areaCode: '441403', organizationCode: 'MA5DC0E5' });
const citizen = { code: HOLDER, type: 'citizen' as const };
const enterprise = { code: CREDIT_CODE, type: 'organization' as const };

/** The three parsers, each on a body naming `licenceTypes` for `holder` (otherwise valid). */
const parsers: Record<string, (licenceTypes: string[], holder: typeof citizen | typeof enterprise) => { licenceTypes: readonly string[] }> = {
  authorisation: (licenceTypes, holder) => parseAuthorizationRequest({
    holder, licenceTypes, purpose: { themeCode: 'MX-T30' }, expiresAt: '2027-06-01T00:00:00+08:00', consent: { method: 'sms', at: '2026-12-06T09:00:00+08:00' },
  }, NOW),
  delegation: (licenceTypes, holder) => parseDelegationRequest({
    agent: { type: 'person', idNumber: AGENT, name: '叶斌文' }, themeCodes: ['MX-T30'], licenceTypes, expiresAt: '2027-06-01T00:00:00+08:00',
  }, holder, holder.type === 'citizen' ? holder.code : HOLDER, NOW),
  'counter code': (licenceTypes, holder) => parseCounterCodeRequest({ hallCode: 'meizhou-hall', themeCode: 'MX-T30', licenceTypes, holder }, testActor(HOLDER)),
};

function fieldErrors(parse: () => unknown): FieldError[] {
  try {
    parse();
  } catch (error) {
    expect(error).to.be.instanceOf(TongbanError).and.include({ code: 'VALIDATION_FAILED' });
    return [...(error as TongbanError).errors!];
  }
  return [];
}

describe('licence types and shared-data resources in authorisations, delegations and counter codes', () => {
  for (const [name, parse] of Object.entries(parsers)) {
    it(`a ${name} names shared-data resources beside licence types`, () => {
      expect(parse(['residentIdCard', 'householdRegistration', 'socialInsuranceEnrolment'], citizen).licenceTypes)
        .to.deep.equal(['residentIdCard', 'householdRegistration', 'socialInsuranceEnrolment']);
    });
  }

  it('refuses the same keys with the same pointers and messages in all three', () => {
    const forCitizen = Object.values(parsers).map((parse) => fieldErrors(() => parse(['residentIdCard', 'passport', 'businessLicence'], citizen)));
    expect(forCitizen[0]!.map((error) => error.pointer)).to.deep.equal(['/licenceTypes/1', '/licenceTypes/2']);
    expect(forCitizen[0]![0]!.message).to.match(/^unknown licence type or shared-data resource "passport" \(known: .*householdRegistration/);
    expect(forCitizen[1]).to.deep.equal(forCitizen[0]);
    expect(forCitizen[2]).to.deep.equal(forCitizen[0]);

    // Every resource is kept per citizen: an enterprise names none.
    const forEnterprise = Object.values(parsers).map((parse) => fieldErrors(() => parse(['businessLicence', 'providentFundAccount'], enterprise)));
    expect(forEnterprise[0]).to.deep.equal([{ pointer: '/licenceTypes/1', message: '住房公积金账户信息 (providentFundAccount) is held by citizens, not by a holder of type organization' }]);
    expect(forEnterprise[1]).to.deep.equal(forEnterprise[0]);
    expect(forEnterprise[2]).to.deep.equal(forEnterprise[0]);
  });
});
