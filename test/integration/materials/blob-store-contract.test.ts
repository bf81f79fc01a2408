/**
 * The blob store contract (docs/materials.md §10), run against every kind on
 * real storage: content addressing, atomic visibility, the size limit,
 * verified reads, and streaming without holding a file in memory.
 */
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BlobIntegrityError, BlobNotFoundError, BlobTooLargeError, type BlobStore } from '../../../src/domain/materials.js';
import { createPostgresBlobStore } from '../../../src/materials/blob-stores/postgres-blob-store.js';
import { PostgresStore, runWithDatabaseDeadline } from '../../../src/store/index.js';
import { allPassed } from '../../helpers/stores.js';
import { blobStoreFixtures, openBlobStore, type BlobStoreSpec } from '../../helpers/blob-stores.js';
import { rejection } from '../../helpers/rejection.js';

const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function* chunksOf(bytes: Buffer, size = 64 * 1024): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

// Garbage (the chunks already written) is collected on demand, so RSS shows what is held, not what awaits collection.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Bytes of any length, made chunk by chunk (never the whole in memory); no two chunks alike. */
function* pattern(chunkBytes: number, chunks: number): Generator<Buffer> {
  const base = randomBytes(chunkBytes);
  for (let index = 0; index < chunks; index++) {
    const chunk = Buffer.from(base);
    chunk.writeUInt32BE(index, 0);
    yield chunk;
  }
}

for (const fixture of blobStoreFixtures()) {
  describe(`blob store: ${fixture.kind}`, function () {
    this.timeout(60_000);
    let spec: BlobStoreSpec;
    let blobs: BlobStore;

    before(async () => {
      spec = await fixture.setUp();
      blobs = await openBlobStore(spec);
    });
    after(async function () {
      await blobs?.close();
      await fixture.tearDown(allPassed(this.test!.parent!));
    });
    afterEach(async () => {
      for (const name of await fixture.blobNames()) await blobs.delete(name);
    });

    it('puts, reads back, states and deletes a blob named by its SHA-256', async () => {
      const bytes = randomBytes(300_000);
      const info = await blobs.put(chunksOf(bytes));
      expect(info).to.deep.equal({ sha256: sha256Of(bytes), size: bytes.length });
      expect(blobs.kind).to.equal(fixture.kind);
      expect(await blobs.stat(info.sha256)).to.deep.equal(info);
      expect((await readAll(await blobs.get(info.sha256))).equals(bytes)).to.equal(true);
      expect(await fixture.blobNames()).to.deep.equal([info.sha256]);
      expect(await fixture.leftovers()).to.deep.equal([]);

      await blobs.delete(info.sha256);
      expect(await blobs.stat(info.sha256)).to.equal(undefined);
      const missing = await rejection(blobs.get(info.sha256));
      expect(missing).to.be.instanceOf(BlobNotFoundError);
      expect((missing as BlobNotFoundError).code).to.equal('BLOB_NOT_FOUND');
      await blobs.delete(info.sha256); // absent: no error
      expect(await fixture.blobNames()).to.deep.equal([]);
    });

    it('stores an empty file, and treats a name that is no SHA-256 as absent', async () => {
      const info = await blobs.put(chunksOf(Buffer.alloc(0)));
      expect(info).to.deep.equal({ sha256: sha256Of(Buffer.alloc(0)), size: 0 });
      expect((await readAll(await blobs.get(info.sha256))).length).to.equal(0);
      expect(await blobs.stat('../../etc/passwd')).to.equal(undefined);
      expect(await rejection(blobs.get(info.sha256.toUpperCase()))).to.be.instanceOf(BlobNotFoundError);
    });

    it('stores the same bytes once, however often they are put', async () => {
      const bytes = randomBytes(100_000);
      const first = await blobs.put(chunksOf(bytes));
      const second = await blobs.put(chunksOf(bytes, 7_000));
      expect(second).to.deep.equal(first);
      expect(await fixture.blobNames()).to.deep.equal([first.sha256]);
      expect(await fixture.leftovers()).to.deep.equal([]);
    });

    it('stores concurrent puts of the same content once, each answering its name', async () => {
      const bytes = randomBytes(600_000);
      const answers = await Promise.all(Array.from({ length: 6 }, (_, index) => blobs.put(chunksOf(bytes, 10_000 + index * 1_000))));
      for (const answer of answers) expect(answer).to.deep.equal({ sha256: sha256Of(bytes), size: bytes.length });
      expect(await fixture.blobNames()).to.deep.equal([sha256Of(bytes)]);
      expect(await fixture.leftovers()).to.deep.equal([]);
      expect((await readAll(await blobs.get(sha256Of(bytes)))).equals(bytes)).to.equal(true);
    });

    it('keeps nothing of a source that fails midway, and rejects with its error', async () => {
      const failure = new Error('the client went away');
      async function* failing() {
        yield randomBytes(400_000);
        yield randomBytes(400_000);
        throw failure;
      }
      expect(await rejection(blobs.put(failing()))).to.equal(failure);
      expect(await fixture.blobNames()).to.deep.equal([]);
      expect(await fixture.leftovers()).to.deep.equal([]);
    });

    it('refuses a source past limitBytes with BlobTooLargeError, reading no further and keeping nothing', async () => {
      let pulled = 0;
      async function* large() {
        for (let index = 0; index < 10; index++) {
          pulled++;
          yield randomBytes(100_000);
        }
      }
      const error = await rejection(blobs.put(large(), { limitBytes: 250_000 }));
      expect(error).to.be.instanceOf(BlobTooLargeError);
      expect((error as BlobTooLargeError).code).to.equal('BLOB_TOO_LARGE');
      expect((error as BlobTooLargeError).limitBytes).to.equal(250_000);
      expect(pulled).to.equal(3);
      expect(await fixture.blobNames()).to.deep.equal([]);
      expect(await fixture.leftovers()).to.deep.equal([]);

      const exact = randomBytes(250_000);
      expect(await blobs.put(chunksOf(exact), { limitBytes: 250_000 })).to.deep.equal({ sha256: sha256Of(exact), size: 250_000 });
    });

    it('refuses on read, with BlobIntegrityError before the stream ends, a blob changed behind its back', async () => {
      const bytes = randomBytes(700_000);
      const info = await blobs.put(chunksOf(bytes));
      await fixture.corrupt(info.sha256);
      const stream = await blobs.get(info.sha256);
      let read = 0;
      const error = await rejection((async () => { for await (const chunk of stream) read += chunk.byteLength; })());
      expect(error).to.be.instanceOf(BlobIntegrityError);
      expect((error as BlobIntegrityError).code).to.equal('BLOB_INTEGRITY');
      expect((error as BlobIntegrityError).sha256).to.equal(info.sha256);
      expect((error as BlobIntegrityError).actual).to.match(/^[0-9a-f]{64}$/).and.not.equal(info.sha256);
      expect(read).to.equal(bytes.length);
    });

    it('streams in and out whatever is left of the request\'s database budget: a file comes at the client\'s pace', async () => {
      const bytes = randomBytes(600_000);
      const spent = Date.now() - 1;
      const info = await runWithDatabaseDeadline(spent, () => blobs.put(chunksOf(bytes)));
      const read = await runWithDatabaseDeadline(spent, async () => readAll(await blobs.get(info.sha256)));
      expect(read.equals(bytes)).to.equal(true);
    });

    it('streams a 100 MB file in and out without holding it in memory', async function () {
      // It measures memory, not time: 100 MiB through a store with fsync can take minutes on a loaded 2-core machine.
      this.timeout(240_000);
      const chunkBytes = 256 * 1024;
      const chunks = 400; // 100 MiB
      const expected = createHash('sha256');
      // What is held, after a collection: the heap and the memory outside it (Buffers). RSS would also count what
      // the allocator freed but kept, which other tests in the same process leave behind.
      const held = () => {
        collectGarbage();
        const usage = process.memoryUsage();
        return usage.heapUsed + usage.external;
      };
      const baseline = held();
      let peak = baseline;
      const measure = (index: number) => {
        if (index % 16 !== 0) return;
        peak = Math.max(peak, held());
      };
      let pulled = 0;
      async function* source() {
        for (const chunk of pattern(chunkBytes, chunks)) {
          expected.update(chunk);
          measure(pulled++);
          yield chunk;
        }
      }
      const info = await blobs.put(source());
      expect(info).to.deep.equal({ sha256: expected.digest('hex'), size: chunkBytes * chunks });
      const read = createHash('sha256');
      let size = 0;
      let received = 0;
      for await (const chunk of await blobs.get(info.sha256)) {
        read.update(chunk);
        size += chunk.byteLength;
        measure(received++);
      }
      expect({ sha256: read.digest('hex'), size }).to.deep.equal(info);
      // Loose: holding the file would add 100 MiB; what is in flight stays far below (the database client's
      // hex-encoded rows, the S3 store's two 5 MiB parts and the in-process S3 server's own buffers: 20–28 MiB seen).
      expect(peak - baseline, 'memory held (bytes)').to.be.below(40 * 1024 * 1024);
    });
  });
}

