/**
 * The department push path's HTTP client (adapters/common/http-client.ts
 * createPushClient) against node:http servers on real sockets: keep-alive
 * reuse, the keep-alive race retry (and when it must not retry), total
 * timeout, refused connections, answers too large, and idle connections that
 * never keep a process alive.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createRestDepartmentAdapter } from '../../../adapters/department-rest/index.js';
import { createSoapDepartmentAdapter } from '../../../adapters/department-soap/index.js';
import { createPushClient, isAnswerTooLarge, transportError, type PushClient } from '../../../adapters/common/http-client.js';
import { isUpstreamError, type UpstreamError } from '../../../src/domain/upstream-error.js';
import { generateKeyPair } from '../../../src/trust/index.js';
import { freePort } from '../../helpers/free-port.js';
import { waitFor } from '../../helpers/wait.js';
import { sampleDelivery } from './department-fake-tongban.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** What the test server saw of one request. */
interface Seen {
  connection: number;
  /** 1 for the first request on its connection, 2 for the second, … */
  onConnection: number;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void;

interface TestServer {
  url: string;
  server: Server;
  seen: Seen[];
  /** Connections accepted so far. */
  connections(): number;
  /** Connections the server saw closed so far. */
  closed(): number;
  /** Server-side sockets still open. */
  open(): Socket[];
  handle(handler: Handler): void;
  close(): Promise<void>;
}

const answerOk: Handler = (_req, res, seen) => {
  res.setHeader('x-body-bytes', String(Buffer.byteLength(seen.body)));
  res.setHeader('set-cookie', ['a=1', 'b=2']);
  res.end(`ok ${seen.path}`);
};

async function startServer(): Promise<TestServer> {
  const seen: Seen[] = [];
  const sockets = new Map<Socket, { id: number; requests: number }>();
  let accepted = 0;
  let closed = 0;
  let handler: Handler = answerOk;
  const server = createServer((req, res) => {
    const connection = sockets.get(req.socket)!;
    connection.requests += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry: Seen = { connection: connection.id, onConnection: connection.requests, path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(entry);
      handler(req, res, entry);
    });
  });
  // Long enough that the server never closes an idle connection during a test by itself.
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    accepted += 1;
    sockets.set(socket, { id: accepted, requests: 0 });
    socket.on('close', () => {
      closed += 1;
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    seen,
    connections: () => accepted,
    closed: () => closed,
    open: () => [...sockets.keys()],
    handle: (next) => { handler = next; },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function failure(promise: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  try {
    await promise;
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
  throw new Error('expected the post to fail');
}

async function upstreamFailure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await failure(promise);
  if (isUpstreamError(error)) return error;
  throw error;
}

describe('push client (node:http keep-alive, real sockets)', () => {
  let target: TestServer;
  const clients: PushClient[] = [];
  const clientFor = (settings: Partial<Parameters<typeof createPushClient>[0]> = {}) => {
    const client = createPushClient({ baseUrl: `${target.url}/prefix/`, timeoutMs: 2000, maxAnswerBytes: 1024, ...settings });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    target = await startServer();
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await target.close();
  });

  it('sends sequential posts over one kept-alive connection, under the base path, with headers as strings', async () => {
    const client = clientFor();
    const answers = [];
    for (const name of ['one', 'two', 'three']) answers.push(await client.post(`/${name}`, name === 'two' ? Buffer.from('二') : name, { 'content-type': 'text/plain; charset=utf-8', 'idempotency-key': `key-${name}` }));
    expect(answers.map((answer) => [answer.status, answer.body.toString('utf8')])).to.deep.equal([[200, 'ok /prefix/one'], [200, 'ok /prefix/two'], [200, 'ok /prefix/three']]);
    expect(target.seen.map((seen) => [seen.connection, seen.onConnection, seen.body, seen.headers['idempotency-key']]))
      .to.deep.equal([[1, 1, 'one', 'key-one'], [1, 2, '二', 'key-two'], [1, 3, 'three', 'key-three']]);
    expect(target.connections()).to.equal(1);
    expect(target.seen[1]!.headers['content-length']).to.equal(String(Buffer.byteLength('二')));
    expect(answers[0]!.headers).to.include({ 'x-body-bytes': '3', 'set-cookie': 'a=1, b=2', 'content-length': String('ok /prefix/one'.length) });
  });

  it('hands any status back to the caller with its body, and keeps the connection', async () => {
    target.handle((_req, res) => { res.statusCode = 503; res.end('busy'); });
    const client = clientFor();
    const answer = await client.post('/x', '{}', {});
    expect([answer.status, answer.body.toString()]).to.deep.equal([503, 'busy']);
    await client.post('/x', '{}', {});
    expect(target.connections()).to.equal(1);
  });

  describe('the keep-alive race', () => {
    it('the server closed the idle connection and the client has not seen it yet → the next post succeeds on a fresh connection', async () => {
      const client = clientFor();
      await client.post('/first', 'a', {});
      // Same tick: the close has not reached the client's event loop, so its pool still offers the dead connection.
      for (const socket of target.open()) socket.destroy();
      const answer = await client.post('/second', 'b', {});
      expect(answer.status).to.equal(200);
      expect(target.seen.map((seen) => [seen.connection, seen.path])).to.deep.equal([[1, '/prefix/first'], [2, '/prefix/second']]);
    });

    for (const how of ['close', 'reset'] as const) {
      it(`a request dropped (${how}) on a reused connection before any answer is sent once more, on a fresh connection`, async () => {
        target.handle((req, res, seen) => {
          if (seen.onConnection === 2) return void (how === 'reset' ? req.socket.resetAndDestroy() : req.socket.destroy());
          answerOk(req, res, seen);
        });
        const client = clientFor();
        await client.post('/first', 'a', {});
        const answer = await client.post('/second', 'b', { 'idempotency-key': 'k-2' });
        expect(answer.status).to.equal(200);
        expect(target.seen.map((seen) => [seen.connection, seen.onConnection, seen.path, seen.headers['idempotency-key']])).to.deep.equal([
          [1, 1, '/prefix/first', undefined], [1, 2, '/prefix/second', 'k-2'], [2, 1, '/prefix/second', 'k-2'],
        ]);
      });
    }

    it('the retry takes a fresh connection, never another pooled one that may be just as stale', async () => {
      target.handle((req, res, seen) => {
        if (seen.onConnection >= 2) return void req.socket.destroy();
        answerOk(req, res, seen);
      });
      const client = clientFor();
      await Promise.all([client.post('/first', 'a', {}), client.post('/first', 'b', {})]);
      expect(target.connections()).to.equal(2);
      const answer = await client.post('/second', 'c', {});
      expect(answer.status).to.equal(200);
      expect(target.seen.filter((seen) => seen.path === '/prefix/second').map((seen) => seen.onConnection)).to.deep.equal([2, 1]);
      expect(target.connections()).to.equal(3);
    });

    it('is retried once only: a retry that is dropped too fails the post', async () => {
      target.handle((req, res, seen) => {
        if (seen.path === '/prefix/second') return void req.socket.destroy();
        answerOk(req, res, seen);
      });
      const client = clientFor();
      await client.post('/first', 'a', {});
      const error = await failure(client.post('/second', 'b', {}));
      expect(error.code).to.equal('ECONNRESET');
      expect(transportError('department', 'deliver', error)).to.include({ kind: 'connection', retryable: true });
      expect(target.seen.filter((seen) => seen.path === '/prefix/second')).to.have.length(2);
    });

    it('a reset on a fresh connection is not retried', async () => {
      target.handle((req) => req.socket.resetAndDestroy());
      const error = await failure(clientFor().post('/only', 'a', {}));
      expect(error.code).to.equal('ECONNRESET');
      expect(transportError('department', 'deliver', error)).to.include({ kind: 'connection', retryable: true });
      expect(target.seen).to.have.length(1);
      expect(target.connections()).to.equal(1);
    });

    it('a connection closed in the middle of the answer\'s status line is not retried, even on a reused connection', async () => {
      target.handle((req, res, seen) => {
        if (seen.onConnection === 1) return answerOk(req, res, seen);
        req.socket.write('HTTP/1.1 200 OK\r\ncontent-', () => req.socket.destroy());
      });
      const client = clientFor();
      await client.post('/first', 'a', {});
      const error = await failure(client.post('/second', 'b', {}));
      expect(transportError('department', 'deliver', error)).to.include({ kind: 'connection' });
      expect(target.seen).to.have.length(2);
    });

    it('an answer cut after its first bytes is not retried, even on a reused connection', async () => {
      target.handle((req, res, seen) => {
        if (seen.onConnection === 1) return answerOk(req, res, seen);
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial', () => req.socket.destroy());
      });
      const client = clientFor();
      await client.post('/first', 'a', {});
      const error = await failure(client.post('/second', 'b', {}));
      expect(error.code).to.equal('ECONNRESET');
      expect(transportError('department', 'deliver', error)).to.include({ kind: 'connection' });
      expect(target.seen).to.have.length(2);
    });
  });

  describe('failures', () => {
    it('no answer within timeoutMs → ETIMEDOUT (UpstreamError timeout), and the request is destroyed', async () => {
      target.handle(() => undefined);
      const error = await failure(clientFor({ timeoutMs: 150 }).post('/hang', 'a', {}));
      expect(error.code).to.equal('ETIMEDOUT');
      expect(transportError('department', 'deliver', error)).to.include({ kind: 'timeout', retryable: true, code: 'UPSTREAM_TIMEOUT' });
      await waitFor(() => target.closed() === 1, { timeoutMs: 2000, what: 'the timed-out connection to close' });
    });

    it('the timeout covers the whole answer: one that starts but never finishes → timeout', async () => {
      target.handle((_req, res) => {
        res.writeHead(200, { 'content-length': '100' });
        res.write('{"start":');
      });
      const error = await failure(clientFor({ timeoutMs: 150 }).post('/drip', 'a', {}));
      expect(transportError('department', 'deliver', error)).to.include({ kind: 'timeout' });
    });

    it('nothing listening → ECONNREFUSED (UpstreamError connection), not retried', async () => {
      const client = createPushClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2000 });
      clients.push(client);
      const error = await failure(client.post('/x', 'a', {}));
      expect(error.code).to.equal('ECONNREFUSED');
      expect(transportError('department', 'deliver', error)).to.include({ kind: 'connection', retryable: true });
    });

    for (const framing of ['content-length', 'chunked'] as const) {
      it(`an answer over maxAnswerBytes (${framing}) → answer too large, and the connection is dropped`, async () => {
        target.handle((_req, res) => {
          const body = 'x'.repeat(1025);
          if (framing === 'content-length') return void res.writeHead(200, { 'content-length': String(body.length) }).end(body);
          res.writeHead(200);
          res.write(body.slice(0, 1000));
          res.end(body.slice(1000));
        });
        const error = await failure(clientFor().post('/big', 'a', {}));
        expect(isAnswerTooLarge(error), String(error)).to.equal(true);
        expect(error.message).to.contain('answer too large');
        await waitFor(() => target.closed() === 1, { timeoutMs: 2000, what: 'the connection to be dropped' });
      });
    }

    it('an answer of exactly maxAnswerBytes is read whole', async () => {
      target.handle((_req, res) => { res.writeHead(200); res.end('y'.repeat(1024)); });
      expect((await clientFor().post('/edge', 'a', {})).body.length).to.equal(1024);
    });

    it('close() destroys idle connections', async () => {
      const client = clientFor();
      await client.post('/x', 'a', {});
      client.close();
      await waitFor(() => target.closed() === 1, { timeoutMs: 2000, what: 'the idle connection to close' });
    });

    it('close() fails a post in flight on a reused connection without retrying it', async () => {
      target.handle((req, res, seen) => {
        if (seen.onConnection === 1) answerOk(req, res, seen);
      });
      const client = clientFor();
      await client.post('/first', 'a', {});
      const inFlight = failure(client.post('/second', 'b', {}));
      await waitFor(() => target.seen.length === 2, { timeoutMs: 2000, what: 'the second post to reach the server' });
      client.close();
      expect((await inFlight).code).to.equal('ECONNRESET');
      expect(target.seen).to.have.length(2);
    });

    it('a base URL with an IPv6 literal', async function () {
      const local = createServer((req, res) => { req.resume(); req.on('end', () => res.end(req.url)); });
      const listening = await new Promise<boolean>((resolve) => {
        local.once('error', () => resolve(false));
        local.listen(0, '::1', () => resolve(true));
      });
      if (!listening) this.skip(); // a host without IPv6 loopback
      try {
        const client = createPushClient({ baseUrl: `http://[::1]:${(local.address() as AddressInfo).port}/v6` });
        clients.push(client);
        expect((await client.post('/x', 'a', {})).body.toString()).to.equal('/v6/x');
      } finally {
        local.closeAllConnections();
        await new Promise((resolve) => local.close(resolve));
      }
    });
  });

  describe('department adapters on the push client', () => {
    for (const kind of ['rest', 'soap'] as const) {
      it(`${kind}: an answer over 256 KiB → the adapter's malformed error, status 0, not retryable`, async () => {
        target.handle((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('x'.repeat(256 * 1024 + 1)); });
        const keys = await generateKeyPair('EdDSA');
        const settings = { baseUrl: target.url, departmentCode: 'gaj', signingKey: keys.privateJwk, departmentPublicKeys: [keys.publicJwk], timeoutMs: 2000 };
        const adapter = kind === 'rest' ? createRestDepartmentAdapter(settings) : createSoapDepartmentAdapter(settings);
        const error = await upstreamFailure(adapter.deliver(sampleDelivery({ departmentCode: 'gaj' })));
        expect(error).to.include({ kind: 'malformed', retryable: false, upstreamStatus: 0, system: 'department', operation: 'deliver' });
        expect(error.message).to.equal('department gaj answered the delivery with an answer too large to be a receipt');
      });
    }
  });

  it('idle keep-alive connections never keep a process alive', async function () {
    this.timeout(30_000);
    const script = `
      import { createPushClient } from './adapters/common/http-client.ts';
      const client = createPushClient({ baseUrl: process.argv[1], idleSocketMs: 60000 });
      const answer = await client.post('/x', 'a', {});
      process.stdout.write(String(answer.status));
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, target.url], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let bound: NodeJS.Timeout | undefined;
    const tooLong = new Promise<never>((_resolve, reject) => {
      bound = setTimeout(() => reject(new Error(`the child did not exit within 20 s (output: ${output})`)), 20_000);
    });
    try {
      // The server keeps the connection 60 s and so would the client's pool: only an unref'd idle socket lets the child end now.
      const code = await Promise.race([exited, tooLong]);
      expect([code, output]).to.deep.equal([0, '200']);
      expect(target.seen).to.have.length(1);
    } finally {
      clearTimeout(bound);
      if (child.exitCode === null) child.kill();
    }
  });
});
