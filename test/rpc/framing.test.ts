import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RequestFramer, RpcError, decodeRequestBytes, type FrameResult } from "../../src/rpc/index.js";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function feed(framer: RequestFramer, ...chunks: (string | Uint8Array)[]): FrameResult {
  let result: FrameResult = framer.state;
  for (const chunk of chunks) result = framer.push(typeof chunk === "string" ? bytes(chunk) : chunk);
  return result;
}

function rejectedCode(result: FrameResult): string | undefined {
  return result.status === "rejected" ? result.error.code : undefined;
}

describe("RequestFramer: where a request ends", () => {
  it("ends a request at the first newline", () => {
    expect(feed(new RequestFramer(), "system ping\n")).toEqual({ status: "complete", text: "system ping", endedBy: "newline" });
  });

  it("drops a \\r right before the newline (CRLF)", () => {
    expect(feed(new RequestFramer(), "system ping\r\n")).toMatchObject({ status: "complete", text: "system ping" });
  });

  it("assembles a request split across chunks, even a CRLF split in two", () => {
    expect(feed(new RequestFramer(), "sys", "tem pi", "ng\r", "\n")).toMatchObject({ status: "complete", text: "system ping" });
  });

  it("ignores whatever follows the first newline: one connection, one request", () => {
    const framer = new RequestFramer();
    expect(feed(framer, "system ping\nsystem pong\n")).toMatchObject({ status: "complete", text: "system ping" });
    expect(feed(framer, "more bytes")).toMatchObject({ status: "complete", text: "system ping" });
  });

  it("keeps reading while no newline has come", () => {
    expect(feed(new RequestFramer(), "system ping")).toEqual({ status: "incomplete" });
  });

  it("takes everything received as the request when the client half-closes", () => {
    const framer = new RequestFramer();
    feed(framer, "system ping");
    expect(framer.end()).toEqual({ status: "complete", text: "system ping", endedBy: "end" });
  });

  it("takes everything received as the request after the quiet period", () => {
    const framer = new RequestFramer();
    feed(framer, "system ping");
    expect(framer.quiet()).toEqual({ status: "complete", text: "system ping", endedBy: "quiet" });
  });

  it("does not end a request on quiet before the first byte: silence is the read timeout's business", () => {
    expect(new RequestFramer().quiet()).toEqual({ status: "incomplete" });
  });

  it("gives the same verdict again once it has one", () => {
    const framer = new RequestFramer();
    const first = feed(framer, "system ping\n");
    expect(framer.end()).toBe(first);
    expect(framer.quiet()).toBe(first);
  });
});

describe("RequestFramer: bad_request", () => {
  it("rejects an empty request: a bare newline, or a half-close with nothing sent", () => {
    expect(rejectedCode(feed(new RequestFramer(), "\n"))).toBe("bad_request");
    expect(rejectedCode(feed(new RequestFramer(), "\r\n"))).toBe("bad_request");
    expect(rejectedCode(new RequestFramer().end())).toBe("bad_request");
  });

  it("rejects invalid UTF-8", () => {
    for (const junk of [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) {
      const result = feed(new RequestFramer(), bytes("system "), Uint8Array.from(junk), bytes("\n"));
      expect(rejectedCode(result), `bytes ${junk.join(",")}`).toBe("bad_request");
    }
  });

  it("accepts multi-byte UTF-8, even split across chunks", () => {
    const text = bytes("neural_analyzer polarity café 😀\n");
    expect(feed(new RequestFramer(), text.subarray(0, 28), text.subarray(28))).toMatchObject({
      status: "complete",
      text: "neural_analyzer polarity café 😀",
    });
  });

  it("rejects every control byte (a tab included) and DEL", () => {
    for (const control of [...Array.from({ length: 32 }, (_, i) => i).filter((b) => b !== 0x0a), 0x7f]) {
      const result = feed(new RequestFramer(), bytes("system"), Uint8Array.of(control), bytes("ping\n"));
      expect(rejectedCode(result), `byte 0x${control.toString(16)}`).toBe("bad_request");
    }
  });

  it("rejects a \\r that is not right before the final newline", () => {
    expect(rejectedCode(feed(new RequestFramer(), "system\r ping\n"))).toBe("bad_request");
    expect(rejectedCode(feed(new RequestFramer(), "system ping\r\r\n"))).toBe("bad_request");
    const halfClosed = new RequestFramer();
    feed(halfClosed, "system ping\r");
    expect(rejectedCode(halfClosed.end())).toBe("bad_request");
  });

  it("says which byte is wrong and why", () => {
    const result = feed(new RequestFramer(), "system\tping\n");
    expect(result.status === "rejected" && result.error.message).toMatch(/0x09 at byte 6/);
  });
});

describe("RequestFramer: too_large", () => {
  it("accepts a request of exactly the limit, with or without CRLF", () => {
    expect(feed(new RequestFramer(10), "a".repeat(10) + "\n").status).toBe("complete");
    expect(feed(new RequestFramer(10), "a".repeat(10) + "\r", "\n").status).toBe("complete");
  });

  it("rejects a request one byte over the limit", () => {
    expect(rejectedCode(feed(new RequestFramer(10), "a".repeat(11) + "\n"))).toBe("too_large");
  });

  it("rejects as soon as the limit is passed, without waiting for the rest", () => {
    const framer = new RequestFramer(10);
    expect(feed(framer, "a".repeat(10))).toEqual({ status: "incomplete" });
    const result = feed(framer, "b");
    expect(result).toMatchObject({ status: "rejected", endedBy: "limit" });
    expect(rejectedCode(result)).toBe("too_large");
  });

  it("defaults to 64 KiB", () => {
    expect(feed(new RequestFramer(), "a".repeat(64 * 1024) + "\n").status).toBe("complete");
    expect(rejectedCode(feed(new RequestFramer(), "a".repeat(64 * 1024 + 1)))).toBe("too_large");
  });

  it("keeps at most the limit plus one chunk in memory", () => {
    const framer = new RequestFramer(100);
    for (let i = 0; i < 1000; i++) framer.push(bytes("x".repeat(50)));
    expect(framer.bytesReceived).toBeLessThanOrEqual(150);
  });

  it("refuses a limit that is not a positive integer", () => {
    expect(() => new RequestFramer(0)).toThrow(RangeError);
    expect(() => new RequestFramer(1.5)).toThrow(RangeError);
  });
});

describe("RequestFramer: any bytes at all", () => {
  it("always reaches a verdict at end of stream, and never throws", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 }), fc.integer({ min: 1, max: 100 }), (chunks, limit) => {
        const framer = new RequestFramer(limit);
        for (const chunk of chunks) framer.push(chunk);
        const result = framer.end();
        expect(result.status).not.toBe("incomplete");
        if (result.status === "complete") {
          expect(result.text.length).toBeGreaterThan(0);
          // eslint-disable-next-line no-control-regex -- control characters are what must not pass
          expect(result.text).not.toMatch(/[\u0000-\u001f\u007f]/);
        }
      }),
    );
  });
});

describe("decodeRequestBytes", () => {
  it("decodes valid text and throws RpcError bad_request otherwise", () => {
    expect(decodeRequestBytes(bytes("system ping"))).toBe("system ping");
    expect(() => decodeRequestBytes(Uint8Array.of(0xff))).toThrow(RpcError);
    expect(() => decodeRequestBytes(new Uint8Array())).toThrow(/empty request/);
  });
});
