import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config/index.js';
import { openStore, SQLITE_CACHE_MB, SqliteStore } from '../../../src/store/index.js';

/** The connection's page cache as SQLite reports it (negative: KiB). */
function cacheSizeOf(store: SqliteStore): Promise<number> {
  return store.withDatabase((db) => db.pragma('cache_size', { simple: true }) as number);
}

describe('SQLite page cache bound', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tongban-cache-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is 16 MiB by default, whatever the database holds', async () => {
    const store = new SqliteStore({ path: join(dir, 'tongban.db') });
    try {
      // More than the cache: 20 MiB of rows, every page then read again.
      await store.query('CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB)');
      await store.transaction(async (tx) => {
        for (let index = 0; index < 320; index += 1) await tx.query('INSERT INTO filler (body) VALUES ($1)', [Buffer.alloc(64 * 1024, index)]);
      });
      expect((await store.query<{ total: number }>('SELECT sum(length(body)) AS total FROM filler')).rows[0]!.total).to.equal(320 * 64 * 1024);
      expect(SQLITE_CACHE_MB).to.equal(16);
      expect(await cacheSizeOf(store)).to.equal(-16 * 1024);
    } finally {
      await store.close();
    }
  });

  it('follows TONGBAN_SQLITE_CACHE_MB through the configuration', async () => {
    const config = loadConfig({ TONGBAN_SQLITE_PATH: join(dir, 'tongban.db'), TONGBAN_SQLITE_CACHE_MB: '4' });
    expect(config.sqliteCacheMb).to.equal(4);
    const store = openStore(config) as SqliteStore;
    try {
      expect(await cacheSizeOf(store)).to.equal(-4 * 1024);
    } finally {
      await store.close();
    }
  });

  it('refuses a cache of 0 MiB, naming the variable', () => {
    expect(() => loadConfig({ TONGBAN_SQLITE_CACHE_MB: '0' })).to.throw(ConfigError, /TONGBAN_SQLITE_CACHE_MB/);
  });
});
