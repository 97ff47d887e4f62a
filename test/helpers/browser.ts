// The real browser the live page's test drives: Debian's `chromium`, headless, through
// playwright-core (which downloads no browser of its own). ./run_rpc_tests.sh installs chromium
// when it is missing and the machine allows it, and exports its path as RPC_TEST_CHROMIUM; when
// none can be had it says why in RPC_TEST_BROWSER_SKIP, and the browser tests are skipped — and
// counted and reported as skipped, never passed. Run alone, the tests look for chromium on PATH.
import { execFileSync } from "node:child_process";
import { describe } from "vitest";

function onPath(name: string): string | undefined {
  try {
    return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined; // `command -v` exits 1 when there is none: that is the answer
  }
}

const skipSaid = process.env.RPC_TEST_BROWSER_SKIP || undefined;

/** The chromium to launch, when there is one (and the run did not say to go without). */
export const chromiumPath: string | undefined = skipSaid !== undefined ? undefined : process.env.RPC_TEST_CHROMIUM || onPath("chromium") || onPath("chromium-browser");

/** Why the browser tests are skipped, when they are. */
export const browserSkipReason: string | undefined =
  chromiumPath !== undefined ? undefined : (skipSaid ?? "no chromium: it is not installed (./run_rpc_tests.sh installs it as root: apt-get install -y chromium)");

/** `describe` for tests that need the browser: skipped, with the reason in the title, when there is none. */
export function describeWithBrowser(title: string, body: (executablePath: string) => void): void {
  const fullTitle = browserSkipReason === undefined ? title : `${title} [skipped: ${browserSkipReason}]`;
  describe.skipIf(browserSkipReason !== undefined)(fullTitle, () => body(chromiumPath ?? "chromium"));
}

/**
 * Flags for chromium in a container run as root: no sandbox (it needs user namespaces that such
 * containers often lack; the page is our own), and none of the background traffic a fresh profile
 * makes (the machine reaches no outside network).
 */
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
