import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { checkContentDigest, contentDigest, parseContentDigest } from '../../../src/trust/index.js';
import { expectTongbanError } from './expect-code.js';

describe('trust: Content-Digest (RFC 9530)', () => {
  const body = Buffer.from('{"a":1}');
  const sha256 = createHash('sha256').update(body).digest();

  it('hashes a string as UTF-8, the same as its bytes', () => {
    expect(contentDigest('通办')).to.equal(contentDigest(Buffer.from('通办', 'utf8')));
  });

  it('parses its own output back to the SHA-256 bytes', () => {
    expect(parseContentDigest(contentDigest(body))).to.deep.equal(sha256);
  });

  it('finds sha-256 in a dictionary naming several algorithms, with parameters and spacing', () => {
    const sha512 = createHash('sha512').update(body).digest('base64');
    expect(parseContentDigest(`sha-512=:${sha512}:,  sha-256=:${sha256.toString('base64')}:;p=1`)).to.deep.equal(sha256);
  });

  it('returns undefined when there is no sha-256 member, or it is not a 32-byte byte sequence', () => {
    expect(parseContentDigest(`sha-512=:${createHash('sha512').update(body).digest('base64')}:`)).to.equal(undefined);
    expect(parseContentDigest(`sha-256=${sha256.toString('base64')}`)).to.equal(undefined);
    expect(parseContentDigest('sha-256=:AAAA:')).to.equal(undefined);
    expect(parseContentDigest('')).to.equal(undefined);
  });

  it('lets the last sha-256 member win, as RFC 8941 dictionaries do', () => {
    const other = createHash('sha256').update('other').digest();
    expect(parseContentDigest(`sha-256=:${other.toString('base64')}:, sha-256=:${sha256.toString('base64')}:`)).to.deep.equal(sha256);
  });

  describe('checkContentDigest', () => {
    const header = contentDigest(body);
    const check = (value: string | undefined, received: Buffer, signed: string) => Promise.resolve().then(() => checkContentDigest(value, received, signed));

    it('accepts a matching header and signed digest', async () => {
      await check(header, body, header);
    });

    it('DIGEST_MISSING without a header', async () => {
      await expectTongbanError(check(undefined, body, header), 'DIGEST_MISSING');
    });

    it('DIGEST_MISMATCH when the body differs', async () => {
      await expectTongbanError(check(header, Buffer.from('{"a":2}'), header), 'DIGEST_MISMATCH');
    });

    it('DIGEST_MISMATCH when the signed digest is not the header value', async () => {
      const error = await expectTongbanError(check(header, body, contentDigest('x')), 'DIGEST_MISMATCH');
      expect(error.message).to.contain('"cdg"');
    });
  });
});
