// Builds dist/ once before the tests, as the run_rpc_*.sh scripts would when src/ has changed:
// the end-to-end tests run the bundles that users run. Only the e2e project (vitest.config.ts)
// has this setup, so a run of unit tests alone builds nothing.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export default function setup(): void {
  execFileSync(join(import.meta.dirname, "..", "scripts", "build.sh"), { stdio: ["ignore", "inherit", "inherit"] });
}
