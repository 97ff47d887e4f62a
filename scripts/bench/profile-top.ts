// Lists the top self-time functions of a V8 CPU profile (what `node --cpu-prof` writes):
// `node --import tsx scripts/bench/profile-top.ts FILE.cpuprofile [--top N] [--filter TEXT]`,
// or with `--groups [--calls N]` the self time summed by where it goes (per call with `--calls`).
// Self time is the time the function itself was on top of the stack, from the sample counts;
// functions are keyed by name and location, so the same function seen under different callers is
// summed. `--filter` keeps only locations containing TEXT (e.g. `src/loop`).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "25" }, filter: { type: "string" }, groups: { type: "boolean", default: false }, calls: { type: "string" } },
});
if (positionals.length !== 1) {
  process.stderr.write("usage: profile-top.ts FILE.cpuprofile [--top N] [--filter TEXT] [--groups [--calls N]]\n");
  process.exit(2);
}

/**
 * `--groups`: self time summed by where it is spent, to compare two clients of the same work
 * (docs/BENCHMARKS.md, "What bounds the rest"). The first rule that matches wins.
 */
const GROUPS: readonly (readonly [string, (functionName: string, url: string) => boolean])[] = [
  ["idle", (f) => f === "(idle)"],
  ["garbage collector", (f) => f === "(garbage collector)"],
  ["system calls (connect, write, close)", (f) => /^(internalConnect|writeUtf8String|writeBuffer|close|closeSocketHandle)$/.test(f)],
  [
    "start-up (module loading, tsx)",
    (f, url) => /esm|modules|realm|loader|tsx|esbuild|run_main|pre_execution|cjs-module-lexer|source_map/.test(url) || /^(makeSyncRequest|waitForWorker|wrapSafe)$|compile/.test(f),
  ],
  ["src/ (our loop and RpcClient)", (_f, url) => url.includes("/src/")],
  ["the driver's own code", (_f, url) => url.includes("/drivers/")],
  ["node net", (_f, url) => url.startsWith("node:net") || url.includes("stream_base")],
  ["node streams", (_f, url) => url.startsWith("node:internal/streams")],
  ["timers, ticks, microtasks", (f, url) => /timers|task_queues/.test(url) || f === "runMicrotasks"],
  ["events, other", () => true],
];

const profile = JSON.parse(readFileSync(positionals[0]!, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<string, number>();
const groupUs = new Map<string, number>(GROUPS.map(([name]) => [name, 0]));
let totalUs = 0;
profile.samples.forEach((id, i) => {
  const node = byId.get(id)!;
  const delta = profile.timeDeltas[i] ?? 0;
  totalUs += delta;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^file:\/\/.*?\/(src|scripts|node_modules)\//, "$1/")}:${lineNumber + 1}` : "";
  const key = `${functionName || "(anonymous)"}  ${where}`;
  selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
  const group = GROUPS.find(([, matches]) => matches(functionName, url))![0];
  groupUs.set(group, groupUs.get(group)! + delta);
});
const busyUs = totalUs - (selfUs.get("(idle)  ") ?? 0);
process.stdout.write(`total ${(totalUs / 1000).toFixed(0)} ms, not idle ${(busyUs / 1000).toFixed(0)} ms\n`);

if (values.groups) {
  const calls = values.calls === undefined ? undefined : Number(values.calls);
  process.stdout.write(`  self ms${calls ? "  µs/call" : ""}  group\n`);
  for (const [group, us] of [...groupUs].sort((a, b) => b[1] - a[1])) {
    const perCall = calls ? `  ${(us / calls).toFixed(1).padStart(7)}` : "";
    process.stdout.write(`${(us / 1000).toFixed(1).padStart(9)}${perCall}  ${group}\n`);
  }
} else {
  const rows = [...selfUs].filter(([key]) => !key.startsWith("(idle)") && (values.filter === undefined || key.includes(values.filter))).sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
  process.stdout.write(`  self ms  % of busy  function  location\n`);
  for (const [key, us] of rows) {
    process.stdout.write(`${(us / 1000).toFixed(1).padStart(9)}  ${((us / busyUs) * 100).toFixed(1).padStart(8)}%  ${key}\n`);
  }
}
