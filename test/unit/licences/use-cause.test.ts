import { expect } from 'chai';
import { TongbanError } from '../../../src/errors/index.js';
import { checkUseCause, useCauseFromHeader } from '../../../src/licences/index.js';

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return error instanceof TongbanError ? error.code : 'not a TongbanError';
  }
  return undefined;
}

describe('reason for use (用证事由)', () => {
  it('decodes percent-encoded UTF-8 from the header', () => {
    expect(useCauseFromHeader(encodeURIComponent('婴儿出生一件事：预填出生登记表'))).to.equal('婴儿出生一件事：预填出生登记表');
    expect(useCauseFromHeader('plain ASCII reason')).to.equal('plain ASCII reason');
  });

  it('counts characters, not bytes or UTF-16 units: 200 are allowed, 201 are not', () => {
    expect(checkUseCause('事'.repeat(200))).to.have.length(200);
    expect(checkUseCause('𠀀'.repeat(200))).to.have.length(400); // 200 characters outside the BMP
    expect(codeOf(() => checkUseCause('事'.repeat(201)))).to.equal('USE_CAUSE_REQUIRED');
  });

  const refused: [string, () => unknown][] = [
    ['a missing header', () => useCauseFromHeader(undefined)],
    ['an empty header', () => useCauseFromHeader('')],
    ['white space only', () => useCauseFromHeader('%20%20')],
    ['broken percent-encoding', () => useCauseFromHeader('%E4%B8')],
    ['a control character', () => useCauseFromHeader('a%0Ab')],
    ['not a string', () => checkUseCause(42)],
  ];
  for (const [name, work] of refused) it(`refuses ${name} with USE_CAUSE_REQUIRED`, () => expect(codeOf(work)).to.equal('USE_CAUSE_REQUIRED'));
});
