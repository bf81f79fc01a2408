import { maxHeaderSize, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';
import { PROBLEM_CONTENT_TYPE, toProblem, TongbanError } from '../errors/index.js';
import { createExpressServer } from './express-server.js';

/** A listening HTTP server with a graceful stop. */
export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  /**
   * Stops accepting connections, lets in-flight requests finish for up to
   * `graceMs`, then cuts what is left. Resolves when the server is closed.
   */
  stop(graceMs: number): Promise<void>;
}

/**
 * Starts `app` on host:port (port 0 picks a free one). Once listening, a
 * server error (an accept that fails: EMFILE when file descriptors run out,
 * ENFILE, ECONNABORTED) goes to `onError`; unlistened, it would be thrown and
 * take the gateway down, where the right answer is to refuse that one
 * connection and keep serving the others.
 */
export async function listen(app: Express, host: string, port: number, onError: (error: Error) => void): Promise<RunningServer> {
  const server = createExpressServer(app);
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerClientError);
  // Answers still being written when a stop begins are told to close their
  // connection, so a drained keep-alive socket does not hold the stop open.
  const active = new Set<ServerResponse>();
  let draining = false;
  server.on('request', (_req, res: ServerResponse) => {
    if (draining) res.setHeader('Connection', 'close');
    active.add(res);
    res.on('close', () => active.delete(res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.on('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let stopping: Promise<void> | undefined;
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    stop(graceMs) {
      draining = true;
      for (const res of active) if (!res.headersSent) res.setHeader('Connection', 'close');
      stopping ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        // Idle keep-alive sockets would otherwise hold close() open until the grace period ends.
        server.closeIdleConnections();
      });
      return stopping;
    },
  };
}

/**
 * What the HTTP server answers a request it cannot parse, before any route
 * sees it. A request line and header fields beyond node's limit (a long path
 * parameter or query, which the signature's `htu` repeats) is refused like
 * every other request: a 431 problem with its code, not node's bare status
 * line. Anything else keeps node's own answer (400, or 408 for a request
 * that did not arrive in time); a socket already gone is just closed.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  let answer = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    const problem = JSON.stringify(toProblem(new TongbanError('REQUEST_HEADERS_TOO_LARGE', `The request line and header fields exceed the HTTP server's limit of ${maxHeaderSize} bytes; the path and query count, and so does the signature that repeats them`)));
    answer = `HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(problem)}\r\nConnection: close\r\n\r\n${problem}`;
  }
  socket.end(answer);
  // The client is told to close; one that does not keeps no socket open.
  setTimeout(() => socket.destroy(), 1000).unref();
}
