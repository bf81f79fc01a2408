// The SQLite ops reader's worker thread (src/store/ops-reader.ts): its own read-only connection to the gateway's
// database file, so long ops reads run beside the store's group commits (WAL lets readers and the writer run at
// once) instead of stopping the event loop that serves intake. Plain JavaScript: a worker does not inherit the
// TypeScript loader the gateway may have been started with.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.path, { readonly: true, fileMustExist: true, timeout: workerData.busyTimeoutMs });
db.pragma(`cache_size = -${workerData.cacheKib}`);
db.pragma('temp_store = MEMORY');
/** @type {Map<string, { statement: import('better-sqlite3').Statement, order: number[] }>} */
const cache = new Map();

function compile(sql) {
  let compiled = cache.get(sql);
  if (!compiled) {
    const order = [];
    const rewritten = sql.replace(/\$(\d+)/g, (_, n) => {
      order.push(Number(n) - 1);
      return '?';
    });
    compiled = { statement: db.prepare(rewritten), order };
    if (cache.size > 200) cache.clear();
    cache.set(sql, compiled);
  }
  return compiled;
}

parentPort.on('message', (message) => {
  if (message.close) {
    db.close();
    parentPort.close();
    return;
  }
  const { id, sql, params } = message;
  parentPort.postMessage({ id, started: true });
  try {
    const compiled = compile(sql);
    if (!compiled.statement.reader) throw Object.assign(new Error('the ops reader runs only statements that return rows'), { code: 'SQLITE_READONLY' });
    const rows = compiled.statement.all(...compiled.order.map((index) => params[index] ?? null));
    parentPort.postMessage({ id, rows });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String(error?.message ?? error), code: error?.code } });
  }
});
