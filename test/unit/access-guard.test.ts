import { expect } from 'chai';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createAccessGuard, holdAnswer } from '../../src/api/middleware/authenticate.js';
import { problemMiddleware, TongbanError } from '../../src/errors/index.js';
import { createLogger } from '../../src/log/index.js';
import { deferred } from '../helpers/wait.js';
import type { ClientRegistry } from '../../src/trust/client-registry.js';
import type { ReplayGuard } from '../../src/trust/replay-guard.js';

/** A logger that writes nowhere. */
function quiet() {
  return createLogger({ level: 'error', stream: new Writable({ write: (_chunk, _encoding, callback) => callback() }) });
}

/** The authorisation half of the guard, in-process (no socket): role and department rules. */
describe('access guard authorisation (in-process)', () => {
  const guard = createAccessGuard({ registry: {} as ClientRegistry, replayGuard: {} as ReplayGuard, skewSeconds: 300, logger: quiet() });

  function run(access: Parameters<typeof guard>[0], client: Request['client'], params: Record<string, string> = {}): unknown {
    const handlers = guard(access);
    const authorize = handlers[1]!;
    const req = { client, params, method: 'GET', path: '/v1/x', route: { path: '/v1/x' } } as unknown as Request;
    let passed: unknown = 'not called';
    try {
      authorize(req, {} as Response, ((error?: unknown) => { passed = error ?? 'next'; }) as NextFunction);
    } catch (error) {
      return error;
    }
    return passed;
  }

  it('public routes get no guard at all', () => {
    expect(guard({ public: true })).to.deep.equal([]);
  });

  it('lets an allowed role through', () => {
    expect(run({ roles: ['platform'] }, { id: 'platform', role: 'platform' })).to.equal('next');
  });

  it('refuses another role with ROLE_NOT_ALLOWED naming the allowed roles', () => {
    const error = run({ roles: ['platform', 'ops'] }, { id: 'dept-gaj', role: 'department', department: 'gaj' }) as TongbanError;
    expect(error.code).to.equal('ROLE_NOT_ALLOWED');
    expect(error.status).to.equal(403);
    expect(error.message).to.contain('platform, ops');
  });

  it("refuses a department acting on another department's path", () => {
    const error = run({ roles: ['department'], departmentParam: 'dept' }, { id: 'dept-gaj', role: 'department', department: 'gaj' }, { dept: 'swj' }) as TongbanError;
    expect(error.code).to.equal('DEPARTMENT_MISMATCH');
  });

  it('lets a department act on its own path, and ops on any', () => {
    expect(run({ roles: ['department', 'ops'], departmentParam: 'dept' }, { id: 'dept-gaj', role: 'department', department: 'gaj' }, { dept: 'gaj' })).to.equal('next');
    expect(run({ roles: ['department', 'ops'], departmentParam: 'dept' }, { id: 'ops', role: 'ops' }, { dept: 'gaj' })).to.equal('next');
  });
});

/** `replayCheck: 'alongside'`: the handler runs while the jti is recorded; its answer waits for the record, and a replay replaces it. */
describe('an answer held until its jti is recorded (in-process, real HTTP)', () => {
  async function serve(recorded: Promise<TongbanError | undefined>, seen: { endedAtOnce?: boolean }) {
    const app = express();
    app.use((req, res, next) => {
      res.setHeader('X-Request-Id', 'trace-1');
      req.jtiAlongside = recorded;
      next();
    });
    app.use(holdAnswer(quiet()));
    app.get('/read', (_req, res) => {
      res.set('Cache-Control', 'private, max-age=5').set('X-Handler', 'ran').json({ holder: '110101199003077777' });
      seen.endedAtOnce = res.writableEnded;
      // A second answer while the first is held (an error after res.json) does not slip out before the record.
      res.status(500).send('late');
    });
    app.get('/stream', (_req, res) => {
      res.write('part');
      res.end();
    });
    app.use(problemMiddleware(quiet()));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/read` };
  }

  it('sends the handler\'s answer only once the jti is recorded', async () => {
    const record = deferred<TongbanError | undefined>();
    const seen: { endedAtOnce?: boolean } = {};
    const { server, url } = await serve(record.promise, seen);
    try {
      const answer = fetch(url);
      while (seen.endedAtOnce === undefined) await new Promise((resolve) => setImmediate(resolve));
      expect(seen.endedAtOnce, 'the handler answered, but nothing was sent').to.equal(false);
      record.resolve(undefined);
      const response = await answer;
      expect(response.status).to.equal(200);
      expect(response.headers.get('x-handler')).to.equal('ran');
      expect(await response.json()).to.deep.equal({ holder: '110101199003077777' });
    } finally {
      server.close();
    }
  });

  /** One request to `path` with the record already settled as `recorded`; the answer's status, headers and body. */
  async function fetchOnce(recorded: TongbanError | undefined, path = '/read') {
    const { server, url } = await serve(Promise.resolve(recorded), {});
    try {
      const response = await fetch(url.replace('/read', path));
      return { status: response.status, headers: response.headers, body: await response.text() };
    } finally {
      server.close();
    }
  }

  it('answers a replay 401 REPLAY_DETECTED instead: the handler\'s body and headers dropped, those set before it kept', async () => {
    const response = await fetchOnce(new TongbanError('REPLAY_DETECTED', '"jti" claim was already used'));
    expect(response.status).to.equal(401);
    expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(response.headers.get('x-handler')).to.equal(null);
    expect(response.headers.get('cache-control')).to.equal(null);
    expect(response.headers.get('x-request-id')).to.equal('trace-1');
    expect(JSON.parse(response.body)).to.include({ code: 'REPLAY_DETECTED', status: 401 });
    expect(response.body).not.to.contain('110101199003077777');
  });

  it('refuses a route that streams (a write would send before the record): 500, nothing written', async () => {
    const response = await fetchOnce(undefined, '/stream');
    expect(response.status).to.equal(500);
    expect(response.body).not.to.contain('part');
  });

  it('answers 503 when the record failed (the database unavailable)', async () => {
    const response = await fetchOnce(new TongbanError('DATABASE_UNAVAILABLE', 'The database is unavailable'));
    expect(response.status).to.equal(503);
    expect(response.body).not.to.contain('110101199003077777');
  });
});
