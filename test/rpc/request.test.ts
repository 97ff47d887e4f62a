import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RpcError, formatCommand, formatRequest, parseRequest } from "../../src/rpc/index.js";

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof RpcError) return error.code;
    throw error;
  }
  return undefined;
}

describe("parseRequest", () => {
  it("splits handler, method and positional string arguments", () => {
    expect(parseRequest("calculator calculate 2 + 2")).toEqual({ handler: "calculator", method: "calculate", args: ["2", "+", "2"] });
  });

  it("takes one or more spaces as a separator and ignores spaces at either end", () => {
    expect(parseRequest("   system    ping   ")).toEqual({ handler: "system", method: "ping", args: [] });
    expect(parseRequest("neural_analyzer  polarity   good  day")).toMatchObject({ args: ["good", "day"] });
  });

  it("rejects an empty or all-space request with bad_request", () => {
    expect(codeOf(() => parseRequest(""))).toBe("bad_request");
    expect(codeOf(() => parseRequest("     "))).toBe("bad_request");
  });

  it("rejects fewer than 2 tokens with bad_request", () => {
    expect(codeOf(() => parseRequest("system"))).toBe("bad_request");
    expect(codeOf(() => parseRequest("  system  "))).toBe("bad_request");
  });

  it("rejects control characters, a tab included, with bad_request", () => {
    expect(codeOf(() => parseRequest("system\tping"))).toBe("bad_request");
    expect(codeOf(() => parseRequest("system ping\u007f"))).toBe("bad_request");
  });

  it("keeps the case and any other character of the tokens", () => {
    expect(parseRequest("System PING café, 😀!")).toEqual({ handler: "System", method: "PING", args: ["café,", "😀!"] });
  });
});

describe("formatCommand and formatRequest", () => {
  it("join tokens with single spaces; formatRequest adds the newline", () => {
    const request = { handler: "fibonacci_generator", method: "calculate", args: ["10"] };
    expect(formatCommand(request)).toBe("fibonacci_generator calculate 10");
    expect(formatRequest(request)).toBe("fibonacci_generator calculate 10\n");
  });

  it("refuse a token that would not come back the same", () => {
    for (const bad of ["", "two words", "tab\there", "line\n"]) {
      expect(codeOf(() => formatCommand({ handler: "h", method: "m", args: [bad] })), JSON.stringify(bad)).toBe("bad_request");
    }
  });

  it("round-trip through parseRequest", () => {
    // eslint-disable-next-line no-control-regex -- tokens never hold whitespace or control characters
    const token = fc.string({ minLength: 1, maxLength: 12 }).filter((t) => !/[\s\u0000-\u001f\u007f]/.test(t));
    fc.assert(
      fc.property(token, token, fc.array(token, { maxLength: 5 }), (handler, method, args) => {
        expect(parseRequest(formatCommand({ handler, method, args }))).toEqual({ handler, method, args });
      }),
    );
  });
});
