// The Producer in process, on the real loop, against a tiny in-test consumer on a loopback port.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Summary } from "../../../src/producer/dispatch/events.js";
import type { Logger } from "../../../src/producer/telemetry/log.js";
import { Producer, type ProducerOptions } from "../../../src/producer/dispatch/producer.js";
import { runLoop } from "../../loop/run-loop.js";

/** A consumer that answers every request with `pong` and closes: enough for the workers to succeed. */
function pongServer(): Promise<{ port: number; close: () => void }> {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => {
      socket.on("error", () => socket.destroy()); // a reset by the producer is not this test's concern
      socket.once("data", () => socket.end("pong\n"));
    });
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ port, close: () => server.close() });
    });
  });
}

const servers: { close: () => void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

function options(port: number, overrides: Partial<ProducerOptions>): ProducerOptions {
  return {
    targets: [{ host: "127.0.0.1", port, name: `127.0.0.1:${port}` }],
    duration: undefined,
    timeout: 5,
    retries: 0,
    queueLimit: 100,
    queueTimeout: 30,
    statsEvery: 0,
    interval: 0.001,
    fibShare: 0.5,
    fibMin: 1,
    fibMax: 10,
    seed: 0,
    tasks: 20,
    ...overrides,
  };
}

const silent: Logger = { log() {} };

describe("a Producer", () => {
  it("fails the run, never a clean summary, when its payload throws", async () => {
    const server = await pongServer();
    servers.push(server);
    const bug = new Error("the gap function broke at task 10");
    const gap = (index: number): number => {
      if (index === 9) throw bug; // asked for the gap after the 10th task
      return 0.001;
    };
    const producer = new Producer(options(server.port, { gap }), silent);
    const outcome = await runLoop<Summary>(() => producer.run());
    expect(outcome).toEqual({ ok: false, error: bug });
  });

  it("ends with a summary of every task when its payload finishes", async () => {
    const server = await pongServer();
    servers.push(server);
    const producer = new Producer(options(server.port, { tasks: 10 }), silent);
    const outcome = await runLoop<Summary>(() => producer.run());
    expect(outcome).toMatchObject({ ok: true, value: { produced: 10, succeeded: 10, failed: 0, lost: 0 } });
  });
});
