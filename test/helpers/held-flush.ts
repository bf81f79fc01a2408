/** Flushes (fdatasync stand-ins) a test holds, releases or fails by hand. */

/** A WAL flush the test releases or fails by hand, recording the descriptors it was given. */
export function heldFlush() {
  const calls: { fd: number; release: () => void; fail: (error: Error) => void }[] = [];
  const waiters: (() => void)[] = [];
  return {
    calls,
    sync: (fd: number) => new Promise<void>((resolve, reject) => {
      calls.push({ fd, release: resolve, fail: reject });
      for (const waiter of waiters.splice(0)) waiter();
    }),
    /** Resolves once the flush has been asked for `count` times in all. */
    async asked(count: number): Promise<void> {
      while (calls.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

/** Lets the event loop turn `count` times. */
export async function turns(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}
