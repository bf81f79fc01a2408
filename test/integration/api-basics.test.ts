import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PUBLIC, type Route } from '../../src/api/routes/route.js';
import { TongbanError } from '../../src/errors/index.js';
import type { Gateway } from '../../src/gateway.js';
import { deferred } from '../helpers/wait.js';
import { startTestGateway, type LogCapture } from '../helpers/gateway.js';

describe('API basics over a real socket', () => {
  let dir: string;
  let gateway: Gateway;
  let logs: LogCapture;
  const release = deferred();
  const entered = deferred();

  const testRoutes: Route[] = [
    { method: 'POST', path: '/test/echo', access: PUBLIC, summary: 'echo', handler: (req, res) => { res.json({ received: req.body }); } },
    { method: 'GET', path: '/test/crash', access: PUBLIC, summary: 'crash', handler: () => { throw new Error('SELECT secret FROM internal_table'); } },
    { method: 'GET', path: '/test/slow', access: PUBLIC, summary: 'slow', handler: async (_req, res) => { entered.resolve(); await release.promise; res.json({ finished: true }); } },
    { method: 'GET', path: '/test/db', access: PUBLIC, summary: 'db', handler: async (_req, res) => { res.json((await gateway.store.query('SELECT 1 AS one')).rows); } },
    { method: 'POST', path: '/test/validate', access: PUBLIC, summary: 'validate', handler: () => {
      throw new TongbanError('VALIDATION_FAILED', '2 fields are invalid', { errors: [{ pointer: '/applicant/idNumber', message: 'check character should be X' }, { pointer: '/phone', message: 'not a phone number' }] });
    } },
  ];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongban-api-'));
    ({ gateway, logs } = await startTestGateway({ TONGBAN_SQLITE_PATH: join(dir, 'db.sqlite'), TONGBAN_BODY_LIMIT_BYTES: '2048', TONGBAN_SHUTDOWN_GRACE_MS: '5000' }, { extraRoutes: testRoutes }));
  });

  after(async () => {
    release.resolve();
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
    const response = await fetch(gateway.url + path, { method, body, headers });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) as Record<string, unknown> : undefined };
  }

  function expectProblem(answer: Awaited<ReturnType<typeof call>>, status: number, code: string) {
    expect(answer.status, answer.text).to.equal(status);
    expect(answer.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(answer.json).to.include({ status, code });
    expect(answer.json).to.have.keys('type', 'title', 'status', 'detail', 'code', 'retryable', 'instance', 'traceId', ...(answer.json?.['errors'] ? ['errors'] : []), ...(answer.json?.['allow'] ? ['allow'] : []));
    expect(answer.text).not.to.match(/at .*\.ts:\d+|stack/i);
  }

  it('answers /healthz and /readyz', async () => {
    expect((await call('GET', '/healthz')).json).to.deep.equal({ status: 'ok' });
    const ready = await call('GET', '/readyz');
    expect(ready.status).to.equal(200);
    expect(ready.json).to.nested.include({ status: 'ready', 'checks.database.ok': true, 'checks.migrations.ok': true });
  });

  it('parses a JSON body', async () => {
    const answer = await call('POST', '/test/echo', '{"a":[1,2]}', { 'content-type': 'application/json; charset=utf-8' });
    expect(answer.json).to.deep.equal({ received: { a: [1, 2] } });
  });

  it('malformed JSON → 400 MALFORMED_JSON', async () => {
    expectProblem(await call('POST', '/test/echo', '{"a":', { 'content-type': 'application/json' }), 400, 'MALFORMED_JSON');
  });

  it('wrong content type → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const answer = await call('POST', '/test/echo', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expectProblem(answer, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(answer.json!['detail']).to.contain('application/x-www-form-urlencoded');
  });

  it('body over the limit → 413 PAYLOAD_TOO_LARGE', async () => {
    expectProblem(await call('POST', '/test/echo', JSON.stringify({ x: 'y'.repeat(5000) }), { 'content-type': 'application/json' }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('unknown route → 404 NOT_FOUND', async () => {
    expectProblem(await call('GET', '/v1/nothing-here'), 404, 'NOT_FOUND');
  });

  it('wrong method → 405 METHOD_NOT_ALLOWED with Allow', async () => {
    const answer = await call('DELETE', '/healthz');
    expectProblem(answer, 405, 'METHOD_NOT_ALLOWED');
    expect(answer.headers.get('allow')).to.equal('GET, HEAD');
  });

  it('validation errors list every JSON Pointer at fault', async () => {
    const answer = await call('POST', '/test/validate', '{}', { 'content-type': 'application/json' });
    expectProblem(answer, 400, 'VALIDATION_FAILED');
    expect(answer.json!['errors']).to.deep.equal([
      { pointer: '/applicant/idNumber', message: 'check character should be X' },
      { pointer: '/phone', message: 'not a phone number' },
    ]);
  });

  it('an unexpected error → 500 INTERNAL_ERROR without internals, logged with the trace id', async () => {
    const answer = await call('GET', '/test/crash', undefined, { 'x-request-id': 'req-crash-0001' });
    expectProblem(answer, 500, 'INTERNAL_ERROR');
    expect(answer.text).not.to.contain('internal_table');
    expect(answer.json!['traceId']).to.equal('req-crash-0001');
    const logged = logs.lines.find((line) => line['message'] === 'request failed' && line['traceId'] === 'req-crash-0001');
    expect(logged, logs.text()).to.nested.include({ 'error.message': 'SELECT secret FROM internal_table' });
  });

  it('takes the trace id from traceparent, returns it and puts it on the access log line', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const answer = await call('GET', '/healthz', undefined, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(answer.headers.get('x-request-id')).to.equal(traceId);
    const access = logs.lines.find((line) => line['message'] === 'access' && line['traceId'] === traceId);
    expect(access).to.include({ method: 'GET', path: '/healthz', status: 200 });
  });

  it('generates a trace id when none is given', async () => {
    const answer = await call('GET', '/healthz');
    expect(answer.headers.get('x-request-id')).to.match(/^[0-9a-f]{32}$/);
  });

  it('graceful shutdown: finishes the in-flight request, refuses new work, closes the database', async () => {
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(gateway.url + '/test/slow', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => { body += chunk.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    await entered.promise;
    const closing = gateway.close();
    let refused = false;
    try {
      await fetch(gateway.url + '/healthz');
    } catch {
      refused = true;
    }
    expect(refused, 'new connections are refused while draining').to.equal(true);
    release.resolve();
    const finished = await inFlight;
    expect(finished).to.deep.equal({ status: 200, body: '{"finished":true}' });
    await closing;
    let storeError: unknown;
    try {
      await gateway.store.query('SELECT 1');
    } catch (error) {
      storeError = error;
    }
    expect((storeError as TongbanError).code).to.equal('DATABASE_UNAVAILABLE');
  });
});
