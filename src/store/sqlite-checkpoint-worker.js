// The SQLite checkpointer's worker thread (src/store/sqlite-checkpointer.ts): its own connection to the gateway's
// database file, copying committed WAL frames into the database file (PASSIVE: never waits for, never blocks the
// writer or readers) every `intervalMs`. Plain JavaScript: a worker does not inherit the TypeScript loader the
// gateway may have been started with.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.path, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
// The copy is on disk (the database file synced) before the WAL may be reused: the writer's durability is unchanged.
db.pragma('synchronous = FULL');
db.pragma('cache_size = -1024');
// This connection never checkpoints by itself on commit (it never writes).
db.pragma('wal_autocheckpoint = 0');

// Other files checkpointed with it (the jti journal beside the store): copied at every checkpoint, never reported.
const others = (workerData.alsoPaths ?? []).map((path) => {
  const other = new Database(path, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
  other.pragma('synchronous = FULL');
  other.pragma('cache_size = -256');
  other.pragma('wal_autocheckpoint = 0');
  return other;
});

/** Most passes in a row while the writer keeps adding frames (each pass copies only what the last one left). */
const MAX_PASSES = 4;

/** Copies what the WAL holds; answers the WAL's frames and how many of them are in the database file. */
function checkpoint() {
  for (const other of others) {
    try {
      other.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Its writer checkpoints by itself past its fallback: nothing is lost by a pass that failed.
    }
  }
  let result = { busy: 0, log: 0, checkpointed: 0 };
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    [result] = db.pragma('wal_checkpoint(PASSIVE)');
    // Every frame copied: the writer's next transaction starts the WAL again from its beginning.
    if (result.busy || result.log <= 0 || result.checkpointed >= result.log) break;
  }
  return { log: result.log, checkpointed: result.checkpointed };
}

let closed = false;
let last = { log: 0, checkpointed: 0 };
const timer = setInterval(() => {
  try {
    const result = checkpoint();
    if (result.checkpointed > 0 && (result.log !== last.log || result.checkpointed !== last.checkpointed)) parentPort.postMessage(result);
    last = result;
  } catch (error) {
    parentPort.postMessage({ error: { message: String(error?.message ?? error), code: error?.code } });
  }
}, workerData.intervalMs);

parentPort.on('message', (message) => {
  if (message.close && !closed) {
    closed = true;
    clearInterval(timer);
    for (const other of others) other.close();
    db.close();
    parentPort.close();
  } else if (message.now && !closed) {
    try {
      last = checkpoint();
      parentPort.postMessage({ ...last, requested: true });
    } catch (error) {
      parentPort.postMessage({ error: { message: String(error?.message ?? error), code: error?.code }, requested: true });
    }
  }
});
