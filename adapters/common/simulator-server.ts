import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createExpressServer } from '../../src/api/express-server.js';

/** A simulator listening on a real socket. */
export interface RunningSimulator {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Starts an express app on host:port (port 0 = any free port); `close` cuts open connections. */
export async function listenSimulator(app: Express, options: { host?: string; port?: number } = {}): Promise<RunningSimulator> {
  const server = createExpressServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    server,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