describe('blob store: postgres, uploads take turns', function () {
  this.timeout(30_000);
  const fixture = blobStoreFixtures().find((candidate) => candidate.kind === 'postgres')!;
  let spec: Extract<BlobStoreSpec, { kind: 'postgres' }>;

  before(async () => {
    spec = await fixture.setUp() as Extract<BlobStoreSpec, { kind: 'postgres' }>;
  });
  after(async function () {
    await fixture.tearDown(allPassed(this.test!.parent!));
  });

  /** A source that yields one chunk, then waits for `release` before its last. */
  function held(bytes: Buffer): { source: AsyncGenerator<Buffer>; started: Promise<void>; release: () => void } {
    let release!: () => void;
    let started!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const began = new Promise<void>((resolve) => { started = resolve; });
    async function* source() {
      started();
      yield bytes.subarray(0, 10);
      await gate;
      yield bytes.subarray(10);
    }
    return { source: source(), started: began, release };
  }

  it('a put beyond the concurrent ones waits without a connection and goes on when one ends; past its wait it is DATABASE_UNAVAILABLE, keeping nothing', async () => {
    const blobs = createPostgresBlobStore({ store: new PostgresStore({ connectionString: spec.connectionString, schema: spec.schema }), ownsStore: true, concurrentPuts: 1, queueTimeoutMs: 300 });
    try {
      const first = held(randomBytes(100));
      const firstPut = blobs.put(first.source);
      await first.started;
      // The second waits its turn; its source is not read meanwhile, and past the wait it fails as unavailable.
      let read = false;
      const refused = await rejection(blobs.put((async function* () { read = true; yield randomBytes(10); })()));
      expect(refused).to.include({ code: 'DATABASE_UNAVAILABLE' });
      expect(read, 'a waiting put reads nothing').to.equal(false);
      // A third waits and goes through once the first ends.
      const third = randomBytes(50);
      const thirdPut = blobs.put(chunksOf(third));
      first.release();
      expect((await firstPut).size).to.equal(100);
      expect((await thirdPut).sha256).to.equal(sha256Of(third));
      expect((await fixture.blobNames()).length).to.equal(2);
    } finally {
      await blobs.close();
    }
  });
});
