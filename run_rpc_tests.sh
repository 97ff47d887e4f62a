#!/usr/bin/env bash
# Installs what is missing, then runs every test: type-check and lint (as tests), unit,
# integration and end-to-end. The last line is the runner's own count: "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
cd "$root"
. scripts/ensure-deps.sh
ensure_deps "$root"

mkdir -p reports
rm -f reports/vitest.json
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json "$@"
status=$?
if [ -f reports/vitest.json ]; then
  # A suite that fails to load has no failed test of its own; count it, so red never reads "0 failed".
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const failed = r.numFailedTests || (process.argv[2] === "0" ? 0 : 1);
    console.log(`${r.numPassedTests} passed, ${failed} failed`);' reports/vitest.json "$status"
else
  echo "0 passed, 1 failed"
fi
exit $status
