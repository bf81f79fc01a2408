import { expect } from 'chai';
import { TongbanError } from '../../../src/errors/index.js';
import { parseAuthorizationRequest } from '../../../src/licences/index.js';
import { makeCreditCode } from '../../../src/domain/identifiers/index.js';

const CREDIT_CODE = makeCreditCode({ registrationAuthority: '9', category: '1', areaCode: '441403', organizationCode: 'MA5DC0E5' });

const NOW = new Date('2026-11-24T02:00:00Z');
const body = (overrides: Record<string, unknown> = {}) => ({
  holder: { code: '44142119990620338X', type: 'citizen' },
  licenceTypes: ['residentIdCard', 'birthCertificate'],
  purpose: { themeCode: 'MX-T05' },
  expiresAt: '2027-05-24T00:00:00+08:00',
  consent: { method: 'sms', at: '2026-11-24T08:00:00+08:00' },
  ...overrides,
});

function pointers(input: unknown): string[] {
  try {
    parseAuthorizationRequest(input, NOW);
  } catch (error) {
    expect(error).to.be.instanceOf(TongbanError).and.include({ code: 'VALIDATION_FAILED' });
    return (error as TongbanError).errors!.map((field) => field.pointer);
  }
  return [];
}

describe('authorisation request validation', () => {
  it('accepts a valid request and normalises defaults', () => {
    const request = parseAuthorizationRequest(body(), NOW);
    expect(request.purpose).to.deep.equal({ themeCode: 'MX-T05', matterCodes: [], description: null });
    expect(request.expiresAt.toISOString()).to.equal('2027-05-23T16:00:00.000Z');
    expect(request.consent.at.toISOString()).to.equal('2026-11-24T00:00:00.000Z');
  });

  it('accepts a Hong Kong, Macao or Taiwan residence permit as a citizen holder code', () => {
    for (const code of ['830000199001011234', '810000198506150020', '820000200002290072']) {
      expect(pointers(body({ holder: { code, type: 'citizen' } })), code).to.deep.equal([]);
    }
  });

  it('refuses an organisation whose credit code has positions 1–2 that GB 32100 does not issue', () => {
    const refused = '94350100M000100Y4R'; // check character right, category 4 unknown under 工商 (9)
    expect(pointers(body({ holder: { code: refused, type: 'organization' }, licenceTypes: ['businessLicence'] }))).to.deep.equal(['/holder/code']);
  });

  it('accepts an organisation with a valid credit code and organisation licence types', () => {
    expect(pointers(body({ holder: { code: CREDIT_CODE, type: 'organization' }, licenceTypes: ['businessLicence'] }))).to.deep.equal([]);
  });

  const cases: [string, unknown, string[]][] = [
    ['not an object', 'yes', ['/']],
    ['missing members', {}, ['/holder', '/licenceTypes', '/purpose', '/expiresAt', '/consent']],
    ['a wrong check character', body({ holder: { code: '441421199906203381', type: 'citizen' } }), ['/holder/code']],
    ['an ID number for an organisation', body({ holder: { code: '44142119990620338X', type: 'organization' }, licenceTypes: ['businessLicence'] }), ['/holder/code']],
    ['an unknown and a misfitting type', body({ licenceTypes: ['passport', 'businessLicence'] }), ['/licenceTypes/0', '/licenceTypes/1']],
    ['no licence type', body({ licenceTypes: [] }), ['/licenceTypes']],
    ['duplicate licence types', body({ licenceTypes: ['residentIdCard', 'residentIdCard'] }), ['/licenceTypes']],
    ['a bad theme code', body({ purpose: { themeCode: 'MX T05' } }), ['/purpose/themeCode']],
    ['an over-long description', body({ purpose: { themeCode: 'MX-T05', description: '字'.repeat(201) } }), ['/purpose/description']],
    ['a blank description', body({ purpose: { themeCode: 'MX-T05', description: ' \u3000 ' } }), ['/purpose/description']],
    ['a description with a line break', body({ purpose: { themeCode: 'MX-T05', description: '办理\n出生' } }), ['/purpose/description']],
    ['a description with a RIGHT-TO-LEFT OVERRIDE', body({ purpose: { themeCode: 'MX-T05', description: '办理\u202e生出' } }), ['/purpose/description']],
    ['a description with an unpaired surrogate', body({ purpose: { themeCode: 'MX-T05', description: '办理\udc00' } }), ['/purpose/description']],
    ['a description with a noncharacter', body({ purpose: { themeCode: 'MX-T05', description: '办理\ufdd0' } }), ['/purpose/description']],
    ['an expiry in the past', body({ expiresAt: '2026-11-24T09:00:00+08:00' }), ['/expiresAt']],
    ['an expiry more than a year ahead', body({ expiresAt: '2027-11-24T02:00:01Z' }), ['/expiresAt']],
    ['an expiry without a time zone', body({ expiresAt: '2027-01-01T00:00:00' }), ['/expiresAt']],
    ['an unknown consent method', body({ consent: { method: 'nod', at: '2026-11-24T01:00:00Z' } }), ['/consent/method']],
    ['a consent in the future', body({ consent: { method: 'counter', at: '2026-11-24T03:00:00Z' } }), ['/consent/at']],
    ['an unknown member', body({ scope: 'all' }), ['/scope']],
  ];
  for (const [name, input, expected] of cases) it(`names ${expected.join(', ')} for ${name}`, () => expect(pointers(input)).to.deep.equal(expected));

  it('keeps the description normalised: NFC, trimmed', () => {
    expect(parseAuthorizationRequest(body({ purpose: { themeCode: 'MX-T05', description: ' 婴儿出生一件事 Zoe\u0301\u3000' } }), NOW).purpose.description).to.equal('婴儿出生一件事 Zoé');
  });

  it('accepts an expiry exactly one year ahead', () => {
    expect(pointers(body({ expiresAt: '2027-11-24T02:00:00Z' }))).to.deep.equal([]);
  });
});
