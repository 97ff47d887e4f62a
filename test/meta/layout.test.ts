// The layout is the architecture: imports point one way (programs → producer/consumer → rpc → loop),
// and a folder is a concern. This test reads every import in src/ and checks its direction.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const src = join(root, "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every relative import of a file, as a path relative to src/ (`loop/index.ts`). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]!);
  return specs.map((spec) => relative(src, resolve(dirname(file), spec.replace(/\.js$/, ".ts"))));
}

/**
 * What each part of src/ may import of ours, by path prefix (its own folder is always allowed).
 * The programs (`*\/main.ts` and a program's own command line) may import anything below them.
 */
const RULES: readonly { readonly part: string; readonly may: readonly string[]; readonly why: string }[] = [
  { part: "loop/", may: [], why: "the event loop knows nothing of RPC or of any program" },
  { part: "rpc/", may: [], why: "the wire protocol is pure: no sockets, no loop" },
  { part: "cli/", may: ["rpc/"], why: "one CLI and log kit for every program" },
  { part: "amqp/", may: ["loop/"], why: "the RabbitMQ bridge knows the loop, not the producer" },
  { part: "http/", may: ["loop/"], why: "the HTTP bridge knows the loop, not the producer" },
  { part: "consumer/", may: ["rpc/", "cli/"], why: "the consumer is a blocking server, not on the loop (server.ts says why)" },
  { part: "producer/dispatch/", may: ["loop/", "rpc/"], why: "dispatch emits events and knows nothing of presentation or of where tasks come from" },
  { part: "producer/intake/", may: ["loop/", "rpc/", "amqp/", "http/", "cli/", "producer/dispatch/"], why: "an intake puts tasks into dispatch" },
  { part: "producer/telemetry/", may: ["rpc/", "cli/", "producer/dispatch/"], why: "telemetry listens to dispatch's events" },
  { part: "producer/report/", may: ["rpc/", "cli/", "producer/dispatch/", "producer/telemetry/", "producer/intake/"], why: "the report is drawn from the events" },
];

/** Imports that break a rule today and are being mended (issue 12): this list only ever shrinks. */
const KNOWN_VIOLATIONS: readonly string[] = [
  "producer/dispatch/ledger.ts → producer/telemetry/latency.ts",
  "producer/dispatch/ledger.ts → producer/telemetry/log.ts",
  "producer/dispatch/producer.ts → producer/telemetry/log.ts",
  "producer/dispatch/producer.ts → producer/intake/payload.ts",
  "producer/dispatch/producer.ts → producer/telemetry/stats.ts",
  "producer/dispatch/worker.ts → producer/telemetry/log.ts",
  "producer/dispatch/worker.ts → producer/telemetry/stats.ts",
];

function violations(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(src)) {
    const from = relative(src, file);
    for (const target of importsOf(file)) {
      if (target.startsWith("..")) {
        found.push(`${from} → ${target} (src/ imports nothing outside src/)`);
        continue;
      }
      if (/(^|\/)main\.ts$/.test(target)) {
        found.push(`${from} → ${target} (nothing imports a program's entry point)`);
        continue;
      }
      const rule = RULES.filter((r) => from.startsWith(r.part)).sort((a, b) => b.part.length - a.part.length)[0];
      if (rule === undefined || target.startsWith(rule.part)) continue;
      if (!rule.may.some((prefix) => target.startsWith(prefix))) found.push(`${from} → ${target}`);
    }
  }
  return found.sort();
}

describe("the layout", () => {
  it("imports point one way: programs → producer/consumer → rpc → loop", () => {
    const unexpected = violations().filter((v) => !KNOWN_VIOLATIONS.includes(v));
    const explain = unexpected.map((v) => {
      const rule = RULES.find((r) => v.startsWith(r.part));
      return rule ? `${v}: ${rule.why}` : v;
    });
    expect(explain).toEqual([]);
  });

  it("lists only known violations that still exist (mend one, then strike it off)", () => {
    const found = new Set(violations());
    expect(KNOWN_VIOLATIONS.filter((v) => !found.has(v))).toEqual([]);
  });

  it("has no file left directly in src/producer/ but the program's own (main.ts, options.ts)", () => {
    const loose = readdirSync(join(src, "producer"), { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .filter((name) => !["main.ts", "options.ts"].includes(name));
    expect(loose).toEqual([]);
  });
});
