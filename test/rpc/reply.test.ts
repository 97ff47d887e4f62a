import { describe, expect, it } from "vitest";
import { RPC_ERROR_CODES, RpcError, formatErrorReply, formatReply, isFinalErrorCode, parseReply } from "../../src/rpc/index.js";

describe("formatReply and formatErrorReply", () => {
  it("end a result with a newline", () => {
    expect(formatReply("55")).toBe("55\n");
  });

  it("refuse a result with a line break: that is a handler bug", () => {
    expect(() => formatReply("a\nb")).toThrow(/one line/);
  });

  it("write an error as ERROR <code>: <message>", () => {
    expect(formatErrorReply(new RpcError("bad_argument", "N must be 0..10"))).toBe("ERROR bad_argument: N must be 0..10\n");
  });

  it("keep an error on one line whatever its message holds", () => {
    const reply = formatErrorReply(new RpcError("internal", "line one\nline two\r\u001b[31m" + "x".repeat(2000)));
    expect(reply.endsWith("\n")).toBe(true);
    // eslint-disable-next-line no-control-regex -- control characters are what must not pass
    expect(reply.slice(0, -1)).not.toMatch(/[\n\r\u001b]/);
    expect(reply.length).toBeLessThan(600);
  });
});

describe("parseReply", () => {
  it("reads a result with or without its final newline", () => {
    expect(parseReply("55\n")).toEqual({ kind: "value", value: "55" });
    expect(parseReply("55")).toEqual({ kind: "value", value: "55" });
  });

  it("reads every error code back as an RpcError, with or without the newline", () => {
    for (const code of RPC_ERROR_CODES) {
      for (const reply of [`ERROR ${code}: what went wrong\n`, `ERROR ${code}: what went wrong`]) {
        const outcome = parseReply(reply);
        expect(outcome.kind).toBe("error");
        if (outcome.kind !== "error") continue;
        expect(outcome.error).toBeInstanceOf(RpcError);
        expect(outcome.error.code).toBe(code);
        expect(outcome.error.message).toBe("what went wrong");
      }
    }
  });

  it("round-trips formatErrorReply", () => {
    const outcome = parseReply(formatErrorReply(new RpcError("too_large", "longer than 10 bytes")));
    expect(outcome.kind === "error" && [outcome.error.code, outcome.error.message]).toEqual(["too_large", "longer than 10 bytes"]);
  });

  it("calls an empty reply a transport failure", () => {
    expect(parseReply("")).toEqual({ kind: "empty" });
  });

  it("reads an ERROR reply it cannot understand as internal, quoting it", () => {
    for (const reply of ["ERROR exploded: boom\n", "ERROR no colon here\n"]) {
      const outcome = parseReply(reply);
      expect(outcome.kind === "error" && outcome.error.code).toBe("internal");
      expect(outcome.kind === "error" && outcome.error.message).toContain(reply.trim());
    }
  });

  it("drops only one final newline", () => {
    expect(parseReply("\n")).toEqual({ kind: "value", value: "" });
  });
});

describe("isFinalErrorCode", () => {
  it("says the request's own errors are final, and internal and timeout are worth a retry", () => {
    const final = RPC_ERROR_CODES.filter(isFinalErrorCode);
    expect(final).toEqual(["bad_request", "unknown_handler", "unknown_method", "bad_argument", "too_large"]);
  });
});
