import { expect } from 'chai';
import { TongbanError } from '../../../src/errors/index.js';
import { checkUseCause, useCauseFromRequest } from '../../../src/licences/index.js';

function messageOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return error instanceof TongbanError ? error.code : 'not a TongbanError';
  }
  return undefined;
}

describe('reason for use (用证事由)', () => {
  it('takes the reason from the signed query parameter', () => {
    expect(useCauseFromRequest('婴儿出生一件事：预填出生登记表', undefined)).to.equal('婴儿出生一件事：预填出生登记表');
    expect(useCauseFromRequest('plain ASCII reason', undefined)).to.equal('plain ASCII reason');
  });

  it('accepts the former header only beside the parameter, and only when both say the same', () => {
    expect(useCauseFromRequest('核验身份', encodeURIComponent('核验身份'))).to.equal('核验身份');
    expect(codeOf(() => useCauseFromRequest('核验身份', encodeURIComponent('其他事由')))).to.equal('USE_CAUSE_REQUIRED');
    expect(codeOf(() => useCauseFromRequest('核验身份', '%E4%B8'))).to.equal('USE_CAUSE_REQUIRED');
  });

  it('names the signed parameter when the reason is missing; a blank one is refused whatever carried it', () => {
    expect(messageOf(() => useCauseFromRequest(undefined, undefined))).to.match(/query parameter useCause/);
    expect(messageOf(() => checkUseCause('  '))).to.equal('A reason for use (用证事由) is required: 1–200 characters, not blank');
  });

  it('refuses the unsigned header on its own, saying where the reason belongs', () => {
    expect(messageOf(() => useCauseFromRequest(undefined, encodeURIComponent('核验身份')))).to.match(/not covered by the request signature/).and.to.match(/useCause/);
  });

  it('counts characters, not bytes or UTF-16 units: 200 are allowed, 201 are not', () => {
    expect(checkUseCause('事'.repeat(200))).to.have.length(200);
    expect(checkUseCause('𠀀'.repeat(200))).to.have.length(400); // 200 characters outside the BMP
    expect(codeOf(() => checkUseCause('事'.repeat(201)))).to.equal('USE_CAUSE_REQUIRED');
  });

  it('is kept normalised (NFC, trimmed), so the ledger and the licence library get the same text for the same reason', () => {
    expect(checkUseCause(' 核验身份 Zoe\u0301\u3000')).to.equal('核验身份 Zoé');
    expect(useCauseFromRequest(' 核验身份 ', encodeURIComponent('核验身份'))).to.equal('核验身份');
    expect(messageOf(() => checkUseCause('核验\u202e身份'))).to.match(/bidirectional/);
  });

  const refused: [string, () => unknown][] = [
    ['a missing reason', () => useCauseFromRequest(undefined, undefined)],
    ['an empty reason', () => useCauseFromRequest('', undefined)],
    ['white space only', () => useCauseFromRequest('  ', undefined)],
    ['a control character', () => useCauseFromRequest('a\nb', undefined)],
    ['not a string', () => checkUseCause(42)],
    ['a tab', () => checkUseCause('核验\t身份')],
    ['a C1 control character', () => checkUseCause('核验\u0085身份')],
    ['a RIGHT-TO-LEFT OVERRIDE', () => useCauseFromRequest('核验\u202e份身', undefined)],
    ['an isolate', () => checkUseCause('核验\u2066身份')],
    ['a RIGHT-TO-LEFT MARK', () => checkUseCause('核验身份\u200f')],
    ['an unpaired surrogate', () => checkUseCause('核验\ud800身份')],
    ['a noncharacter', () => checkUseCause('核验身份\uffff')],
    ['an ideographic space only', () => checkUseCause('\u3000')],
  ];
  for (const [name, work] of refused) it(`refuses ${name} with USE_CAUSE_REQUIRED`, () => expect(codeOf(work)).to.equal('USE_CAUSE_REQUIRED'));
});
