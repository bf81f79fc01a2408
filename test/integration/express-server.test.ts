import { expect } from 'chai';
import express, { type Request, type Response } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createExpressServer } from '../../src/api/express-server.js';

/** An express app that reports, for each request, the prototypes its req and res were born with. */
function probeApp() {
  const app = express();
  const born: { req: object | null; res: object | null }[] = [];
  app.use(express.raw({ type: () => true }));
  const sub = express();
  sub.get('/here', (req: Request, res: Response) => { res.json({ subApp: Object.getPrototypeOf(req) === sub.request, path: req.path }); });
  app.use('/sub', sub);
  app.post('/echo/:id', (req: Request, res: Response) => {
    res.status(201).set('x-id', req.params['id']!).json({ id: req.params['id'], query: req.query, length: (req.body as Buffer).length, type: req.get('content-type') });
  });
  const inner = app as unknown as { handle: (req: object, res: object, next: unknown) => void };
  const handle = inner.handle.bind(app);
  inner.handle = (req, res, next) => {
    born.push({ req: Object.getPrototypeOf(req) as object, res: Object.getPrototypeOf(res) as object });
    handle(req, res, next);
  };
  return { app, born, sub };
}

async function listening(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('express server (requests born with the app\'s prototypes)', () => {
  let server: Server;
  afterEach(() => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));

  it('hands express requests and answers that already have app.request and app.response as prototypes', async () => {
    const { app, born } = probeApp();
    server = createExpressServer(app);
    const url = await listening(server);
    await fetch(`${url}/echo/7`, { method: 'POST', body: 'abc', headers: { 'content-type': 'text/plain' } });
    expect(born).to.have.length(1);
    expect(born[0]!.req).to.equal(app.request);
    expect(born[0]!.res).to.equal(app.response);
  });

  it('serves routes, params, query, bodies and answers as a plain node:http server does', async () => {
    const answers: unknown[] = [];
    for (const make of [(app: express.Express) => createExpressServer(app), undefined]) {
      const { app } = probeApp();
      const { createServer } = await import('node:http');
      server = make ? make(app) : createServer(app);
      const url = await listening(server);
      const answer = await fetch(`${url}/echo/42?a=1&b=x`, { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } });
      const sub = await fetch(`${url}/sub/here`);
      const missing = await fetch(`${url}/nowhere`);
      answers.push({ status: answer.status, id: answer.headers.get('x-id'), body: await answer.json(), sub: await sub.json(), missing: missing.status });
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    server = createExpressServer(express());
    await listening(server);
    expect(answers[0]).to.deep.equal(answers[1]);
    expect(answers[0]).to.deep.equal({
      status: 201, id: '42', body: { id: '42', query: { a: '1', b: 'x' }, length: 5, type: 'text/plain' },
      sub: { subApp: true, path: '/here' }, missing: 404,
    });
  });
});
