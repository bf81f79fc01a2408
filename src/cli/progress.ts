/**
 * Progress for long CLI work, on stderr so stdout stays parseable: a bar
 * redrawn in place on a terminal; on a pipe or file, a line at most every
 * 10 % (and at the end), so logs stay short.
 */
import { userInfo } from 'node:os';

export interface Progress {
  /** Work done so far (absolute). */
  update(done: number): void;
  /** Ends the bar with a final line. */
  finish(message?: string): void;
}

const WIDTH = 30;

export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let lastDecile = -1;
  let done = 0;
  const render = () => {
    const ratio = total === 0 ? 1 : Math.min(1, done / total);
    const filled = Math.round(ratio * WIDTH);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} ${Math.round(ratio * 100)}%`;
  };
  return {
    update(value) {
      done = value;
      if (tty) { stream.write(`\r${render()}`); return; }
      const decile = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (decile > lastDecile && done < total) { lastDecile = decile; stream.write(`${render()}\n`); }
    },
    finish(message) {
      stream.write(`${tty ? '\r' : ''}${render()}${message ? `  ${message}` : ''}\n`);
    },
  };
}

/** A step of work whose size is unknown: one line when it starts, one when it ends (with the time it took). */
export function step(label: string, stream: NodeJS.WriteStream = process.stderr): { done(result: string): void } {
  const started = Date.now();
  stream.write(`… ${label}\n`);
  return { done: (result) => { stream.write(`✓ ${label}: ${result} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`); } };
}

/** Who runs the CLI, for the audit trail (`cli:<user>`). */
export function cliActor(): string {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    name = process.env['USER'];
  }
  return `cli:${name || 'unknown'}`;
}
