/**
 * A client's look-up is urgent (QueryOptions.urgent): every `cacheMs` a
 * client's next request waits on it before anything else, so on SQLite it
 * must not queue behind a long group of submissions.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, SqliteStore } from '../../../src/store/index.js';
import { exportJWK, generateKeyPair } from 'jose';
import { ClientRegistry, parseClientsFile } from '../../../src/trust/client-registry.js';
import { busy } from '../../helpers/wait.js';

describe('client look-ups on SQLite', () => {
  let dir: string;
  let store: SqliteStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongban-registry-'));
    store = new SqliteStore({ path: join(dir, 'db.sqlite'), sliceMs: 2 });
    await migrate(store);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are answered during a long group of other work, before the rest of it', async () => {
    const registry = new ClientRegistry(store);
    const { publicKey } = await generateKeyPair('EdDSA');
    await registry.upsert(parseClientsFile({ clients: [{ id: 'ops', role: 'ops', algorithms: ['EdDSA'], keys: [{ ...await exportJWK(publicKey), kid: 'k1', alg: 'EdDSA' }] }] }));
    let answered = 0;
    let lookedUp: Promise<{ answeredBefore: number; id: string | undefined }> | undefined;
    const work = Array.from({ length: 40 }, (_, index) => store.transaction(async (tx) => {
      if (index === 0) {
        setImmediate(() => {
          lookedUp = registry.resolve('ops').then((client) => ({ answeredBefore: answered, id: client?.id }));
        });
      }
      busy(0.5);
      await tx.query('SELECT 1');
    }).then(() => { answered += 1; }));
    await Promise.all(work);
    const seen = await lookedUp!;
    expect(seen.id).to.equal('ops');
    expect(seen.answeredBefore, 'answered with the group it joined, before the rest of the queue').to.be.below(40);
  });
});
