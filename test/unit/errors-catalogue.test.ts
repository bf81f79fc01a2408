import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { ERROR_CATALOGUE, ERROR_CODES, problemType, toProblem, TongbanError } from '../../src/errors/index.js';

describe('error catalogue', () => {
  const docs = readFileSync('docs/errors.md', 'utf8');

  for (const code of ERROR_CODES) {
    it(`${code} is documented in docs/errors.md with its status`, () => {
      const row = docs.split('\n').find((line) => line.startsWith(`| \`${code}\` `));
      expect(row, `docs/errors.md has no row for ${code}`).to.be.a('string');
      expect(row).to.contain(`| ${ERROR_CATALOGUE[code].status} |`);
    });
  }

  it('documents no code that the catalogue lacks', () => {
    const documented = [...docs.matchAll(/^\| `([A-Z_]+)` /gm)].map((match) => match[1]);
    expect(documented.filter((code) => !ERROR_CODES.includes(code as never))).to.deep.equal([]);
  });

  it('uses 4xx/5xx statuses only, and marks retryable consistently for 5xx', () => {
    for (const code of ERROR_CODES) {
      const spec = ERROR_CATALOGUE[code];
      expect(spec.status, code).to.be.within(400, 599);
      if (spec.status === 503 || spec.status === 504) expect(spec.retryable, code).to.equal(true);
    }
  });

  it('renders an RFC 9457 problem with the field errors', () => {
    const error = new TongbanError('VALIDATION_FAILED', '/a: bad', { errors: [{ pointer: '/a', message: 'bad' }] });
    expect(toProblem(error, '/v1/x', 'trace-1')).to.deep.equal({
      type: problemType('VALIDATION_FAILED'), title: 'Request failed validation', status: 400, detail: '/a: bad',
      code: 'VALIDATION_FAILED', retryable: false, instance: '/v1/x', traceId: 'trace-1', errors: [{ pointer: '/a', message: 'bad' }],
    });
  });
});
