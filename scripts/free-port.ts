// Shared by the demo and the benchmarks: a TCP port that was free on 127.0.0.1 a moment ago.
import net from "node:net";

/** Binds port 0, reads the port the kernel chose, closes, and hands the number on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
