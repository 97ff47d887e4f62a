// The project carries its own contract (docs/PROTOCOL.md) and the README points to it: a clone has
// nothing outside the repository to link to.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RPC_ERROR_CODES } from "../../src/rpc/errors.js";

const root = join(import.meta.dirname, "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const protocol = readFileSync(join(root, "docs", "PROTOCOL.md"), "utf8");

describe("the contract document", () => {
  it("is linked from the README, which never points outside the repository", () => {
    expect(readme).toContain("](docs/PROTOCOL.md)");
    expect(readme).not.toMatch(/\.\.\/shared|\]\(\.\.\//);
  });

  it("has sections 1 to 9, each saying whether it is built", () => {
    const headings = [...protocol.matchAll(/^## (\d+)\. .* — (built|partly built|not built yet)$/gm)].map((m) => Number(m[1]));
    expect(headings).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("names every error code the wire protocol code knows", () => {
    for (const code of RPC_ERROR_CODES) expect(protocol).toContain(`| \`${code}\` |`);
  });
});
