import { AsyncLocalStorage } from 'node:async_hooks';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import express from 'express';
import { admission, type Admission } from '../../../src/api/middleware/admission.js';
import { problemMiddleware } from '../../../src/errors/problem.js';
import { createLogger } from '../../../src/log/index.js';

interface Answer { status: number; body: string; retryAfter: string | undefined }

/**
 * An app whose handler holds each request until the test releases it, behind
 * the limiter; every request carries its own value in an AsyncLocalStorage
 * set before the limiter (as the trace id and database budget are).
 */
async function serve(limit: number, maxWaitMs: number, maxWaiting?: number) {
  const limiter: Admission = admission({ limit, maxWaitMs, ...(maxWaiting !== undefined ? { maxWaiting } : {}) });
  const context = new AsyncLocalStorage<string>();
  const started: string[] = [];
  const contexts: [string, string | undefined][] = [];
  const held = new Map<string, () => void>();
  const app = express();
  app.use((req, _res, next) => context.run(String(req.query['name']), next));
  app.post('/v1/applications', limiter.middleware);
  app.post('/v1/applications', (req, res) => {
    const name = String(req.query['name']);
    started.push(name);
    contexts.push([name, context.getStore()]);
    held.set(name, () => res.json({ name }));
  });
  app.use(problemMiddleware(createLogger({ level: 'silent', stream: new PassThrough() })));
  const server: Server = await new Promise((resolve) => { const listening = app.listen(0, '127.0.0.1', () => resolve(listening)); });
  const port = (server.address() as AddressInfo).port;
  const send = (name: string): { answer: Promise<Answer>; abort: () => void } => {
    let abort = () => {};
    const answer = new Promise<Answer>((resolve, reject) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: `/v1/applications?name=${name}` }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; }).on('end', () => resolve({ status: res.statusCode!, body, retryAfter: res.headers['retry-after'] }));
      });
      outgoing.on('error', reject);
      outgoing.end();
      abort = () => outgoing.destroy();
    });
    return { answer, abort };
  };
  /** Resolves once `check` holds, checking after each turn of the event loop (no fixed sleep). */
  const until = async (check: () => boolean): Promise<void> => {
    for (let turn = 0; !check(); turn += 1) {
      if (turn > 100_000) throw new Error('condition never held');
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const release = (name: string) => { held.get(name)!(); held.delete(name); };
  /** Sends `name` and resolves once it waits for a turn (one more in the queue). */
  const queue = async (name: string): Promise<ReturnType<typeof send>> => {
    const before = limiter.state().waiting;
    const sent = send(name);
    await until(() => limiter.state().waiting === before + 1);
    return sent;
  };
  /** Sends `name` and resolves once its handler has started (it holds a turn). */
  const begin = async (name: string): Promise<ReturnType<typeof send>> => {
    const sent = send(name);
    await until(() => started.includes(name));
    return sent;
  };
  return { limiter, started, contexts, send, begin, queue, until, release, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Runs `body` against a fresh app, closed afterwards whatever happens. */
async function withApp(args: Parameters<typeof serve>, body: (app: Awaited<ReturnType<typeof serve>>) => Promise<void>): Promise<void> {
  const app = await serve(...args);
  try {
    await body(app);
  } finally {
    await app.close();
  }
}

describe('admission control for submissions', () => {
  it('works on at most `limit` at once; the others start in arrival order as turns free up, each in its own context', () => withApp([2, 60_000], async (app) => {
    const [a, b] = [app.send('a'), app.send('b')];
    await app.until(() => app.started.length === 2);
    const c = await app.queue('c');
    const d = await app.queue('d');
    expect(app.limiter.state()).to.deep.equal({ active: 2, waiting: 2, refused: 0 });
    expect(app.started).to.have.members(['a', 'b']);

    app.release('a');
    expect((await a.answer).status).to.equal(200);
    await app.until(() => app.started.length === 3);
    expect(app.started[2]).to.equal('c');
    app.release('b');
    await app.until(() => app.started.length === 4);
    expect(app.started[3]).to.equal('d');
    app.release('c');
    app.release('d');
    for (const each of [b, c, d]) expect((await each.answer).status).to.equal(200);
    await app.until(() => app.limiter.state().active === 0);
    // A request admitted when another one's answer freed its turn still runs in its own context.
    expect(app.contexts).to.deep.equal([['a', 'a'], ['b', 'b'], ['c', 'c'], ['d', 'd']]);
  }));

  it('answers 503 GATEWAY_BUSY with Retry-After after `maxWaitMs` without a turn, and never starts that submission', () => withApp([1, 150], async (app) => {
    const first = await app.begin('first');
    const late = await app.send('late').answer;
    expect(late.status).to.equal(503);
    expect(late.retryAfter).to.equal('1');
    expect(JSON.parse(late.body)).to.include({ code: 'GATEWAY_BUSY', status: 503, retryable: true });
    expect(app.limiter.state()).to.deep.equal({ active: 1, waiting: 0, refused: 1 });
    app.release('first');
    expect((await first.answer).status).to.equal(200);
    expect(app.started).to.deep.equal(['first']);
  }));

  it('answers 503 GATEWAY_BUSY at once when `maxWaiting` already wait (their bodies are held), and takes the waiting ones in turn', () => withApp([1, 60_000, 2], async (app) => {
    const first = await app.begin('first');
    const queued = [app.send('second'), app.send('third')];
    await app.until(() => app.limiter.state().waiting === 2);
    const full = await app.send('fourth').answer;
    expect(full.status).to.equal(503);
    expect(JSON.parse(full.body)).to.include({ code: 'GATEWAY_BUSY' });
    expect(app.limiter.state()).to.deep.equal({ active: 1, waiting: 2, refused: 1 });
    app.release('first');
    await app.until(() => app.started.length === 2);
    app.release('second');
    await app.until(() => app.started.length === 3);
    app.release('third');
    for (const each of [first, ...queued]) expect((await each.answer).status).to.equal(200);
    expect(app.started).to.deep.equal(['first', 'second', 'third']);
  }));

  it('drops a waiting submission whose client went away, and gives the turn to the next one', () => withApp([1, 60_000], async (app) => {
    const first = await app.begin('first');
    const gone = await app.queue('gone');
    const next = await app.queue('next');
    gone.abort();
    await gone.answer.catch(() => undefined);
    await app.until(() => app.limiter.state().waiting === 1);
    app.release('first');
    await first.answer;
    await app.until(() => app.started.length === 2);
    expect(app.started).to.deep.equal(['first', 'next']);
    app.release('next');
    expect((await next.answer).status).to.equal(200);
  }));

  it('frees the turn of a submission whose client went away while it was worked on', () => withApp([1, 60_000], async (app) => {
    const cut = await app.begin('cut');
    const next = await app.queue('next');
    cut.abort();
    await cut.answer.catch(() => undefined);
    await app.until(() => app.started.length === 2);
    app.release('next');
    expect((await next.answer).status).to.equal(200);
  }));

  it('refuses a limit that is not a positive integer', () => {
    expect(() => admission({ limit: 0, maxWaitMs: 1000 })).to.throw(RangeError);
  });
});
