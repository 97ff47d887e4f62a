// Free ports for tests: bind port 0, read the port the kernel chose, close, hand the number on.
// Another process could take it in between; in practice the kernel does not reuse it that fast.
import net from "node:net";

/** A TCP port that was free on `host` a moment ago. */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address !== "object") {
        server.close();
        reject(new Error("no TCP address after listen"));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** A port held by a listening server until `close()`: for "port in use" tests. */
export async function occupiedPort(host = "127.0.0.1"): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port: 0 }, resolve);
  });
  const address = server.address() as net.AddressInfo;
  return { port: address.port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
