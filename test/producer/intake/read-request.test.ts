import { connect as netConnect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { listen, type Operation } from "../../../src/loop/index.js";
import { readRequest, type ClientRequest } from "../../../src/producer/intake/read-request.js";
import { runValue } from "../../loop/run-loop.js";

const LIMITS = { maxRequestBytes: 64, readTimeoutSeconds: 0.5, quietSeconds: 0.1 };

/** Serves one client: `play` drives a plain Node socket; returns what readRequest made of it. */
async function readFrom(play: (socket: Socket) => void, limits = LIMITS): Promise<ClientRequest> {
  return runValue(function* (): Operation<ClientRequest> {
    const listener = yield* listen("127.0.0.1", 0);
    try {
      const socket = netConnect(listener.port, "127.0.0.1", () => play(socket));
      socket.on("error", () => {}); // the test's client may be reset by the test itself
      const client = yield* listener.accept();
      try {
        return yield* readRequest(client, limits);
      } finally {
        client.close();
        socket.destroy();
      }
    } finally {
      listener.close();
    }
  });
}

describe("readRequest: a front door reads a request as a consumer does (PROTOCOL §1)", () => {
  it("ends a request at its newline and drops a \\r before it", async () => {
    expect(await readFrom((s) => s.write("system ping\r\nmore"))).toEqual({ kind: "request", text: "system ping" });
  });

  it("ends a request at the client's half-close", async () => {
    expect(await readFrom((s) => s.end("system ping"))).toEqual({ kind: "request", text: "system ping" });
  });

  it("ends a request sent without a newline after the quiet period (as the Python clients do)", async () => {
    expect(await readFrom((s) => s.write("system ping"))).toEqual({ kind: "request", text: "system ping" });
  });

  it("gathers a request that arrives in pieces", async () => {
    const got = await readFrom((s) => {
      s.write("system");
      setTimeout(() => s.write(" ping\n"), 20);
    });
    expect(got).toEqual({ kind: "request", text: "system ping" });
  });

  it("refuses a request longer than the limit, without waiting for the rest", async () => {
    const got = await readFrom((s) => s.write("x".repeat(65)));
    expect(got.kind === "refused" && got.error.code).toBe("too_large");
  });

  it("refuses bytes that are not a request's (control bytes, empty)", async () => {
    const control = await readFrom((s) => s.write("system\tping\n"));
    expect(control.kind === "refused" && control.error.code).toBe("bad_request");
    const empty = await readFrom((s) => s.write("\n"));
    expect(empty.kind === "refused" && empty.error.code).toBe("bad_request");
  });

  it("answers timeout to a client that sends nothing within the read timeout", async () => {
    const started = performance.now();
    const got = await readFrom(() => {}, { ...LIMITS, readTimeoutSeconds: 0.2 });
    expect(got.kind === "refused" && got.error.code).toBe("timeout");
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("says the client is gone when it resets before its request is complete", async () => {
    expect(await readFrom((s) => s.resetAndDestroy())).toEqual({ kind: "gone" });
  });
});
