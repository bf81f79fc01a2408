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

  const refused: [string, () => unknown][] = [
    ['a missing reason', () => useCauseFromRequest(undefined, undefined)],
    ['an empty reason', () => useCauseFromRequest('', undefined)],
    ['white space only', () => useCauseFromRequest('  ', undefined)],
    ['a control character', () => useCauseFromRequest('a\nb', undefined)],
    ['not a string', () => checkUseCause(42)],
  ];
  for (const [name, work] of refused) it(`refuses ${name} with USE_CAUSE_REQUIRED`, () => expect(codeOf(work)).to.equal('USE_CAUSE_REQUIRED'));
});
