// The consumer's log under a stalled reader (issue 11 item 8): stdout a pipe that is not read must
// not make the consumer hold its log in memory without limit. Past 1 MiB pending it drops lines,
// and says how many when the reader catches up.
import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { bundleCommand, freePort } from "../helpers/processes.js";
import { request } from "../helpers/tcp.js";
import { waitUntil } from "../helpers/wait.js";

let kill: (() => void) | undefined;
afterEach(() => kill?.());

describe("the consumer's log, read by no one for a while", () => {
  it("drops lines past 1 MiB pending and reports the count once the reader catches up", async () => {
    const port = await freePort();
    const [node, args] = bundleCommand("consumer", [String(port), "--log-format", "json"]);
    const child = spawn(node, args, { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, NO_COLOR: "1" } });
    kill = () => child.kill("SIGKILL");
    let out = "";
    const collect = (chunk: Buffer): void => {
      out += chunk.toString();
    };
    child.stdout.on("data", collect);
    await waitUntil(() => out.includes("listening on"), "listening on");
    child.stdout.off("data", collect);
    child.stdout.pause(); // from here on, nobody reads the consumer's log

    // Each refusal logs a ~380-byte line (the command cut to 80 characters, the error message):
    // 6,000 of them are 2.3 MB, past the limit plus what the pipe itself holds.
    const total = 6_000;
    let sent = 0;
    const client = async (): Promise<void> => {
      while (sent < total) {
        sent++;
        expect((await request(port, `${"x".repeat(200)}\n`)).text).toMatch(/^ERROR bad_request/);
      }
    };
    await Promise.all(Array.from({ length: 16 }, client));

    out = "";
    child.stdout.on("data", collect);
    child.stdout.resume();
    await waitUntil(() => out.includes('"event":"log_dropped"'), "the log_dropped event", 15_000);
    const events = out.trim().split("\n").map((line) => JSON.parse(line) as { event: string; lines?: number });
    const dropped = events.find((e) => e.event === "log_dropped")!;
    const logged = events.filter((e) => e.event === "request").length;
    expect(dropped.lines).toBeGreaterThan(0);
    expect(logged + dropped.lines!).toBe(total);
    // What was held is about the limit (plus the pipe's 64 KiB), not the whole log.
    expect(out.length).toBeLessThan(1.5 * 1024 * 1024);
    expect((out.length / logged) * total).toBeGreaterThan(2 * 1024 * 1024);
  });
});
