/**
 * What a request looks like on the wire, before any route reads it: a
 * Content-Encoding other than identity is refused on every route (415
 * UNSUPPORTED_CONTENT_ENCODING, Accept-Encoding: identity, nothing read,
 * nothing stored, nothing logged as a failure); bodies that are not UTF-8,
 * charsets other than utf-8, repeated member names, undecodable paths,
 * too many headers and ID tokens that are no such thing get their 4xx —
 * never a 500.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { PUBLIC, type Route } from '../../../src/api/routes/route.js';
import type { Gateway } from '../../../src/gateway.js';
import { signRequest } from '../../../src/trust/index.js';
import { devKey } from '../../helpers/dev-keys.js';
import { startTestGateway, type LogCapture } from '../../helpers/gateway.js';

interface Answer { status: number; headers: Headers; text: string; json: Record<string, unknown> | undefined }

describe('request shape: Content-Encoding, charsets, UTF-8, repeated names (no 5xx)', function () {
  this.timeout(60_000);
  let dir: string;
  let gateway: Gateway;
  let logs: LogCapture;
  const echoed: unknown[] = [];
  const echo: Route['handler'] = (req, res) => { echoed.push(req.body); res.json({ received: req.body ?? null }); };
  const testRoutes: Route[] = [
    { method: 'POST', path: '/test/echo', access: PUBLIC, summary: 'echo (public)', handler: echo },
    { method: 'POST', path: '/v1/test/echo', access: { roles: ['platform'] }, summary: 'echo (signed)', handler: echo },
    { method: 'GET', path: '/test/items/:item', access: PUBLIC, summary: 'a path parameter', handler: (req, res) => { res.json({ item: req.params['item'] }); } },
  ];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongban-shape-'));
    ({ gateway, logs } = await startTestGateway({ TONGBAN_SQLITE_PATH: join(dir, 'db.sqlite'), TONGBAN_BODY_LIMIT_BYTES: '65536' }, { extraRoutes: testRoutes }));
  });
  after(async () => {
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(method: string, path: string, body?: Uint8Array | string, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(gateway.url + path, { method, body, headers });
    const text = await response.text();
    let json: Record<string, unknown> | undefined;
    try { json = text ? JSON.parse(text) as Record<string, unknown> : undefined; } catch { json = undefined; }
    return { status: response.status, headers: response.headers, text, json };
  }

  async function signed(path: string, wire: Uint8Array | string, headers: Record<string, string>, jti?: string): Promise<Record<string, string>> {
    const key = await devKey('platform');
    const body = typeof wire === 'string' ? wire : Buffer.from(wire);
    return { ...headers, ...await signRequest({ method: 'POST', pathAndQuery: path, body, clientId: 'platform', key, ...(jti ? { jti } : {}) }) };
  }

  function expectProblem(answer: Answer, status: number, code: string): Record<string, unknown> {
    expect(answer.status, answer.text).to.equal(status);
    expect(answer.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(answer.json).to.include({ status, code });
    return answer.json!;
  }

  const json = JSON.stringify({ applicant: { name: '张三', address: '广东省梅州市' } });
  const encodings: { name: string; header: string; body: Uint8Array | string; shown: string }[] = [
    { name: 'gzip (valid)', header: 'gzip', body: gzipSync(json), shown: 'gzip' },
    { name: 'gzip (corrupt)', header: 'gzip', body: Buffer.concat([gzipSync(json).subarray(0, 12), Buffer.from('not gzip at all')]), shown: 'gzip' },
    { name: 'br', header: 'br', body: brotliCompressSync(json), shown: 'br' },
    { name: 'deflate', header: 'deflate', body: deflateSync(json), shown: 'deflate' },
    { name: 'unknown x-foo', header: 'x-foo', body: json, shown: 'x-foo' },
    { name: 'stacked gzip, identity', header: 'gzip, identity', body: gzipSync(json), shown: 'gzip' },
    { name: 'upper-case GZIP', header: 'GZIP', body: gzipSync(json), shown: 'gzip' },
    { name: 'a list of identities', header: 'identity, identity', body: json, shown: 'identity, identity' },
  ];

  for (const encoding of encodings) {
    it(`Content-Encoding ${encoding.name} → 415 before anything is read, on an unauthenticated and on an authenticated route`, async () => {
      const failuresBefore = logs.lines.filter((line) => line['level'] === 'error').length;
      const echoedBefore = echoed.length;
      const headers = { 'content-type': 'application/json', 'content-encoding': encoding.header };
      const open = await call('POST', '/test/echo', encoding.body, headers);
      // The signature covers the bytes on the wire; whatever it covers, the encoding is refused first.
      const jti = `shape-${Math.random().toString(36).slice(2)}`;
      const wireSigned = await call('POST', '/v1/test/echo', encoding.body, await signed('/v1/test/echo', encoding.body, headers, jti));
      const plainSigned = await call('POST', '/v1/test/echo', encoding.body, await signed('/v1/test/echo', json, headers));
      for (const answer of [open, wireSigned, plainSigned]) {
        const problem = expectProblem(answer, 415, 'UNSUPPORTED_CONTENT_ENCODING');
        expect(answer.headers.get('accept-encoding')).to.equal('identity');
        expect(problem['detail']).to.contain(`"${encoding.shown}"`);
        expect(answer.text).not.to.match(/stack|\.ts:\d+/);
      }
      expect(echoed.length, 'no handler ran').to.equal(echoedBefore);
      expect(logs.lines.filter((line) => line['level'] === 'error').length, logs.text()).to.equal(failuresBefore);
      // Nothing was stored on the refused request's behalf: its jti is still unused.
      const again = await call('POST', '/v1/test/echo', json, await signed('/v1/test/echo', json, { 'content-type': 'application/json' }, jti));
      expect(again.status, again.text).to.equal(200);
    });
  }

  it('a Content-Encoding on a GET without a body is refused too (one rule for every route)', async () => {
    const answer = await call('GET', '/healthz', undefined, { 'content-encoding': 'gzip' });
    expectProblem(answer, 415, 'UNSUPPORTED_CONTENT_ENCODING');
    expect(answer.headers.get('accept-encoding')).to.equal('identity');
  });

  it('the ops dashboard login form refuses an encoded body the same way', async () => {
    const answer = await call('POST', '/ops/login', gzipSync('username=a&password=b'), { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' });
    expectProblem(answer, 415, 'UNSUPPORTED_CONTENT_ENCODING');
  });

  it('Content-Encoding identity (or empty) is accepted, signed over the bytes sent', async () => {
    for (const header of ['identity', 'Identity', ' identity ', '']) {
      const headers = { 'content-type': 'application/json', 'content-encoding': header };
      expect((await call('POST', '/test/echo', json, headers)).json).to.deep.equal({ received: JSON.parse(json) });
      const answer = await call('POST', '/v1/test/echo', json, await signed('/v1/test/echo', json, headers));
      expect(answer.status, answer.text).to.equal(200);
      expect(answer.json).to.deep.equal({ received: JSON.parse(json) });
    }
  });

  it('a body that is not UTF-8 → 400 MALFORMED_JSON (not decoded into U+FFFD)', async () => {
    const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    const problem = expectProblem(await call('POST', '/test/echo', body, { 'content-type': 'application/json' }), 400, 'MALFORMED_JSON');
    expect(problem['detail']).to.contain('UTF-8');
    // A lone surrogate encoded in UTF-8 (CESU) is not UTF-8 either.
    const surrogate = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]);
    expectProblem(await call('POST', '/test/echo', surrogate, { 'content-type': 'application/json' }), 400, 'MALFORMED_JSON');
  });

  it('a charset other than utf-8 → 415 UNSUPPORTED_MEDIA_TYPE naming it; utf-8 in any spelling is accepted', async () => {
    for (const charset of ['latin1', 'gbk', 'utf-16', '"iso-8859-1"']) {
      const problem = expectProblem(await call('POST', '/test/echo', json, { 'content-type': `application/json; charset=${charset}` }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(problem['detail']).to.contain(charset.replaceAll('"', ''));
    }
    for (const charset of ['utf-8', 'UTF-8', '"utf-8"']) {
      expect((await call('POST', '/test/echo', json, { 'content-type': `application/json; charset=${charset}` })).status).to.equal(200);
    }
  });

  it('repeated member names → 400 VALIDATION_FAILED naming each repeat by JSON Pointer, on any JSON body', async () => {
    const body = '{"form":{"applicant":{"name":"甲","name":"乙","address":"x"},"a/b":[{"k~":1,"k\\u007e":2}]},"form2":1,"form2":2}';
    const problem = expectProblem(await call('POST', '/test/echo', body, { 'content-type': 'application/json' }), 400, 'VALIDATION_FAILED');
    expect((problem['errors'] as { pointer: string }[]).map((error) => error.pointer)).to.deep.equal(['/form/applicant/name', '/form/a~1b/0/k~0', '/form2']);
    const signedProblem = expectProblem(await call('POST', '/v1/test/echo', body, await signed('/v1/test/echo', body, { 'content-type': 'application/json' })), 400, 'VALIDATION_FAILED');
    expect(signedProblem['errors']).to.deep.equal(problem['errors']);
  });

  it('a body on GET is ignored, never a 5xx; a path that is not percent-encoded UTF-8 → 404', async () => {
    const withBody = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(gateway.url + '/healthz', { method: 'GET', headers: { 'content-type': 'application/json', 'content-length': '7' } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      req.end('{"a":1}');
    });
    expect(withBody).to.equal(200);
    expectProblem(await call('GET', '/test/items/%E0%A4%A'), 404, 'NOT_FOUND');
    expectProblem(await call('GET', '/test/items/%C3%28'), 404, 'NOT_FOUND');
  });

  it('a huge number of headers → 431 from the HTTP server, never a 5xx', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const headers: Record<string, string> = {};
      for (let index = 0; index < 3000; index++) headers[`x-h${index}`] = 'v';
      const req = httpRequest(gateway.url + '/healthz', { method: 'GET', headers }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      req.end();
    });
    expect(status).to.equal(431);
  });

  it('property: a signed submission with any Tongban-Id-Token that is not a valid ID token (bound by idt or not) answers 401 ID_TOKEN_*, never 5xx', async function () {
    this.timeout(120_000);
    const key = await devKey('platform');
    const base64url = fc.stringMatching(/^[A-Za-z0-9_-]{0,200}$/);
    const segment = fc.oneof(base64url, fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
      fc.constantFrom({ alg: 'none', typ: 'JWT' }, { alg: 'ES256', kid: 'no-such-key', typ: 'JWT' }, { alg: 'HS256' }).map((header) => Buffer.from(JSON.stringify(header)).toString('base64url')));
    const token = fc.oneof(fc.stringMatching(/^[!-~]{1,300}$/), fc.tuple(segment, segment, base64url).map((parts) => parts.join('.')),
      fc.tuple(segment, segment).map((parts) => `${parts.join('.')}.`), fc.constant('a.b.c'), fc.stringMatching(/^[A-Za-z0-9_.-]{2000,3000}$/));
    const body = JSON.stringify({ themeCode: 'MX-T05', answers: {}, form: {} });
    await fc.assert(fc.asyncProperty(token, fc.boolean(), async (idToken, bound) => {
      const signature = await signRequest({ method: 'POST', pathAndQuery: '/v1/applications', body, clientId: 'platform', key, ...(bound ? { idToken } : {}) });
      const answer = await call('POST', '/v1/applications', body, { ...signature, 'content-type': 'application/json', 'idempotency-key': 'shape-id-token-1', 'tongban-id-token': idToken });
      expect(answer.status, answer.text).to.equal(401);
      expect(String(answer.json?.['code']), answer.text).to.match(/^ID_TOKEN_(INVALID|UNKNOWN_KEY)$/);
    }), { seed: 20261206, numRuns: 200, interruptAfterTimeLimit: 60_000 });
    expect(logs.lines.filter((line) => line['message'] === 'request failed'), logs.text().slice(-2000)).to.deep.equal([]);
  });

  it('property: random bodies, encodings, content types and methods never answer 5xx', async function () {
    this.timeout(120_000);
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH');
    const path = fc.constantFrom('/test/echo', '/v1/test/echo', '/healthz', '/v1/applications', '/v1/departments/gaj/events', '/ops/login', '/test/items/%E4%B8%AD', '/nothing');
    const encoding = fc.option(fc.oneof(fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'gzip, identity', 'identity, br', 'x-foo', 'compress', ''), fc.stringMatching(/^[!-~]{1,12}$/)), { nil: undefined });
    const contentType = fc.option(fc.oneof(
      fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/problem+json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'),
      fc.stringMatching(/^[ -~]{0,30}$/)), { nil: undefined });
    const text = fc.oneof(fc.json(), fc.string({ unit: 'binary' }), fc.constantFrom('{"a":1,"a":2}', '{"a":', '[]', 'null', '{}'));
    const body = fc.option(fc.oneof(
      text.map((value) => Buffer.from(value)),
      fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
      text.map((value) => gzipSync(value)),
      text.map((value) => gzipSync(value).subarray(0, 8)),
    ), { nil: undefined });
    await fc.assert(fc.asyncProperty(method, path, encoding, contentType, body, async (m, p, e, t, b) => {
      const headers: Record<string, string> = {};
      if (e !== undefined) headers['content-encoding'] = e;
      if (t !== undefined) headers['content-type'] = t;
      const answer = await call(m, p, m === 'GET' ? undefined : b, headers);
      if (answer.status >= 500) throw new Error(`${m} ${p} ${JSON.stringify(headers)} → ${answer.status} ${answer.text}`);
      if (e !== undefined && !['', 'identity'].includes(e.trim().toLowerCase())) {
        expect(answer.status, answer.text).to.equal(415);
      }
    }), { seed: 20261124, numRuns: 2500, interruptAfterTimeLimit: 60_000 });
    expect(logs.lines.filter((line) => line['message'] === 'request failed'), logs.text().slice(-2000)).to.deep.equal([]);
  });
});
