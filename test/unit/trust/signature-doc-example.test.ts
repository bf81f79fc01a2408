/**
 * docs/signatures.md's worked example, recomputed with Tongban's own code:
 * every labelled block of the page must be what the code produces, and the
 * two dependency-free reproductions on the page must print the same headers.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { JWK } from 'jose';
import {
  contentDigest,
  signRequest,
  toPublicJwk,
  verifyRequest,
  verifyResponse,
  type PrivateJwk,
  type VerifyingClient,
} from '../../../src/trust/index.js';
import { example, readDocExamples } from '../docs/doc-examples.js';
import { expectTongbanError } from './expect-code.js';

const PAGE = 'docs/signatures.md';
const examples = readDocExamples(PAGE);
const block = (label: string): string => example(examples, label, PAGE);

// The example's private key is a test fixture (no private key material on a documentation page); the page shows its public half.
const KEY_FILE = fileURLToPath(new URL('../../fixtures/trust/signature-example.jwk.json', import.meta.url));
const key = JSON.parse(readFileSync(KEY_FILE, 'utf8')) as PrivateJwk;
const [method, pathAndQuery] = block('request-line').split(' ') as [string, string];
const body = block('request-body');
const payload = JSON.parse(block('payload')) as { iss: string; iat: number; exp: number; jti: string };
const expectedHeaders = `Content-Digest: ${block('content-digest')}\nTongban-Signature: ${block('tongban-signature')}\n`;

async function signedAsDocumented() {
  return signRequest({
    method, pathAndQuery, body, clientId: payload.iss, key, nowSeconds: payload.iat, ttlSeconds: payload.exp - payload.iat, jti: payload.jti,
  });
}

function hasCommand(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

function runInTemporaryFolder(fileName: string, content: string, command: string, args: string[], after: string[] = []): string {
  const folder = mkdtempSync(join(tmpdir(), 'tongban-signature-doc-'));
  try {
    writeFileSync(join(folder, fileName), content);
    return execFileSync(command, [...args, fileName, ...after], { cwd: folder, encoding: 'utf8', timeout: 15_000 });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('docs/signatures.md worked example', () => {
  it('uses an Ed25519 example key whose kid and alg are in its JWK; the page shows its public half only', () => {
    expect(key).to.include({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect(key.kid).to.be.a('string').and.not.be.empty;
    const { d: _d, ...publicHalf } = key;
    expect(JSON.parse(block('client-public-jwk'))).to.deep.equal(publicHalf);
    expect(readFileSync(PAGE, 'utf8')).to.not.include(key.d);
  });

  it('shows the Content-Digest of the body bytes', () => {
    expect(Buffer.byteLength(body, 'utf8')).to.equal(67, 'the page says the body is 67 bytes');
    expect(contentDigest(body)).to.equal(block('content-digest'));
  });

  it('shows the protected header, the payload, their base64url, the signing input and the signature that signRequest produces', async () => {
    const headers = await signedAsDocumented();
    expect(headers['content-digest']).to.equal(block('content-digest'));
    const [headerPart, payloadPart, signaturePart] = headers['tongban-signature'].split('.') as [string, string, string];
    expect(Buffer.from(headerPart, 'base64url').toString('utf8')).to.equal(block('protected-header'));
    expect(headerPart).to.equal(block('protected-header-b64'));
    expect(Buffer.from(payloadPart, 'base64url').toString('utf8')).to.equal(block('payload'));
    expect(payloadPart).to.equal(block('payload-b64'));
    expect(`${headerPart}.${payloadPart}`).to.equal(block('signing-input'));
    expect(signaturePart).to.equal(block('signature'));
    expect(headers['tongban-signature']).to.equal(block('tongban-signature'));
  });

  it('is a request verifyRequest accepts once, within its window', async () => {
    const client: VerifyingClient = { id: payload.iss, algorithms: ['EdDSA'], keys: { [key.kid]: toPublicJwk(key) as JWK } };
    const used = new Set<string>();
    const options = (nowSeconds: number) => ({
      nowSeconds,
      resolveClient: async (id: string) => (id === client.id ? client : undefined),
      markJtiUsed: async (clientId: string, jti: string) => !used.has(`${clientId}/${jti}`) && Boolean(used.add(`${clientId}/${jti}`)),
    });
    const request = {
      method, pathAndQuery, body: Buffer.from(body, 'utf8'),
      headers: { 'content-digest': block('content-digest'), 'tongban-signature': block('tongban-signature') },
    };
    await expectTongbanError(verifyRequest(request, options(payload.iat - 301)), 'SIGNATURE_NOT_YET_VALID');
    await expectTongbanError(verifyRequest(request, options(payload.exp + 1)), 'SIGNATURE_EXPIRED');
    await expectTongbanError(verifyRequest({ ...request, body: Buffer.from(`${body} `, 'utf8') }, options(payload.iat)), 'DIGEST_MISMATCH');
    const verified = await verifyRequest(request, options(payload.iat - 300));
    expect(verified.claims).to.deep.equal(JSON.parse(block('payload')));
    await expectTongbanError(verifyRequest(request, options(payload.iat)), 'REPLAY_DETECTED');
  });

  it('has an answer that verifyResponse accepts with the example JWKS, bound to the request', async () => {
    const jwks = JSON.parse(block('tongban-jwks')) as { keys: JWK[] };
    const responseBody = block('response-body');
    expect(Buffer.byteLength(responseBody, 'utf8')).to.equal(35, 'the page says the answer body is 35 bytes');
    expect(contentDigest(responseBody)).to.equal(block('response-content-digest'));
    const token = block('response-signature');
    expect(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).to.equal(block('response-payload'));
    const received = { body: Buffer.from(responseBody, 'utf8'), headers: { 'content-digest': block('response-content-digest'), 'tongban-signature': token } };
    const receivedAt = (JSON.parse(block('response-payload')) as { iat: number }).iat;
    const verified = await verifyResponse(received, { keys: jwks.keys, audience: payload.iss, requestJti: payload.jti, nowSeconds: receivedAt });
    expect(verified.claims.rjti).to.equal(payload.jti);
    await expectTongbanError(verifyResponse(received, { keys: jwks.keys, audience: payload.iss, requestJti: 'another-request', nowSeconds: receivedAt }), 'CLAIM_INVALID');
    await expectTongbanError(verifyResponse({ ...received, body: Buffer.from('{}') }, { keys: jwks.keys, audience: payload.iss, requestJti: payload.jti, nowSeconds: receivedAt }), 'DIGEST_MISMATCH');
  });

  it('has a Node snippet that prints the documented headers', () => {
    expect(runInTemporaryFolder('sign.mjs', block('node-snippet'), process.execPath, [], [KEY_FILE])).to.equal(expectedHeaders);
  });

  it('has a Node snippet that verifies the documented answer', () => {
    expect(runInTemporaryFolder('verify.mjs', block('node-verify-snippet'), process.execPath, [])).to.equal('verified\n');
  });

  it('has an OpenSSL recipe that prints the documented headers', function () {
    const tools = [['openssl', ['version']], ['basenc', ['--version']], ['xxd', ['-v']], ['bash', ['--version']]] as const;
    if (!tools.every(([command, args]) => hasCommand(command, [...args]))) this.skip();
    expect(runInTemporaryFolder('sign.sh', block('openssl-snippet'), 'bash', [], [KEY_FILE])).to.equal(expectedHeaders);
  });
});
