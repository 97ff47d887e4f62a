// A TCP proxy in front of a server, for tests that cut a connection the way a network failure
// does: `cut()` destroys every proxied connection at once, without a goodbye from either side.
import net from "node:net";

export interface TcpProxy {
  /** The proxy's port on 127.0.0.1. */
  readonly port: number;
  /** Connections open through it now. */
  readonly open: () => number;
  /** Destroys every connection through it (both sides), frozen ones too. New connections are still accepted. */
  cut(): void;
  /** Stops forwarding on every connection, without closing any: a peer that hangs, or a network that drops everything. */
  freeze(): void;
  /** Stops listening and cuts everything. */
  close(): Promise<void>;
}

/** Starts a proxy on a free port of 127.0.0.1 that forwards to 127.0.0.1:`targetPort`. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  let frozen = false;
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: "127.0.0.1", port: targetPort });
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const drop = (): void => {
      if (frozen) return; // a frozen network carries no news of a close either
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    // A reset on either side ends both: what a broken network looks like to each end.
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, resolve);
  });
  const cut = (): void => {
    frozen = false;
    for (const [client, upstream] of [...pairs]) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    pairs.clear();
  };
  const freeze = (): void => {
    frozen = true;
    for (const [client, upstream] of pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  };
  return {
    port: (server.address() as net.AddressInfo).port,
    open: () => pairs.size,
    cut,
    freeze,
    close: () =>
      new Promise<void>((resolve) => {
        cut();
        server.close(() => resolve());
      }),
  };
}
