// The project's standing checks, run as tests so that CI's count includes them.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Drops comments and string contents, so a word in prose or in a message is not code. */
function codeOnly(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")
    .replace(/(["'`])(?:\\.|(?!\1)[^\\\n])*\1/g, '""');
}

/** Runs a dev tool; on failure the test shows what the tool printed. */
function runTool(tool: string, args: string[]): void {
  try {
    execFileSync(join(root, "node_modules/.bin", tool), args, { cwd: root, stdio: "pipe", encoding: "utf8" });
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${tool} ${args.join(" ")} failed:\n${stdout}${stderr}`, { cause: error });
  }
}

describe("the standing checks", () => {
  it("src/ never uses async, await, .then or Promise (the loop is generators only)", () => {
    const offenders = sourceFiles(join(root, "src")).flatMap((file) =>
      codeOnly(readFileSync(file, "utf8"))
        .split("\n")
        .filter((line) => /\basync\b|\bawait\b|\bPromise\b|\.then\(/.test(line))
        .map((line) => `${file}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });

  it("type-checks (tsc --noEmit, strict)", () => {
    runTool("tsc", ["--noEmit", "-p", root]);
  }, 180_000);

  it("lints clean (eslint with typescript-eslint)", () => {
    runTool("eslint", ["."]);
  }, 180_000);
});
