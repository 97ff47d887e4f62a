// Builds dist/ once before the tests, as the run_rpc_*.sh scripts would when src/ has changed:
// the end-to-end tests run the bundles that users run (`npx vitest` alone works too).
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export default function setup(): void {
  execFileSync(join(import.meta.dirname, "..", "scripts", "build.sh"), { stdio: ["ignore", "inherit", "inherit"] });
}
