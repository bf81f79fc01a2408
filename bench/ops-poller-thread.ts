/**
 * The ops poller's worker thread (ops-poller.ts): runs an {@link OpsSweeper}
 * on an event loop of its own and answers each command with every latency
 * recorded so far.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { OpsSweeper, type PollerSession } from './ops-poller.js';

const sweeper = new OpsSweeper(workerData as PollerSession);
const port = parentPort!;
port.on('message', async (message: { id: number; op: 'start' | 'stop' | 'sweep' | 'reset'; periodMs?: number }) => {
  if (message.op === 'start') {
    sweeper.start(message.periodMs!);
    return;
  }
  if (message.op === 'stop') await sweeper.stop();
  else if (message.op === 'sweep') await sweeper.sweep();
  else sweeper.reset();
  port.postMessage({ id: message.id, latencies: [...sweeper.latencies], failures: [...sweeper.failures] });
});
