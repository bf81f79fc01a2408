/**
 * kill -9 in the middle of a blob upload, for every blob store kind: no blob
 * becomes visible, nothing partial is committed, and a store opened
 * afterwards cleans what the dead writer left.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { blobStoreFixtures, openBlobStore, type BlobStoreSpec } from '../helpers/blob-stores.js';
import { allPassed } from '../helpers/stores.js';
import { waitFor } from '../helpers/wait.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Starts the writer, waits until it has streamed `bytes` into the store, SIGKILLs it and waits for it to be gone. */
async function killMidUpload(spec: BlobStoreSpec, bytes: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/reliability/blob-put-process.ts', JSON.stringify(spec)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let streamed = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    streamed = Number(/streamed (\d+)\n[^\n]*$/.exec(output)?.[1] ?? streamed);
  });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitFor(() => {
      if (child.exitCode !== null) throw new Error(`the writer exited (${child.exitCode}):\n${output.slice(-2000)}`);
      return streamed >= bytes;
    }, { timeoutMs: 30_000, what: `the writer to stream ${bytes} bytes` });
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  expect(child.signalCode).to.equal('SIGKILL');
}

const MID_UPLOAD_BYTES = { file: 1 << 20, postgres: 2 << 20, s3: 12 << 20 } as const; // s3: past two multipart parts

for (const fixture of blobStoreFixtures()) {
  describe(`blob store: ${fixture.kind}, writer killed with SIGKILL mid-upload`, function () {
    this.timeout(60_000);
    let spec: BlobStoreSpec;

    before(async () => { spec = await fixture.setUp(); });
    after(async function () { await fixture.tearDown(allPassed(this.test!.parent!)); });

    it('shows no blob, commits nothing partial, and a store opened afterwards works and is clean', async () => {
      await killMidUpload(spec, MID_UPLOAD_BYTES[fixture.kind]);
      expect(await fixture.blobNames()).to.deep.equal([]);
      const left = await fixture.leftovers();
      if (fixture.kind === 'file') {
        // The dead writer's temporary file: never under a blob name; kept while it may be a live write…
        expect(left).to.have.length(1);
        await (await openBlobStore(spec)).close();
        expect(await fixture.leftovers()).to.deep.equal(left);
        // …and removed by the next store to open once it is stale.
        const old = new Date(Date.now() - 3600_000);
        utimesSync(join((spec as { dir: string }).dir, left[0]!), old, old);
      } else {
        // PostgreSQL: the transaction died with its connection; S3: the multipart upload never completed.
        expect(left).to.deep.equal([]);
      }
      const blobs = await openBlobStore(spec);
      try {
        expect(await fixture.leftovers()).to.deep.equal([]);
        const bytes = randomBytes(100_000);
        const info = await blobs.put((async function* () { yield bytes; })());
        expect(info.sha256).to.equal(createHash('sha256').update(bytes).digest('hex'));
        expect(await fixture.blobNames()).to.deep.equal([info.sha256]);
      } finally {
        await blobs.close();
      }
    });
  });
}
