/**
 * Known-answer vectors of the 好差评 system's request signature, computed
 * independently with openssl:
 *
 *     h=$(printf '%s' '{"projectNo":"TB-1","level":5}' | openssl dgst -sha256 -r | cut -d' ' -f1)
 *     printf 'POST\n/gateway/hcp/v1/evaluations\ntongban-dev\n1796559600000\n0123456789abcdef0123456789abcdef\n%s' "$h" \
 *       | openssl dgst -sha256 -hmac 'tongban-dev-evaluation-secret' -binary | base64
 */
import { expect } from 'chai';
import { computeSign, signHeaders, signsEqual, stringToSign } from '../../../adapters/evaluation/evaluation-signature.js';
import { maskIdNumber, maskName, toChinaTime } from '../../../adapters/evaluation/map-evaluation.js';

const SECRET = 'tongban-dev-evaluation-secret';
const POST = {
  method: 'post', pathWithQuery: '/gateway/hcp/v1/evaluations', appId: 'tongban-dev', timestamp: '1796559600000',
  nonce: '0123456789abcdef0123456789abcdef', body: '{"projectNo":"TB-1","level":5}',
};

describe('evaluation system: request signature', () => {
  it('signs METHOD, path, app id, timestamp, nonce and the body hash joined by newlines', () => {
    expect(stringToSign(POST)).to.equal([
      'POST', '/gateway/hcp/v1/evaluations', 'tongban-dev', '1796559600000', '0123456789abcdef0123456789abcdef',
      '90d14958cc26d7650331b837891e032b64759ac01aea86a21e5aa1f149f82f4b',
    ].join('\n'));
  });

  it('matches the Base64 HMAC-SHA256 computed with openssl (known answer)', () => {
    expect(computeSign(SECRET, POST)).to.equal('zU/6Wfj8G5jq3pKGeQnSZY7Lc3jI9yhi+Ex9o+sFVXc=');
    expect(computeSign(SECRET, { ...POST, method: 'GET', pathWithQuery: '/hcp/v1/evaluations?projectNo=TB-1', nonce: 'abcdefghijklmnop', body: '' }))
      .to.equal('+oo/gy7/lzCmvrYN3B1tvWS1Se8tfzxqptd7Yi/TbbQ=');
  });

  it('changes with any byte of the body, the secret or the path', () => {
    const reference = computeSign(SECRET, POST);
    expect(computeSign(SECRET, { ...POST, body: '{"projectNo":"TB-1","level":4}' })).to.not.equal(reference);
    expect(computeSign(`${SECRET}x`, POST)).to.not.equal(reference);
    expect(computeSign(SECRET, { ...POST, pathWithQuery: '/hcp/v1/evaluations' })).to.not.equal(reference);
  });

  it('builds the four x-hcp-* headers with a millisecond timestamp and a fresh nonce', () => {
    const first = signHeaders(SECRET, { method: 'POST', pathWithQuery: POST.pathWithQuery, appId: 'tongban-dev', body: POST.body, nowMs: 1796559600000 });
    const second = signHeaders(SECRET, { method: 'POST', pathWithQuery: POST.pathWithQuery, appId: 'tongban-dev', body: POST.body, nowMs: 1796559600000 });
    expect(first['x-hcp-timestamp']).to.equal('1796559600000');
    expect(first['x-hcp-nonce']).to.match(/^[0-9a-f]{32}$/).and.not.equal(second['x-hcp-nonce']);
    expect(signHeaders(SECRET, { ...POST, nowMs: 1796559600000, nonce: POST.nonce })['x-hcp-sign']).to.equal('zU/6Wfj8G5jq3pKGeQnSZY7Lc3jI9yhi+Ex9o+sFVXc=');
    expect(signsEqual(first['x-hcp-sign']!, first['x-hcp-sign']!)).to.equal(true);
    expect(signsEqual(first['x-hcp-sign']!, second['x-hcp-sign']!)).to.equal(false);
  });
});

describe('evaluation system: applicant masking and China time', () => {
  it('masks names to the first character and numbers to 4 + 10 * + 4, idempotently', () => {
    expect(['张三', '欧阳娜娜', '李', '张*'].map(maskName)).to.deep.equal(['张*', '欧***', '*', '张*']);
    expect(maskIdNumber('44140319900307123x')).to.equal('4414**********123X');
    expect(maskIdNumber('91441403MA4W7X8Y9B')).to.equal('9144**********8Y9B');
    expect(maskIdNumber('4414**********123X')).to.equal('4414**********123X');
    expect(maskIdNumber('E12345678')).to.equal('E123*5678');
  });

  it('writes instants in China time with the +08:00 offset', () => {
    expect(toChinaTime('2026-12-06T16:30:00Z')).to.equal('2026-12-07T00:30:00+08:00');
    expect(toChinaTime('2026-12-07T00:30:00.900+08:00')).to.equal('2026-12-07T00:30:00+08:00');
    expect(() => toChinaTime('yesterday')).to.throw(RangeError, 'yesterday');
  });
});
