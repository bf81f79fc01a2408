/**
 * The guardianship rule with a stand-in licence library and ledger: who is a
 * minor (China calendar date), which 出生医学证明 or 户口簿 pages show a
 * parent, that unverified licences show nothing, and that every licence read
 * is handed to the ledger. The same rule over the real simulators:
 * test/integration/identity/guardianship.test.ts.
 */
import { expect } from 'chai';
import { makeIdNumber } from '../../../src/domain/identifiers/index.js';
import { LICENCE_TYPES, type Licence, type LicenceLibrary, type LicenceQuery } from '../../../src/domain/licence-library.js';
import type { ActingForRequest } from '../../../src/identity/index.js';
import { ageOn, GUARDIANSHIP_AUTHORIZATION, GUARDIANSHIP_USE_CAUSE, libraryGuardianshipCheck } from '../../../src/identity/guardianship.js';
import type { LicenceUseInput } from '../../../src/licences/index.js';
import { testActor } from '../../helpers/actors.js';

const FATHER = makeIdNumber({ areaCode: '441421', birthDate: '1990-03-04', sequence: 13 });
const MOTHER = makeIdNumber({ areaCode: '441421', birthDate: '1992-05-06', sequence: 24 });
const CHILD = makeIdNumber({ areaCode: '441403', birthDate: '2008-12-06', sequence: 68 }); // a girl
const HOUSEHOLD = '441421000123';

function licence(identifier: string, key: 'birthCertificate' | 'householdRegister', holderCode: string, surface: Record<string, string>, passed = true): Licence {
  const type = LICENCE_TYPES[key];
  return {
    identifier, typeCode: type.code, typeName: type.name, number: identifier, holder: { code: holderCode, type: 'citizen', name: '某' }, issuer: { name: '某局', code: 'X' },
    issuedOn: '2009-01-01', validFrom: '2009-01-01', validUntil: null, areaCode: '441400', status: 'valid', surface,
    verification: { identifierCheck: true, status: true, validity: true, dataSignature: passed, passed, problems: passed ? [] : ['bad signature'], checkedAt: '2026-12-01T00:00:00Z' },
  };
}

function setUp(held: Licence[]) {
  const queries: LicenceQuery[] = [];
  const ledgered: LicenceUseInput[] = [];
  const library = {
    async queryByHolder(query: LicenceQuery) {
      queries.push(query);
      return held.filter((item) => item.holder.code === query.holderCode && query.licenceTypes.includes(item.typeCode));
    },
  } as unknown as LicenceLibrary;
  const check = libraryGuardianshipCheck({ library, ledger: { append: async (entries) => { ledgered.push(...entries); return []; } } });
  return { check, queries, ledgered };
}

const request = (at: string, holderCode = CHILD): ActingForRequest => ({
  clientId: 'platform', holder: { code: holderCode, type: 'citizen' }, themeCode: 'MX-T05', licenceTypes: ['residentIdCard'], at: new Date(at),
});
const birthCertificate = (surface: Partial<Record<string, string>> = {}, passed = true) => licence('BC-1', 'birthCertificate', MOTHER, {
  MQSFZJHM: MOTHER, FQSFZJHM: FATHER, CSRQ: '2008-12-06', XB: '女', XSEXM: '张小红', ...surface,
} as Record<string, string>, passed);
const page = (identifier: string, holderCode: string, relation: string, household = HOUSEHOLD) => licence(identifier, 'householdRegister', holderCode, { HH: household, YHZGX: relation, GMSFHM: holderCode });

