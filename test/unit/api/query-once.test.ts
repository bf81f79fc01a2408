import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../../src/api/app.js';
import { PUBLIC, type Route } from '../../../src/api/routes/route.js';
import { createLogger } from '../../../src/log/index.js';

describe('the query string (parsed once per request)', () => {
  const routes: Route[] = [
    { method: 'GET', path: '/test/query', access: PUBLIC, summary: 'query', handler: (req, res) => {
      const first = req.query;
      res.json({ same: req.query === first, query: first, again: req.query });
    } },
  ];
  const app = createApp({ logger: createLogger({ level: 'silent' }), routes, bodyLimitBytes: 1024 });

  it('every read of req.query is the one object parsed when the request came in, with what the simple parser gives', async () => {
    const answer = await request(app).get('/test/query?a=1&b=%E5%87%BA%E7%94%9F&a=2&c=');
    expect(answer.status).to.equal(200);
    expect(answer.body.same).to.equal(true);
    expect(answer.body.query).to.deep.equal({ a: ['1', '2'], b: '出生', c: '' });
    expect(answer.body.again).to.deep.equal(answer.body.query);
  });

  it('a request without a query string reads an empty query', async () => {
    const answer = await request(app).get('/test/query');
    expect(answer.status).to.equal(200);
    expect(answer.body.query).to.deep.equal({});
  });

  it('nested keys stay flat strings (no object from the query string)', async () => {
    const answer = await request(app).get('/test/query?holder[code]=1&__proto__=x');
    expect(answer.body.query).to.deep.equal(JSON.parse('{"holder[code]":"1","__proto__":"x"}'));
  });
});
