/**
 * A process that streams an endless file into a blob store, reporting each
 * chunk the store has taken (`streamed <bytes>`), until it is killed. Run by
 * blob-store-kill.test.ts: `node --import tsx blob-put-process.ts '<spec JSON>'`.
 */
import { randomBytes } from 'node:crypto';
import { openBlobStore } from '../helpers/blob-stores.js';

const blobs = await openBlobStore(JSON.parse(process.argv[2]!));
let streamed = 0;
async function* endless(): AsyncGenerator<Buffer> {
  for (;;) {
    // Asked for the next chunk: the store has taken all before it.
    process.stdout.write(`streamed ${streamed}\n`);
    const chunk = randomBytes(64 * 1024);
    streamed += chunk.length;
    yield chunk;
    await new Promise((resolve) => setTimeout(resolve, 1)); // a slow client
  }
}
await blobs.put(endless());
