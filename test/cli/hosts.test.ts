// The start-up check that turns an unresolvable host into bad usage.
import { describe, expect, it } from "vitest";
import { findUnresolvedHost, type UnresolvedHost } from "../../src/cli/index.js";

function check(hosts: string[]): Promise<UnresolvedHost | undefined> {
  return new Promise((resolve) => findUnresolvedHost(hosts, resolve));
}

describe("findUnresolvedHost", () => {
  it("is content with addresses and names that resolve", async () => {
    expect(await check(["127.0.0.1", "::1", "localhost"])).toBeUndefined();
    expect(await check([])).toBeUndefined();
  });

  it("names the first host, in the order given, that does not resolve (.invalid never does)", async () => {
    const unresolved = await check(["127.0.0.1", "first.invalid", "second.invalid"]);
    expect(unresolved?.host).toBe("first.invalid");
    expect(unresolved?.code).toMatch(/^(ENOTFOUND|EAI_AGAIN|EAI_FAIL|ENODATA)$/);
  });
});
