import { describe, expect, it } from "vitest";
import { answerFor, queueFull } from "../../../src/producer/intake/answer.js";
import { STATUS_OF } from "../../../src/producer/intake/http.js";

const failed = (reason: string, error: string, attempts = 1) => ({ ok: false as const, reason, error, target: "127.0.0.1:9000", attempts });

describe("what a front door answers at a task's final state (PROTOCOL §6)", () => {
  it("passes a result and a consumer's ERROR back unchanged", () => {
    expect(answerFor({ ok: true, reply: "55", target: "127.0.0.1:9000" }, 30)).toEqual({ line: "55", code: undefined });
    expect(answerFor(failed("bad_argument", "ERROR bad_argument: calculate takes …"), 30)).toEqual({ line: "ERROR bad_argument: calculate takes …", code: "bad_argument" });
    expect(answerFor(failed("internal", "ERROR internal: boom", 3), 30)).toEqual({ line: "ERROR internal: boom", code: "internal" });
  });

  it("says unavailable, with why, when nobody could serve the request now", () => {
    expect(answerFor(failed("no_consumer", "no_consumer", 0), 30)?.line).toBe("ERROR unavailable: no consumer up for 30 s");
    expect(answerFor(failed("shutdown", "shutdown", 0), 30)?.line).toBe("ERROR unavailable: shutting down");
    expect(answerFor(failed("refused", "connection refused by 127.0.0.1:9000", 3), 30)?.line).toBe(
      "ERROR unavailable: connection refused by 127.0.0.1:9000 after 3 attempts",
    );
    expect(queueFull(1000).line).toBe("ERROR unavailable: queue full (1000 tasks waiting)");
  });

  it("answers nobody for a task cancelled because its client went away", () => {
    expect(answerFor(failed("cancelled", "cancelled", 0), 30)).toBeUndefined();
  });

  it("maps every error code to the HTTP status of §6's table", () => {
    expect(STATUS_OF).toEqual({
      bad_request: 400,
      unknown_handler: 404,
      unknown_method: 404,
      bad_argument: 422,
      too_large: 413,
      timeout: 408,
      unavailable: 503,
      internal: 502,
    });
  });
});