describe('guardianship', () => {
  it('counts completed years on calendar dates', () => {
    expect(ageOn('2008-12-06', '2026-12-05')).to.equal(17);
    expect(ageOn('2008-12-06', '2026-12-06')).to.equal(18);
    expect(ageOn('2008-02-29', '2026-02-28')).to.equal(17);
    expect(ageOn('2008-02-29', '2026-03-01')).to.equal(18);
  });

  it('shows the mother by the 出生医学证明 she holds, and ledgers the read', async () => {
    const { check, queries, ledgered } = setUp([birthCertificate()]);
    expect(await check(testActor(MOTHER), request('2026-12-05T15:59:00Z'))).to.equal('BC-1'); // 23:59 in China, the day before she turns 18
    expect(queries).to.deep.equal([{ holderCode: MOTHER, holderType: 'citizen', useCause: GUARDIANSHIP_USE_CAUSE, licenceTypes: [LICENCE_TYPES.birthCertificate.code, LICENCE_TYPES.householdRegister.code] }]);
    expect(ledgered).to.have.length(1);
    expect(ledgered[0]).to.deep.include({
      clientId: 'platform', holderCode: MOTHER, licenceIdentifier: 'BC-1', licenceType: 'birthCertificate', themeCode: 'MX-T05', matterCodes: [],
      useCause: GUARDIANSHIP_USE_CAUSE, authorizationId: GUARDIANSHIP_AUTHORIZATION, action: 'verify', outcome: 'used',
    });
    expect(ledgered[0]!.actor).to.deep.include({ idNumber: MOTHER, capacity: 'self' });
  });

  it('reads nothing for a holder who is 18 on the China calendar date', async () => {
    const { check, queries } = setUp([birthCertificate()]);
    expect(await check(testActor(MOTHER), request('2026-12-05T16:00:00Z'))).to.equal(undefined); // 00:00 on 12-06 in China
    expect(queries).to.deep.equal([]);
  });

  it('a certificate for another birth date or sex, or one failing verification, shows nothing (the failing one is ledgered as refused)', async () => {
    for (const surface of [{ CSRQ: '2008-12-07' }, { XB: '男' }, { MQSFZJHM: FATHER, FQSFZJHM: CHILD }]) {
      expect(await setUp([birthCertificate(surface)]).check(testActor(MOTHER), request('2026-01-01T00:00:00Z')), JSON.stringify(surface)).to.equal(undefined);
    }
    const unverified = setUp([birthCertificate({}, false)]);
    expect(await unverified.check(testActor(MOTHER), request('2026-01-01T00:00:00Z'))).to.equal(undefined);
    expect(unverified.ledgered.map((entry) => entry.outcome)).to.deep.equal(['refused-invalid']);
  });

  it('shows the head of the household, or the head\'s spouse, by the 户口簿 pages, with the minor as the head\'s child', async () => {
    for (const relation of ['户主', '妻']) {
      const { check, queries, ledgered } = setUp([page('HR-F', FATHER, relation), page('HR-C', CHILD, '女')]);
      expect(await check(testActor(FATHER), request('2026-01-01T00:00:00Z')), relation).to.equal('HR-C');
      expect(queries.map((query) => query.holderCode)).to.deep.equal([FATHER, CHILD]);
      expect(ledgered.map((entry) => [entry.holderCode, entry.licenceIdentifier, entry.actor?.capacity])).to.deep.equal([[FATHER, 'HR-F', 'self'], [CHILD, 'HR-C', 'guardian']]);
    }
  });

  it('another household, the head\'s parent, or a minor who is not the head\'s child shows nothing', async () => {
    const cases: [Licence[], string][] = [
      [[page('HR-F', FATHER, '户主'), page('HR-C', CHILD, '女', '441421000999')], 'another household'],
      [[page('HR-F', FATHER, '父'), page('HR-C', CHILD, '女')], 'the head\'s father'],
      [[page('HR-F', FATHER, '户主'), page('HR-C', CHILD, '妹')], 'the head\'s sister'],
    ];
    for (const [held, what] of cases) expect(await setUp(held).check(testActor(FATHER), request('2026-01-01T00:00:00Z')), what).to.equal(undefined);
    // Without a page of the person's own as head or spouse, the minor's page is not even read.
    const { check, queries } = setUp([page('HR-F', FATHER, '父'), page('HR-C', CHILD, '女')]);
    await check(testActor(FATHER), request('2026-01-01T00:00:00Z'));
    expect(queries.map((query) => query.holderCode)).to.deep.equal([FATHER]);
  });

  it('a legal-person login or an organisation holder is never a guardian; no library, no guardian', async () => {
    const { check, queries } = setUp([birthCertificate()]);
    expect(await check(testActor(MOTHER, { subjectType: 'legal', creditCode: '91441400MA4UXXXX0X', orgRole: 'agent' }), request('2026-01-01T00:00:00Z'))).to.equal(undefined);
    expect(await check(testActor(MOTHER), { ...request('2026-01-01T00:00:00Z'), holder: { code: '91441400MA4UXXXX0X', type: 'organization' } })).to.equal(undefined);
    expect(queries).to.deep.equal([]);
    const none = libraryGuardianshipCheck({ library: undefined, ledger: { append: async () => [] } });
    expect(await none(testActor(MOTHER), request('2026-01-01T00:00:00Z'))).to.equal(undefined);
  });
});
