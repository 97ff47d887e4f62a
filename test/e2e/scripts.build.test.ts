// The run scripts build the bundle they run: when it is missing, and again when a file in src/ is
// newer; concurrent starts each get a whole bundle. Checked on a copy of the repository (its
// node_modules linked), so the bundles the other tests run are never touched.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { repoRoot, runToExit, stopAll } from "../helpers/processes.js";

const copies: string[] = [];

afterEach(async () => {
  await stopAll();
  for (const copy of copies.splice(0)) rmSync(copy, { recursive: true, force: true }); // the link, not node_modules
});

function copyOfRepository(): string {
  const copy = mkdtempSync(join(tmpdir(), "rpc-build-"));
  copies.push(copy);
  // Timestamps kept: package-lock.json must stay older than the installed stamp, or ensure_deps reinstalls.
  for (const path of ["src", "scripts/ensure-deps.sh", "run_rpc_consumer.sh", "run_rpc_producer.sh", "package.json", "package-lock.json"]) {
    cpSync(join(repoRoot, path), join(copy, path), { recursive: true, preserveTimestamps: true });
  }
  symlinkSync(join(repoRoot, "node_modules"), join(copy, "node_modules"));
  return copy;
}

describe("the run scripts' bundle", () => {
  it("is built when missing (two scripts at once both run a whole one), kept while fresh, rebuilt when src/ is newer", async () => {
    const copy = copyOfRepository();
    const help = (script: string) => runToExit(join(copy, script), ["--help"], { cwd: copy, timeoutMs: 20_000 });

    const first = await Promise.all([help("run_rpc_consumer.sh"), help("run_rpc_consumer.sh")]);
    for (const run of first) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain("A blocking, single-command RPC consumer");
      expect(run.stderr).toMatch(/^Building dist\/consumer\.js from src\//); // stderr only: stdout is the program's
    }
    expect(readdirSync(join(copy, "dist")).sort()).toEqual(["consumer.js", "consumer.js.map"]);
    expect(readdirSync(copy).filter((name) => name.startsWith(".dist-build-"))).toEqual([]);
    // The map's sources, relative to it, are the files in src/: stack traces point there.
    const map = JSON.parse(readFileSync(join(copy, "dist/consumer.js.map"), "utf8")) as { sources: string[] };
    expect(map.sources).toContain("../src/consumer/main.ts");
    for (const source of map.sources) expect(existsSync(resolve(copy, "dist", source)), source).toBe(true);

    const again = await help("run_rpc_consumer.sh");
    expect(again.stderr).toBe("");

    // An edit in src/, dated a little ahead so a coarse clock cannot hide it.
    const cli = join(copy, "src/consumer/cli.ts");
    writeFileSync(cli, readFileSync(cli, "utf8").replace("A blocking, single-command RPC consumer", "An edited consumer"));
    const later = new Date(Date.now() + 5_000);
    utimesSync(cli, later, later);
    const edited = await help("run_rpc_consumer.sh");
    expect(edited.stderr).toMatch(/^Building dist\/consumer\.js/);
    expect(edited.stdout).toContain("An edited consumer");

    const producer = await help("run_rpc_producer.sh");
    expect(producer.code, producer.stderr).toBe(0);
    expect(producer.stdout).toContain("--queue-limit");
    expect(existsSync(join(copy, "dist/producer.js.map"))).toBe(true);
  });
});
