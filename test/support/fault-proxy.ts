import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP fault proxy on loopback in front of a real server (the config service, a broker): while
 * `cut`, every open connection is reset and new ones are reset on accept, so the client sees the
 * link fail at once (no hang), as when a network path or a firewall drops a pod's traffic.
 */
export class FaultProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private isCut = false;

  private constructor(
    private readonly target: { host: string; port: number },
    server?: Server,
  ) {
    this.server = server ?? createServer((client) => this.accept(client));
  }

  /** Starts a proxy to `targetUrl` (http://host:port) on an ephemeral loopback port. */
  static async start(targetUrl: string): Promise<FaultProxy> {
    const { hostname, port } = new URL(targetUrl);
    const proxy = new FaultProxy({ host: hostname, port: Number(port) });
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  cut(): void {
    this.isCut = true;
    for (const s of this.sockets) s.resetAndDestroy();
  }

  restore(): void {
    this.isCut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.isCut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.target.port, this.target.host);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        this.sockets.delete(a);
        b.destroy();
      });
    }
  }
}
