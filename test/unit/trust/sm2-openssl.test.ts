import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { JWK } from 'jose';
import { generateKeyPair, signCompact, sm2Sign, sm2Verify, verifyCompact } from '../../../src/trust/index.js';
import {
  derSignatureToRaw,
  openssl,
  opensslOk,
  opensslSupportsSm2,
  parseOpensslKeyText,
  rawSignatureToDer,
  sm2PublicKeyPem,
  temporaryDirectory,
} from './openssl-helpers.js';

const DIST_ID = 'distid:1234567812345678';

describe('trust: SM2 interoperability with OpenSSL', function () {
  let directory: { path: string; remove: () => void };

  before(function () {
    if (!opensslSupportsSm2()) this.skip(); // the local OpenSSL was built without SM2/SM3
    directory = temporaryDirectory('tongban-sm2-');
  });

  after(() => directory?.remove());

  const file = (name: string): string => join(directory.path, name);

  describe('OpenSSL signs, Tongban verifies', () => {
    let jwk: JWK;

    before(() => {
      opensslOk(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', file('key.pem')]);
      const { privateKey, publicKey } = parseOpensslKeyText(opensslOk(['pkey', '-in', file('key.pem'), '-text', '-noout']));
      expect(publicKey).to.have.length(65);
      jwk = {
        kty: 'EC',
        crv: 'SM2',
        x: publicKey.subarray(1, 33).toString('base64url'),
        y: publicKey.subarray(33).toString('base64url'),
        d: privateKey.toString('base64url'),
      };
    });

    function opensslSign(message: Buffer): Buffer {
      writeFileSync(file('message'), message);
      opensslOk(['dgst', '-sm3', '-sign', file('key.pem'), '-sigopt', DIST_ID, '-out', file('signature.der'), file('message')]);
      return derSignatureToRaw(readFileSync(file('signature.der')));
    }

    it('verifies a raw SM2/SM3 signature made by openssl dgst', () => {
      const message = Buffer.from('通办 Tongban signature v1', 'utf8');
      const signature = opensslSign(message);
      expect(sm2Verify(message, signature, jwk)).to.equal(true);
      expect(sm2Verify(Buffer.from('another message'), signature, jwk)).to.equal(false);
    });

    it('verifies a compact JWS whose SM2 signature openssl made over the signing input', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'SM2', kid: 'openssl', typ: 'tongban-req+jwt' })).toString('base64url');
      const payload = Buffer.from(JSON.stringify({ iss: 'dept-1', jti: 'x' })).toString('base64url');
      const signature = opensslSign(Buffer.from(`${header}.${payload}`, 'ascii'));
      const token = `${header}.${payload}.${signature.toString('base64url')}`;
      const { payload: claims } = await verifyCompact(token, { ...jwk, d: undefined, kid: 'openssl', alg: 'SM2' }, ['SM2']);
      expect(claims).to.deep.equal({ iss: 'dept-1', jti: 'x' });
    });

    it('verifies our signature with the OpenSSL-generated key in openssl too (same key, both directions)', () => {
      const message = Buffer.from('round trip');
      writeFileSync(file('message'), message);
      writeFileSync(file('ours.der'), rawSignatureToDer(sm2Sign(message, jwk)));
      opensslOk(['pkey', '-in', file('key.pem'), '-pubout', '-out', file('key.pub.pem')]);
      const run = openssl(['dgst', '-sm3', '-verify', file('key.pub.pem'), '-sigopt', DIST_ID, '-signature', file('ours.der'), file('message')]);
      expect(run.stdout).to.contain('Verified OK');
    });
  });

  describe('Tongban signs, OpenSSL verifies', () => {
    it('openssl dgst verifies an SM2 JWS signature over its signing input, and rejects another input', async () => {
      const { privateJwk, publicJwk } = await generateKeyPair('SM2');
      const token = await signCompact({ alg: 'SM2', kid: privateJwk.kid }, { hello: '世界' }, privateJwk);
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const pem = sm2PublicKeyPem(Buffer.from(publicJwk.x!, 'base64url'), Buffer.from(publicJwk.y!, 'base64url'));
      writeFileSync(file('tongban.pub.pem'), pem);
      writeFileSync(file('tongban.sig.der'), rawSignatureToDer(Buffer.from(signature, 'base64url')));
      writeFileSync(file('signing-input'), `${header}.${payload}`, 'ascii');
      writeFileSync(file('other-input'), `${header}.${payload}x`, 'ascii');
      const verify = (input: string) =>
        openssl(['dgst', '-sm3', '-verify', file('tongban.pub.pem'), '-sigopt', DIST_ID, '-signature', file('tongban.sig.der'), file(input)]);

      const good = verify('signing-input');
      expect(good.status, good.stderr).to.equal(0);
      expect(good.stdout).to.contain('Verified OK');
      const bad = verify('other-input');
      expect(bad.status).to.not.equal(0);
      expect(bad.stdout).to.contain('Verification failure');
    });

    it('openssl reads the hand-built SubjectPublicKeyInfo as an SM2 key', async () => {
      const { publicJwk } = await generateKeyPair('SM2');
      writeFileSync(file('spki.pem'), sm2PublicKeyPem(Buffer.from(publicJwk.x!, 'base64url'), Buffer.from(publicJwk.y!, 'base64url')));
      expect(opensslOk(['pkey', '-pubin', '-in', file('spki.pem'), '-text', '-noout'])).to.match(/ASN1 OID: SM2/);
    });
  });
});
