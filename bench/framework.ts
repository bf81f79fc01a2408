/**
 * What the HTTP framework alone costs: the same POST (a ~1 KB JSON body read
 * and parsed, a small JSON answer) served by a bare `node:http` server and by
 * an express 5 app set up the way the gateway's is (raw body parser, JSON
 * parse, a route table of the gateway's size, `res.status().json()`), each in
 * its own child process, 64 requests in flight over keep-alive loopback.
 * Reports the server CPU per request: the part of the intake gap to the
 * ceiling harness that is express itself, not Tongban's work. The third
 * server is the same express app on `createExpressServer` (requests born with
 * express's prototypes, as the gateway serves them). Never asserts.
 *
 * Run alone: `npm run bench -- framework`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, createServer, request, type IncomingMessage, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { createExpressServer } from '../src/api/express-server.js';

/** `express (born)`: the same app on {@link createExpressServer}, as the gateway and simulators serve. */
type Kind = 'node:http' | 'express' | 'express (born)';

const ANSWER = JSON.stringify({
  applicationId: '0192f3c4-5b6a-7c8d-9e0f-112233445566', status: 'received', themeCode: 'MX-T33',
  subApplications: [{ id: '0192f3c4-5b6a-7c8d-9e0f-112233445567', matterCode: '11441400MB2C92400X3442111800001', matterName: '结婚登记', departmentCode: 'wjj', status: 'queued', after: [] }],
  changedFromPrefill: [],
});
const PAYLOAD = JSON.stringify({
  themeCode: 'MX-T33', answers: {},
  form: { husband: { name: '张三', idNumber: '11010519491231002X', phone: '13800138000' }, wife: { name: '李四', idNumber: '440524188001010014' }, note: { text: '一'.repeat(300) } },
});
/** Routes in the gateway's table (other paths, so a request walks past them as it does there). */
const ROUTE_COUNT = 40;
const WARMUP_MS = 1000;
const MEASURE_MS = 4000;
const CONCURRENCY = 64;

/** The server side (child process). */
function serve(kind: Kind): void {
  let listener: RequestListener;
  if (kind === 'node:http') {
    listener = (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(202, { 'content-type': 'application/json; charset=utf-8' }).end(ANSWER);
      });
    };
  } else {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    app.set('query parser', 'simple');
    app.use(express.raw({ type: () => true, limit: 1_048_576 }));
    app.use((req, _res, next) => {
      req.body = JSON.parse((req.body as Buffer).toString('utf8'));
      next();
    });
    for (let index = 0; index < ROUTE_COUNT; index += 1) app.route(`/v1/other-${index}/:id`).get((_req, res) => { res.json({}); });
    app.route('/v1/applications').post((_req, _res, next) => next(), (_req, res) => { res.status(202).json(JSON.parse(ANSWER)); });
    listener = app;
  }
  const server = kind === 'express (born)' ? createExpressServer(listener as express.Express) : createServer(listener);
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('message', () => {
    const usage = process.cpuUsage();
    process.send!({ cpuMicros: usage.user + usage.system });
  });
}

async function measure(kind: Kind): Promise<Record<string, unknown>> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve', kind], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (message) => resolve((message as { port: number }).port));
      child.once('exit', (code) => reject(new Error(`${kind} server exited with ${String(code)}`)));
    });
    const cpu = () => new Promise<number>((resolve) => {
      child.once('message', (message) => resolve((message as { cpuMicros: number }).cpuMicros));
      child.send('cpu');
    });
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const post = () => new Promise<void>((resolve, reject) => {
      const outgoing = request({ port, host: '127.0.0.1', path: '/v1/applications', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(PAYLOAD) } },
        (answer: IncomingMessage) => { answer.resume(); answer.on('end', resolve); });
      outgoing.on('error', reject);
      outgoing.end(PAYLOAD);
    });
    let done = 0;
    let measuring = false;
    const end = Date.now() + WARMUP_MS + MEASURE_MS;
    const start = new Promise<{ cpu: number; done: number; at: number }>((resolve) => setTimeout(() => {
      measuring = true;
      void cpu().then((value) => resolve({ cpu: value, done, at: Date.now() }));
    }, WARMUP_MS));
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        await post();
        done += 1;
      }
    }));
    const first = await start;
    const cpuMicros = (await cpu()) - first.cpu;
    const requests = done - first.done;
    agent.destroy();
    return {
      benchmark: 'framework', case: `${kind}: POST ~1 KB JSON → 202 JSON, ${CONCURRENCY} in flight`,
      'ops/s': measuring ? Math.round(requests / ((Date.now() - first.at) / 1000)) : 0,
      'CPU µs/op': Math.round(cpuMicros / requests),
    };
  } finally {
    child.kill();
  }
}

export async function benchFramework(): Promise<Record<string, unknown>[]> {
  const kinds = ['node:http', 'express', 'express (born)'] as const;
  const rows: Record<string, unknown>[] = [];
  for (let round = 0; round < 2; round += 1) for (const kind of kinds) rows.push(await measure(kind));
  const [bare, framework, born] = kinds.map((kind) => {
    const own = rows.filter((row) => String(row['case']).startsWith(`${kind}:`)).map((row) => Number(row['CPU µs/op']));
    return Math.min(...own);
  });
  rows.push({ benchmark: 'framework', case: 'express adds per request (best of two each)', 'CPU µs/op': framework! - bare!, note: `express ÷ node:http CPU: ${(framework! / bare!).toFixed(1)}×` });
  rows.push({ benchmark: 'framework', case: 'express on createExpressServer adds (best of two)', 'CPU µs/op': born! - bare!, note: `÷ node:http CPU: ${(born! / bare!).toFixed(1)}×` });
  return rows;
}

if (process.argv[2] === '--serve') serve(process.argv[3] as Kind);
