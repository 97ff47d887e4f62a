import { describe, expect, it } from "vitest";
import { parseTarget, parseTargets, TargetError } from "../../../src/producer/dispatch/targets.js";

describe("targets", () => {
  it("reads PORT as 127.0.0.1:PORT", () => {
    expect(parseTarget("9000")).toEqual({ host: "127.0.0.1", port: 9000, name: "127.0.0.1:9000" });
  });

  it("reads HOST:PORT, names and bracketed IPv6 too", () => {
    expect(parseTarget("10.1.2.3:9001")).toMatchObject({ host: "10.1.2.3", port: 9001, name: "10.1.2.3:9001" });
    expect(parseTarget("localhost:80")).toMatchObject({ host: "localhost", port: 80 });
    expect(parseTarget("[::1]:9000")).toEqual({ host: "::1", port: 9000, name: "[::1]:9000" });
  });

  it.each(["", "abc", "0", "65536", "9000:", ":9000", "host:port", "1.2.3.4:99999", "-1", "9000.5", "::1:9000"])(
    "refuses %j with a message that says what is allowed",
    (text) => {
      expect(() => parseTarget(text)).toThrow(TargetError);
      expect(() => parseTarget(text)).toThrow(/PORT or HOST:PORT|from 1 to 65535/);
    },
  );

  it("needs at least one target and refuses the same one twice", () => {
    expect(() => parseTargets([])).toThrow(/no target/);
    expect(() => parseTargets(["9000", "127.0.0.1:9000"])).toThrow(/given twice/);
  });
});
