// Behaviour that ends or prints from a whole process: run a small fixture in a child.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function runFixture(name: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "fixtures", name)], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 20_000,
  });
}

describe("the loop as a process sees it", () => {
  it("with DEBUG=loop, traces each task's life and warns about a step longer than 50 ms", () => {
    const result = runFixture("traced.ts", { DEBUG: "loop" });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/task#1 created/);
    expect(result.stderr).toMatch(/task#1 suspended on sleep 0\.01 s/);
    expect(result.stderr).toMatch(/task#1 resumed from sleep 0\.01 s/);
    expect(result.stderr).toMatch(/task#1 returned/);
    expect(result.stderr).toMatch(/warning: task#1 held the loop for \d+\.\d ms in one step/);
  });

  it("with DEBUG=loop, says each task by its name and rounds the times it waits", () => {
    const result = runFixture("named.ts", { DEBUG: "loop" });
    expect(result.status).toBe(0);
    const lines = result.stderr.split("\n").map((line) => line.replace(/^\[loop \+\d+\.\dms\] /, ""));
    expect(lines).toEqual(
      expect.arrayContaining([
        "task#1 (main) created",
        "task#2 (taker) created by task#1 (main)",
        "task#2 (taker) suspended on get jobs",
        "task#1 (main) suspended on sleep 0.05 s",
        "task#1 (main) resumed from sleep 0.05 s",
        "task#2 (taker) resumed from get jobs",
        "task#2 (taker) returned",
        "task#1 (main) returned",
      ]),
    );
  });

  it("is silent without DEBUG=loop", () => {
    const result = runFixture("traced.ts", { DEBUG: "" });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
  });

  it("reports an exception inside the loop loudly and stops", () => {
    const result = runFixture("broken-effect.ts");
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/LoopBugError: event loop bug in enter\(\) of effect "broken"/);
    expect(result.stderr).toMatch(/enter exploded/);
    expect(result.stdout).not.toMatch(/kept stepping/);
  });

  it("never lets a root's error vanish when nobody receives it", () => {
    const result = runFixture("unjoined-failure.ts");
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/nobody was listening/);
  });
});
