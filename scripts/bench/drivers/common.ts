// What the RPC benchmark's drivers share (scripts/bench/rpc.ts runs them): the command line, the
// per-call record and the one JSON line each prints. The Python driver (asyncio_driver.py) takes
// the same arguments and prints the same fields.
//
//   --targets HOST:PORT,HOST:PORT  the consumers; in-flight slot i calls target i mod K
//   --command TEXT                 the request, sent as TEXT + "\n"
//   --inflight N                   calls in flight per target (each slot runs one call after another)
//   --seconds S                    how long the measured phase starts new calls
//   --warmup S                     the same load first, not counted (JIT, first connections)
//   --timeout S                    limit of one whole call (connect, write, read to end)
//   --amqp URL [--queue NAME]      instead of --targets (amqp-driver.ts): a RabbitMQ and its task queue
import { parseArgs } from "node:util";

export interface DriverArgs {
  readonly targets: readonly { readonly host: string; readonly port: number }[];
  readonly command: string;
  readonly inflight: number;
  readonly seconds: number;
  readonly warmup: number;
  readonly timeout: number;
  /** `--amqp URL` (amqp-driver.ts): the broker, instead of targets; its one "target" is the broker. */
  readonly amqp: string | undefined;
  /** `--queue NAME`: the task queue with `--amqp` (default `rpc_tasks`). */
  readonly queue: string;
}

export function parseDriverArgs(argv: readonly string[]): DriverArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      targets: { type: "string" },
      command: { type: "string", default: "system ping" },
      inflight: { type: "string", default: "1" },
      seconds: { type: "string", default: "2" },
      warmup: { type: "string", default: "0.5" },
      timeout: { type: "string", default: "5" },
      amqp: { type: "string" },
      queue: { type: "string", default: "rpc_tasks" },
    },
  });
  if (values.targets === undefined && values.amqp === undefined) throw new Error("--targets HOST:PORT[,HOST:PORT...] (or --amqp URL) is required");
  const broker = values.amqp === undefined ? undefined : new URL(values.amqp);
  // With --amqp, the broker is the one target: `inflight` calls in flight in all.
  const targets =
    values.targets === undefined
      ? [{ host: broker!.hostname, port: Number(broker!.port || 5672) }]
      : values.targets.split(",").map((target) => {
          const colon = target.lastIndexOf(":");
          return { host: target.slice(0, colon), port: Number(target.slice(colon + 1)) };
        });
  return {
    targets,
    command: values.command,
    inflight: Number(values.inflight),
    seconds: Number(values.seconds),
    warmup: Number(values.warmup),
    timeout: Number(values.timeout),
    amqp: values.amqp,
    queue: values.queue,
  };
}

/**
 * One phase's record: latencies of the calls that succeeded (ms), errors, the first error's text,
 * and the CPU time this process used (user + system), which a busy machine disturbs far less than
 * the wall-clock rate.
 */
export class PhaseStats {
  private readonly cpuAtStart = process.cpuUsage();
  latencies: number[] = [];
  errors = 0;
  firstError: string | undefined;

  ok(ms: number): void {
    this.latencies.push(ms);
  }

  failed(error: unknown): void {
    this.errors++;
    this.firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }

  /** Microseconds of CPU (user + system) used since the phase began. */
  cpuMicros(): number {
    const { user, system } = process.cpuUsage(this.cpuAtStart);
    return user + system;
  }
}

function percentile(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** The driver's one line of output. */
export function report(driver: string, stats: PhaseStats, elapsedMs: number): string {
  const cpuMicros = stats.cpuMicros();
  const sorted = Float64Array.from(stats.latencies).sort();
  const round = (ms: number | null): number | null => (ms === null ? null : Math.round(ms * 1000) / 1000);
  return JSON.stringify({
    driver,
    calls: stats.latencies.length,
    errors: stats.errors,
    first_error: stats.firstError ?? null,
    elapsed_s: Math.round(elapsedMs) / 1000,
    calls_per_s: Math.round((stats.latencies.length / elapsedMs) * 1000 * 10) / 10,
    p50_ms: round(percentile(sorted, 0.5)),
    p99_ms: round(percentile(sorted, 0.99)),
    cpu_us_per_call: stats.latencies.length === 0 ? null : Math.round((cpuMicros / stats.latencies.length) * 10) / 10,
    max_rss_mb: Math.round(process.resourceUsage().maxRSS / 102.4) / 10,
  });
}

/**
 * A closed-loop load: `inflight` loops per target, each sending a request with `call`, waiting
 * for its answer, and sending the next, until `seconds` are up. Returns what the phase recorded.
 */
export async function closedLoop(
  args: Pick<DriverArgs, "targets" | "inflight">,
  seconds: number,
  call: (host: string, port: number) => Promise<unknown>,
): Promise<{ stats: PhaseStats; elapsedMs: number }> {
  const stats = new PhaseStats();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const slot = async (host: string, port: number): Promise<void> => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      try {
        await call(host, port);
        stats.ok(performance.now() - sent);
      } catch (error) {
        stats.failed(error);
      }
    }
  };
  const slots: Promise<void>[] = [];
  for (let i = 0; i < args.inflight * args.targets.length; i++) {
    const { host, port } = args.targets[i % args.targets.length]!;
    slots.push(slot(host, port));
  }
  await Promise.all(slots);
  return { stats, elapsedMs: performance.now() - started };
}
