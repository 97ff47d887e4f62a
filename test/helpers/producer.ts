// The producer as a real process, for end-to-end tests: start it, read its JSON log as events.
import { scriptCommand, startProcess, type RunningProcess } from "./processes.js";

export interface LogEvent {
  readonly time: string;
  readonly event: string;
  readonly [field: string]: unknown;
}

export interface RunningProducer extends RunningProcess {
  /** The JSON events printed so far (lines that are not JSON are a test failure). */
  events(): LogEvent[];
  /** The events named `name` so far. */
  eventsNamed(name: string): LogEvent[];
}

/** Starts `./run_rpc_producer.sh --log-format json ARGS`: the producer as users run it, node flags included. */
export function startProducer(args: readonly string[]): RunningProducer {
  const [command, argv] = scriptCommand("producer", ["--log-format", "json", ...args]);
  const started = startProcess(command, argv);
  const events = (): LogEvent[] => started.stdoutLines.filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as LogEvent);
  return { ...started, events, eventsNamed: (name) => events().filter((e) => e.event === name) };
}

/** Exact F(n), to check the consumers' answers. */
export function fibonacci(n: number): string {
  let [a, b] = [0n, 1n];
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return String(a);
}
