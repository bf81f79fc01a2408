/**
 * Upload benchmark: signed `POST /v1/materials` through the real gateway (a
 * child process, dispatcher off) over loopback, on the file blob store
 * (SQLite) and the PostgreSQL one (when TEST_DATABASE_URL's server answers):
 * MB/s and p99 latency for 1 MB and 10 MB files, and the gateway's peak RSS
 * while 20 clients upload 5 MB and 20 MB files at once (it must not grow
 * with the file size: bodies are streamed). Each file's bytes differ, so
 * every upload is a real write. Reports; never asserts. About a minute.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import pg from 'pg';
import { signRequest } from '../src/trust/sign-request.js';
import { benchEnvironment, gatewayEnv, percentile, startServerProcess, type BenchEnvironment, type ServerProcess } from './intake.js';

const MB = 1024 * 1024;
export const DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A distinct PDF-typed file of `size` bytes: a PDF header, a counter, then shared random bytes. */
function fileOf(base: Buffer, index: number): Buffer {
  const file = Buffer.from(base);
  file.write(`%PDF-1.7\n%${String(index).padStart(12, '0')}\n`, 0, 'latin1');
  return file;
}

/** One signed upload streamed in 64 KiB writes; resolves with the status and the latency (ms). */
async function upload(url: string, environment: BenchEnvironment, file: Buffer): Promise<{ status: number; ms: number }> {
  const headers = await signRequest({ method: 'POST', pathAndQuery: '/v1/materials', body: file, clientId: 'platform', key: environment.key('platform') });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL('/v1/materials', url), {
      method: 'POST', agent: false, headers: { ...headers, 'content-type': 'application/pdf', 'content-length': String(file.length) },
    }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode!, ms: performance.now() - started }));
    });
    request.on('error', reject);
    let offset = 0;
    const write = () => {
      while (offset < file.length) {
        const chunk = file.subarray(offset, offset + 64 * 1024);
        offset += chunk.length;
        if (!request.write(chunk)) { request.once('drain', write); return; }
      }
      request.end();
    };
    write();
  });
}

/** Resident set size of a process (kB → MB), from /proc. */
function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

async function throughput(url: string, environment: BenchEnvironment, size: number, count: number, concurrency: number, offset: number): Promise<Record<string, unknown>> {
  const base = randomBytes(size);
  const latencies: number[] = [];
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const index = next++;
      const result = await upload(url, environment, fileOf(base, offset + index));
      if (result.status === 201) latencies.push(result.ms); else failed += 1;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    'MB/s': Math.round((latencies.length * size) / MB / seconds), 'p50 ms': Math.round(percentile(latencies, 50)), 'p99 ms': Math.round(percentile(latencies, 99)),
    uploads: `${latencies.length}${failed ? ` (${failed} failed)` : ''}`,
  };
}

async function peakRss(server: ServerProcess, url: string, environment: BenchEnvironment, size: number, clients: number, offset: number): Promise<Record<string, unknown>> {
  const base = randomBytes(size);
  const files = Array.from({ length: clients }, (_, index) => fileOf(base, offset + index));
  const pid = server.child.pid!;
  const idle = rssMb(pid);
  let peak = idle;
  const sampler = setInterval(() => { peak = Math.max(peak, rssMb(pid)); }, 20);
  const started = performance.now();
  const results = await Promise.all(files.map((file) => upload(url, environment, file)));
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  return {
    'MB/s': Math.round((clients * size) / MB / seconds), 'p99 ms': Math.round(Math.max(...results.map((result) => result.ms))),
    uploads: `${results.filter((result) => result.status === 201).length}/${clients}${statusesOf(results)}`, 'RSS idle MB': Math.round(idle), 'RSS peak MB': Math.round(peak),
  };
}

/** The statuses other than 201, counted (`, 503×8`). */
function statusesOf(results: readonly { status: number }[]): string {
  const counts = new Map<number, number>();
  for (const { status } of results) if (status !== 201) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts].map(([status, count]) => `, ${status}×${count}`).join('');
}

/** Whether the PostgreSQL server of {@link DATABASE_URL} answers. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 1000 });
  try { await client.connect(); await client.end(); return true; } catch { return false; }
}

export async function benchMaterials(): Promise<Record<string, unknown>[]> {
  const environment = await benchEnvironment();
  const rows: Record<string, unknown>[] = [];
  const kinds: { name: string; env: Record<string, string> }[] = [{ name: 'file (SQLite)', env: { TONGBAN_BLOB_STORE: 'file' } }];
  if (await postgresAvailable()) {
    kinds.push({ name: 'PostgreSQL', env: { DATABASE_URL, TONGBAN_DATABASE_SCHEMA: `bench_materials_${process.pid}`, TONGBAN_BLOB_STORE: 'postgres' } });
  }
  for (const kind of kinds) {
    const sqlitePath = join(environment.dir, `materials-${rows.length}.db`);
    const env = gatewayEnv(environment, sqlitePath, { TONGBAN_DISPATCHER: 'false', TONGBAN_MATERIAL_SWEEP_INTERVAL_MS: '0', ...kind.env });
    delete env['TONGBAN_MATTER_SYSTEM_URL']; delete env['TONGBAN_MATTER_SYSTEM_APP_KEY']; delete env['TONGBAN_MATTER_SYSTEM_APP_SECRET']; delete env['TONGBAN_CATALOG_SYNC_INTERVAL_MS'];
    const server = await startServerProcess(['bin/tongban.js', 'serve'], env);
    try {
      let offset = 0;
      rows.push({ benchmark: `materials, ${kind.name}`, case: '1 MB files, 4 clients', ...await throughput(server.url, environment, MB, 60, 4, offset += 1000) });
      rows.push({ benchmark: `materials, ${kind.name}`, case: '10 MB files, 4 clients', ...await throughput(server.url, environment, 10 * MB, 12, 4, offset += 1000) });
      rows.push({ benchmark: `materials, ${kind.name}`, case: '20 clients × 5 MB at once', ...await peakRss(server, server.url, environment, 5 * MB, 20, offset += 1000) });
      rows.push({ benchmark: `materials, ${kind.name}`, case: '20 clients × 20 MB at once', ...await peakRss(server, server.url, environment, 20 * MB, 20, offset += 1000) });
    } finally {
      await server.stop();
      if (kind.env['TONGBAN_DATABASE_SCHEMA']) {
        const client = new pg.Client({ connectionString: DATABASE_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${kind.env['TONGBAN_DATABASE_SCHEMA']}" CASCADE`);
        await client.end();
      }
    }
  }
  return rows;
}
