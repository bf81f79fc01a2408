import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { PUBLIC, type Route } from '../../src/api/routes/route.js';
import type { Gateway } from '../../src/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import { TEST_DATABASE_URL } from '../helpers/stores.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

describe('gateway and a PostgreSQL that goes away', () => {
  let proxy: TcpProxy;
  let gateway: Gateway;
  const schema = `tongban_gwloss_${process.pid}_${Date.now()}`;
  const dbRoute: Route = { method: 'GET', path: '/test/db', access: PUBLIC, summary: 'db', handler: async (_req, res) => {
    res.json((await gateway.store.query('SELECT 1 AS one')).rows);
  } };

  before(async () => {
    const url = new URL(TEST_DATABASE_URL);
    proxy = await new TcpProxy(url.hostname, Number(url.port || 5432)).start();
    url.port = String(proxy.port);
    ({ gateway } = await startTestGateway({ DATABASE_URL: url.toString(), TONGBAN_DATABASE_SCHEMA: schema }, { extraRoutes: [dbRoute] }));
  });

  after(async () => {
    proxy.restore();
    await gateway.store.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
    await gateway.close();
    await proxy.stop();
  });

  it('/readyz and requests answer 503 while the database is lost, and recover when it returns', async () => {
    expect((await fetch(`${gateway.url}/test/db`)).status).to.equal(200);
    proxy.cut();

    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).to.equal(503);
    expect(await ready.json()).to.nested.include({ status: 'unavailable', 'checks.database.ok': false });

    const refused = await fetch(`${gateway.url}/test/db`);
    expect(refused.status).to.equal(503);
    expect(refused.headers.get('content-type')).to.match(/problem\+json/);
    const problem = await refused.json() as Record<string, unknown>;
    expect(problem).to.include({ code: 'DATABASE_UNAVAILABLE', retryable: true });
    expect(JSON.stringify(problem)).not.to.match(/ECONN|127\.0\.0\.1/);

    proxy.restore();
    expect((await fetch(`${gateway.url}/readyz`)).status).to.equal(200);
    expect(await (await fetch(`${gateway.url}/test/db`)).json()).to.deep.equal([{ one: 1 }]);
  });
});

describe('starting without a reachable database', () => {
  it('exits non-zero with a message naming DATABASE_URL and the cause, password hidden', function () {
    this.timeout(30_000);
    const result = spawnSync(process.execPath, ['bin/tongban.js', 'serve'], {
      env: { PATH: process.env['PATH'], DATABASE_URL: 'postgres://tongban:s3cret@127.0.0.1:9/tongban', PORT: '0' },
      encoding: 'utf8',
    });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain('DATABASE_URL=postgres://tongban:****@127.0.0.1:9/tongban');
    expect(result.stderr).to.contain('ECONNREFUSED');
    expect(result.stderr).not.to.contain('s3cret');
  });

  it('exits non-zero naming each invalid variable', function () {
    this.timeout(30_000);
    const result = spawnSync(process.execPath, ['bin/tongban.js', 'serve'], {
      env: { PATH: process.env['PATH'], PORT: 'eighty', TONGBAN_LOG_LEVL: 'debug' },
      encoding: 'utf8',
    });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain('PORT: must be integer');
    expect(result.stderr).to.contain('TONGBAN_LOG_LEVL: unknown setting');
  });
});
