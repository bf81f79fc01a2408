import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/index.js';
import { createBlobStore, StartupError } from '../../../src/gateway-setup.js';
import { createLogger } from '../../../src/log/index.js';

describe('createBlobStore (the composition root\'s blob store)', () => {
  it('opens the file store in TONGBAN_BLOB_DIR, and stops the start naming it when it cannot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tongban-blob-config-'));
    const logger = createLogger({ level: 'silent' });
    try {
      const blobs = await createBlobStore(loadConfig({ TONGBAN_BLOB_DIR: join(dir, 'blobs') }), logger);
      expect(blobs.kind).to.equal('file');
      const info = await blobs.put((async function* () { yield Buffer.from('x'); })());
      expect(await blobs.stat(info.sha256)).to.deep.equal(info);
      await blobs.close();

      const error = await createBlobStore(loadConfig({ TONGBAN_BLOB_DIR: join(dir, 'blobs', info.sha256.slice(0, 2), info.sha256.slice(2, 4), info.sha256) }), logger)
        .then(() => undefined, (caught: unknown) => caught);
      expect(error).to.be.instanceOf(StartupError);
      expect((error as Error).message).to.match(/^Cannot use the blob folder .+ \(TONGBAN_BLOB_DIR, default blobs\/ beside TONGBAN_SQLITE_PATH\): ENOTDIR/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads the S3 store when TONGBAN_BLOB_STORE=s3, and stops the start naming the bucket and endpoint it cannot reach', async () => {
    const config = loadConfig({
      TONGBAN_BLOB_STORE: 's3', TONGBAN_S3_BUCKET: 'tongban-unreachable', TONGBAN_S3_ENDPOINT: 'http://127.0.0.1:9',
      TONGBAN_S3_ACCESS_KEY_ID: 'key', TONGBAN_S3_SECRET_ACCESS_KEY: 'secret',
    });
    const error = await createBlobStore(config, createLogger({ level: 'silent' })).then(() => undefined, (caught: unknown) => caught);
    expect(error).to.be.instanceOf(StartupError);
    expect((error as Error).message).to.match(/^Cannot use the S3 bucket TONGBAN_S3_BUCKET=tongban-unreachable at TONGBAN_S3_ENDPOINT=http:\/\/127\.0\.0\.1:9: /);
  });
});
