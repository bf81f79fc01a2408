/**
 * A real S3-API server for the tests: s3rver (an npm devDependency, so
 * `npm ci` is all it needs), on a free port of 127.0.0.1, keeping its
 * objects in a temporary folder. It checks SigV4 signatures as S3 does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** s3rver's fixed credentials. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface S3Server {
  readonly endpoint: string;
  readonly bucket: string;
  close(): Promise<void>;
}

export async function startS3Server(bucket = 'tongban-blobs'): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'tongban-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
