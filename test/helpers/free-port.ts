import { createServer, type AddressInfo } from 'node:net';

/** A free TCP port on 127.0.0.1 (the system picks it; a simulator or child process binds it moments later). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
