import { createServer, Socket, type AddressInfo, type Server } from 'node:net';

/**
 * What the proxy does with traffic:
 * - `forward`: passes bytes both ways;
 * - `black-hole`: keeps every connection open and accepts new ones, but
 *   passes no byte in either direction (a database that stops answering
 *   without closing anything: a partition, a frozen host);
 * - `reset`: drops every open connection and refuses new ones.
 */
export type ProxyMode = 'forward' | 'black-hole' | 'reset';

/** One client connection and, once forwarding began, its upstream. */
interface Link {
  readonly client: Socket;
  upstream: Socket | undefined;
  /** Bytes pass only while true; a link black-holed once never forwards again (the bytes it swallowed are gone). */
  forwarding: boolean;
}

/**
 * A fault-injecting TCP proxy: put it between the gateway and a real server
 * (PostgreSQL, a simulator) and cut, black-hole or restore the link, instead
 * of stubbing internals.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly links = new Set<Link>();
  private current: ProxyMode = 'forward';
  port = 0;
  /** Chunks received from clients (on loopback, one per write the client made: corked statements arrive as one). */
  clientChunks = 0;

  constructor(private readonly targetHost: string, private readonly targetPort: number) {}

  get mode(): ProxyMode {
    return this.current;
  }

  /** Connections open right now (held in a black hole or forwarding). */
  get openConnections(): number {
    return this.links.size;
  }

  async start(): Promise<this> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  private accept(client: Socket): void {
    if (this.current === 'reset') {
      client.destroy();
      return;
    }
    const link: Link = { client, upstream: undefined, forwarding: this.current === 'forward' };
    this.links.add(link);
    const forget = () => {
      this.links.delete(link);
      client.destroy();
      link.upstream?.destroy();
    };
    client.on('error', forget).on('close', forget);
    client.on('data', (chunk: Buffer) => {
      this.clientChunks += 1;
      if (link.forwarding) link.upstream?.write(chunk);
    });
    // A connection accepted in a black hole is held: no upstream, no byte back, until its client gives up.
    if (!link.forwarding) return;
    client.pause();
    const upstream = new Socket();
    link.upstream = upstream;
    upstream.on('error', forget).on('close', forget);
    upstream.on('data', (chunk: Buffer) => {
      if (link.forwarding) client.write(chunk);
    });
    upstream.connect(this.targetPort, this.targetHost, () => client.resume());
  }

  /** Sets the mode (see ProxyMode). */
  set(mode: ProxyMode): void {
    this.current = mode;
    if (mode === 'black-hole') {
      for (const link of this.links) link.forwarding = false;
    } else if (mode === 'reset') {
      for (const link of this.links) {
        link.client.destroy();
        link.upstream?.destroy();
      }
      this.links.clear();
    }
  }

  /** Drops every open connection and refuses new ones until restore(). */
  cut(): void {
    this.set('reset');
  }

  /** Keeps connections open but passes no more bytes, until restore(); connections black-holed stay so. */
  blackHole(): void {
    this.set('black-hole');
  }

  /** Forwards new connections again. */
  restore(): void {
    this.set('forward');
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
