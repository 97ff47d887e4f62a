// Lists the top self-time functions of a V8 CPU profile (what `node --cpu-prof` writes):
// `node --import tsx scripts/bench/profile-top.ts FILE.cpuprofile [--top N] [--filter TEXT]`.
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

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "25" }, filter: { type: "string" } } });
if (positionals.length !== 1) {
  process.stderr.write("usage: profile-top.ts FILE.cpuprofile [--top N] [--filter TEXT]\n");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0]!, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<string, number>();
let totalUs = 0;
profile.samples.forEach((id, i) => {
  const node = byId.get(id)!;
  const delta = profile.timeDeltas[i] ?? 0;
  totalUs += delta;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^file:\/\/.*?\/(src|scripts|node_modules)\//, "$1/")}:${lineNumber + 1}` : "";
  const key = `${functionName || "(anonymous)"}  ${where}`;
  selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
});
const busyUs = totalUs - (selfUs.get("(idle)  ") ?? 0);
const rows = [...selfUs].filter(([key]) => !key.startsWith("(idle)") && (values.filter === undefined || key.includes(values.filter))).sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
process.stdout.write(`total ${(totalUs / 1000).toFixed(0)} ms, not idle ${(busyUs / 1000).toFixed(0)} ms\n`);
process.stdout.write(`  self ms  % of busy  function  location\n`);
for (const [key, us] of rows) {
  process.stdout.write(`${(us / 1000).toFixed(1).padStart(9)}  ${((us / busyUs) * 100).toFixed(1).padStart(8)}%  ${key}\n`);
}
