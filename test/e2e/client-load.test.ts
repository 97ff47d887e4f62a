// run_rpc_client.sh --load (PROTOCOL §8): the payload as an outside client, through a front door.
import { afterEach, describe, expect, it } from "vitest";
import { bundleCommand, freePort, runToExit, startConsumer, stopAll, waitUntil } from "../helpers/processes.js";
import { startProducer, type LogEvent } from "../helpers/producer.js";

afterEach(stopAll);

const LOAD = ["--tasks", "300", "--interval", "0.002", "--seed", "5", "--fib-max", "2000"];

/** id → [command, result] of every task_queued / task_done in a JSON log. */
function results(events: readonly LogEvent[]): Map<number, [unknown, unknown]> {
  const commands = new Map(events.filter((e) => e.event === "task_queued").map((e) => [e.id as number, e.command]));
  return new Map(events.filter((e) => e.event === "task_done").map((e) => [e.id as number, [commands.get(e.id as number), e.result]]));
}

const json = (stdout: string): LogEvent[] => stdout.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as LogEvent);

describe("run_rpc_client.sh --load", () => {
  it("sends the payload through --listen and --http: nothing lost, the same results as inside the producer", async () => {
    const [a, b] = await Promise.all([startConsumer(), startConsumer()]);
    const inside = startProducer([...LOAD, "--stats-every", "0", String(a.port), String(b.port)]);
    expect((await inside.exited(60_000)).code).toBe(0);
    const expected = results(inside.events());
    expect(expected.size).toBe(300);

    const [listenPort, httpPort] = [await freePort(), await freePort()];
    const gateway = startProducer(["--listen", String(listenPort), "--http", String(httpPort), "--stats-every", "0", String(a.port), String(b.port)]);
    await waitUntil(() => gateway.eventsNamed("front_door").length === 2, "both doors to open", 20_000);
    for (const door of [[String(listenPort)], ["--http", `http://127.0.0.1:${httpPort}`]]) {
      const [command, argv] = bundleCommand("client", [...door, "--load", ...LOAD, "--log-format", "json", "--stats-every", "0"]);
      const run = await runToExit(command, argv, { timeoutMs: 60_000 });
      expect(run.code, run.stderr).toBe(0);
      const events = json(run.stdout);
      expect(events.at(-1)).toMatchObject({ event: "summary", produced: 300, succeeded: 300, failed: 0, lost: 0 });
      expect(results(events)).toEqual(expected);
    }
  }, 120_000);
});
