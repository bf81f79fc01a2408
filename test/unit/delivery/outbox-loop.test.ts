/**
 * The loop every outbox worker runs: another round at once while one found
 * work, else a sleep that a notification or a settled send ends; a failed
 * round is reported; a stop waits for the round in progress and the sends in
 * flight. The idle sleep is an hour here, so that only those wake-ups can
 * move the loop on.
 */
import { expect } from 'chai';
import { OutboxLoop, type RoundPlan } from '../../../src/delivery/outbox-loop.js';

const HOUR = 3_600_000;

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => { resolve = done; });
  return { promise, resolve };
}

/** A round driven by the test: each call waits for the answer the test gives it. */
function scriptedRound() {
  const calls: { answer: (result: number | RoundPlan | Error) => void }[] = [];
  let called = deferred();
  const round = () => new Promise<number | RoundPlan>((resolve, reject) => {
    calls.push({ answer: (result) => (result instanceof Error ? reject(result) : resolve(result)) });
    called.resolve();
  });
  return {
    round, calls,
    /** Resolves once the round has been called `count` times in all. */
    async calledTimes(count: number) {
      while (calls.length < count) {
        await called.promise;
        called = deferred();
      }
    },
  };
}

/** Lets every pending callback run (an already-due wake-up would have started another round by then). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('OutboxLoop', () => {
  it('runs another round at once after one that claimed, and sleeps after an empty one until notified', async () => {
    const script = scriptedRound();
    const loop = new OutboxLoop(script.round, { idleMs: HOUR, onError: () => undefined });
    loop.start();
    await script.calledTimes(1);
    script.calls[0]!.answer(3);
    await script.calledTimes(2);
    script.calls[1]!.answer(0);
    await settle();
    expect(script.calls).to.have.length(2);
    loop.notify();
    await script.calledTimes(3);
    script.calls[2]!.answer(0);
    await loop.stop();
  });

  it('follows a round\'s own plan, and reports a failed round and goes on', async () => {
    const script = scriptedRound();
    const errors: string[] = [];
    const loop = new OutboxLoop(script.round, { idleMs: HOUR, onError: (error) => errors.push(error.message) });
    loop.start();
    await script.calledTimes(1);
    script.calls[0]!.answer({ again: true, sleepMs: HOUR });
    await script.calledTimes(2);
    script.calls[1]!.answer(new Error('database away'));
    await settle();
    expect(errors).to.deep.equal(['database away']);
    expect(script.calls).to.have.length(2);
    loop.notify();
    await script.calledTimes(3);
    script.calls[2]!.answer({ again: false, sleepMs: HOUR });
    await loop.stop();
  });

  it('counts tracked sends by weight; one that settles wakes the sleeping loop unless told not to', async () => {
    for (const wakes of [true, false]) {
      const script = scriptedRound();
      const loop = new OutboxLoop(script.round, { idleMs: HOUR, onError: () => undefined }, () => wakes);
      const send = deferred();
      loop.start();
      await script.calledTimes(1);
      loop.track(send.promise, 3);
      expect(loop.inFlight).to.equal(3);
      script.calls[0]!.answer(0);
      await settle();
      send.resolve();
      await settle();
      expect(loop.inFlight).to.equal(0);
      expect(script.calls, `woken: ${wakes}`).to.have.length(wakes ? 2 : 1);
      if (wakes) script.calls[1]!.answer(0);
      await loop.stop();
    }
  });

  it('stops without the idle sleep, once the round in progress and the sends in flight have settled', async () => {
    const script = scriptedRound();
    const loop = new OutboxLoop(script.round, { idleMs: HOUR, onError: () => undefined });
    const send = deferred();
    loop.start();
    await script.calledTimes(1);
    loop.track(send.promise);
    let stopped = false;
    const stopping = loop.stop().then(() => { stopped = true; });
    expect(loop.isRunning).to.equal(false);
    script.calls[0]!.answer(0);
    await settle();
    expect(stopped, 'stopped with a send in flight').to.equal(false);
    send.resolve();
    await stopping;
    expect(script.calls).to.have.length(1);
  });
});
