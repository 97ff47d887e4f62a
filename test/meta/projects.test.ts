// Unit tests run in process and build nothing; only the end-to-end tests need dist/ (issue 12).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import config from "../../vitest.config.js";

const root = join(import.meta.dirname, "..", "..");

interface Project {
  readonly test?: { readonly name?: string; readonly include?: readonly string[]; readonly globalSetup?: string | readonly string[] };
}

// The config's `projects` is a union of strings, globs and inline configs; ours are inline.
const projects = (config.test?.projects ?? []) as readonly Project[];
const project = (name: string): Project | undefined => projects.find((p) => p.test?.name === name);

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("the test projects", () => {
  it("are unit (in process, no build) and e2e (real processes, after building dist/)", () => {
    expect(projects.map((p) => p.test?.name)).toEqual(["unit", "e2e"]);
    expect(project("unit")?.test?.globalSetup).toBeUndefined();
    expect(project("e2e")?.test?.globalSetup).toEqual(["test/global-setup.ts"]);
    expect(project("e2e")?.test?.include).toEqual(["test/e2e/**/*.test.ts"]);
  });

  it("keep every test that runs the programs' bundles or scripts in test/e2e", () => {
    const outside = testFiles(join(root, "test"))
      .filter((file) => !relative(root, file).startsWith("test/e2e/") && file !== import.meta.filename)
      // The helpers are the one way tests start the programs (a usage text may still name a script).
      .filter((file) => /\b(bundleCommand|scriptCommand|startConsumer|startProducer)\b|["']dist["']/.test(readFileSync(file, "utf8")))
      .map((file) => relative(root, file));
    expect(outside).toEqual([]);
  });
});
