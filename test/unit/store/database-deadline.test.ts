import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../../src/api/app.js';
import { buildOpenApi } from '../../../src/api/openapi/index.js';
import { PUBLIC, type Route } from '../../../src/api/routes/route.js';
import { TongbanError } from '../../../src/errors/index.js';
import { createLogger } from '../../../src/log/index.js';
import { databaseDeadline, runWithDatabaseDeadline, waitLimit } from '../../../src/store/index.js';

describe('database deadline (a request\'s budget for its database waits)', () => {
  it('outside a request, a wait keeps its own limit (or none)', () => {
    expect(waitLimit(400)).to.equal(400);
    expect(waitLimit(undefined)).to.equal(undefined);
  });

  it('inside one, a wait is cut to what is left; once spent, DATABASE_UNAVAILABLE before anything is sent', () => {
    runWithDatabaseDeadline(10_000, () => {
      expect(waitLimit(400, 9_000)).to.equal(400);
      expect(waitLimit(400, 9_900)).to.equal(100);
      expect(waitLimit(undefined, 9_900)).to.equal(100);
      let caught: unknown;
      try {
        waitLimit(400, 10_000);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(TongbanError);
      expect(caught).to.include({ code: 'DATABASE_UNAVAILABLE', status: 503, retryable: true });
    });
  });

  it('the app gives each request the configured budget from its arrival, through body parsing and awaits; a spent one answers 503 with Retry-After', async () => {
    const routes: Route[] = [
      { method: 'POST', path: '/test/deadline', access: PUBLIC, summary: 'deadline', handler: async (req, res) => {
        await new Promise((resolve) => setImmediate(resolve));
        res.json({ deadline: databaseDeadline(), echoed: req.body as unknown });
      } },
      { method: 'GET', path: '/test/spent', access: PUBLIC, summary: 'spent', handler: () => { waitLimit(1000, Number.MAX_SAFE_INTEGER); } },
    ];
    const app = createApp({ logger: createLogger({ level: 'silent' }), routes, bodyLimitBytes: 1024, databaseBudgetMs: 1500 });
    const before = Date.now();
    const answer = await request(app).post('/test/deadline').set('content-type', 'application/json').send('{"a":1}');
    expect(answer.status).to.equal(200);
    expect(answer.body.echoed).to.deep.equal({ a: 1 });
    expect(answer.body.deadline).to.be.within(before + 1500, Date.now() + 1500);

    const spent = await request(app).get('/test/spent');
    expect(spent.status).to.equal(503);
    expect(spent.body).to.include({ code: 'DATABASE_UNAVAILABLE', retryable: true });
    expect(spent.headers['retry-after']).to.equal('5');
  });

  it('the API description declares Retry-After on the 503 problems of routes that need the database', () => {
    const route: Route = { method: 'GET', path: '/v1/test/signed', access: { roles: ['platform'] }, summary: 'signed', handler: () => undefined };
    const document = buildOpenApi([route]) as unknown as { paths: Record<string, { get: { responses: Record<string, { headers: Record<string, unknown> }> } }> };
    const responses = document.paths['/v1/test/signed']!.get.responses;
    expect(responses['503']!.headers).to.have.property('Retry-After');
    expect(responses['401']!.headers).not.to.have.property('Retry-After');
  });
});
