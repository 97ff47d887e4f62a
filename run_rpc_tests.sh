#!/usr/bin/env bash
# Installs what is missing, then runs every test: type-check and lint (as tests), unit,
# integration and end-to-end. The last line is the runner's own count: "N passed, N failed", or
# "N passed, N failed, N skipped" when tests were skipped (the reason is printed just above it).
#
# Three steps: the unit tests, while a private RabbitMQ boots in the background (scripts/broker.sh);
# the tests that need it (files named *.broker.test.ts), against it (RPC_TEST_AMQP_URL); then,
# with the broker stopped, the end-to-end tests, which measure time and get the machine to
# themselves. The broker is stopped on failure and Ctrl-C too. Where none can be had
# (RPC_NO_BROKER=reason forces that), the broker tests are counted as skipped, with the reason.
# RPC_TEST_AMQP_URL=amqp://… runs them against that broker instead of a private one.
#
# Debian's chromium, for the live page's test in a real browser (test/e2e/live-page.test.ts), is
# installed first when it is missing and the machine allows it (root, apt-get); where none can be
# had (RPC_NO_BROWSER=reason forces that), those tests are counted as skipped, with the reason.
set -uo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
cd "$root"
. scripts/ensure-deps.sh
ensure_deps "$root"

mkdir -p reports
rm -f reports/vitest.json reports/vitest-unit.json reports/vitest-broker.json reports/vitest-e2e.json
work="$(mktemp -d "${TMPDIR:-/tmp}/rpc-tests.XXXXXX")"
broker_job=""
broker_dir=""
idle=()

# Before the broker starts: its own apt-get would otherwise wait for this one's lock.
if [ -n "${RPC_NO_BROWSER:-}" ]; then
  export RPC_TEST_BROWSER_SKIP="no chromium: disabled by RPC_NO_BROWSER=$RPC_NO_BROWSER"
elif chromium_path="$(ensure_chromium 2>"$work/chromium.err")"; then
  export RPC_TEST_CHROMIUM="$chromium_path"
  grep -q '^Installing chromium' "$work/chromium.err" && echo "chromium: installed $chromium_path"
else
  tail -n 5 "$work/chromium.err" >&2
  export RPC_TEST_BROWSER_SKIP="no chromium: $(sed -n 's/^chromium: unavailable: //p' "$work/chromium.err" | tail -n 1)"
fi

cleanup() {
  if [ -n "$broker_job" ] && kill -0 "$broker_job" 2>/dev/null; then
    promote_broker # an idle-class process could wait long for the CPU to run its trap
    kill -TERM "$broker_job" 2>/dev/null # broker.sh stops what it half-started
    wait "$broker_job" 2>/dev/null
  fi
  [ -n "$broker_dir" ] && scripts/broker.sh stop "$broker_dir" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A broker named by the caller (RPC_TEST_AMQP_URL) is used as it is; otherwise a private one
# boots now, on CPU nobody else wants (SCHED_IDLE): its boot takes seconds of CPU, and the unit tests
# running meanwhile measure time. After them it gets its normal share back (promote_broker), and
# from then on its start is bounded again.
preset_url="${RPC_TEST_AMQP_URL:-}"
if [ -z "$preset_url" ]; then
  command -v chrt >/dev/null 2>&1 && idle=(chrt --idle 0)
  RPC_BROKER_STATE_FILE="$work/broker.dir" RPC_BROKER_START_TIMEOUT=86400 "${idle[@]}" \
    scripts/broker.sh start >"$work/broker.out" 2>"$work/broker.err" &
  broker_job=$!
fi

# Back to the normal scheduling class: broker.sh itself (what it starts from now on inherits it)
# and every process of the instance, which all carry its ERL_EPMD_PORT (beam, epmd, helpers).
promote_broker() {
  [ "${#idle[@]}" -gt 0 ] || return 0
  chrt --other -a -p 0 "$broker_job" >/dev/null 2>&1
  local dir port pid
  dir="$(cat "$work/broker.dir" 2>/dev/null)" || return 0
  port="$(sed -n 's/^RPC_BROKER_EPMD_PORT=//p' "$dir/broker.env" 2>/dev/null)"
  [ -n "$port" ] || return 0
  for pid in $(pgrep -u "$(id -u rabbitmq 2>/dev/null || id -u)" .); do
    tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qx "ERL_EPMD_PORT=$port" &&
      { chrt --other -a -p 0 "$pid" >/dev/null 2>&1 || echo "warning: could not give the broker's process $pid its normal CPU share back" >&2; }
  done
}

# Waits for the background start, at most $1 s from now; stops it past that.
wait_for_broker() {
  local deadline=$(($(date +%s) + $1))
  while kill -0 "$broker_job" 2>/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "error: the private RabbitMQ did not start within $1 s after the unit tests; stopping it" >>"$work/broker.err"
      kill -TERM "$broker_job" 2>/dev/null # broker.sh stops what it half-started
      wait "$broker_job"
      return 1
    fi
    sleep 0.1
  done
  wait "$broker_job"
}

vitest() {
  node_modules/.bin/vitest run --passWithNoTests --reporter=default --reporter=json --outputFile.json="$1" "${@:2}"
}

RPC_TEST_BROKER=none vitest reports/vitest-unit.json --project unit "$@"
unit_status=$?

if [ -n "$preset_url" ]; then
  broker_status=preset
  echo "broker tests use RPC_TEST_AMQP_URL=$(printf '%s' "$preset_url" | sed 's#://\([^:/@]*\):[^@]*@#://\1:***@#')"
else
  promote_broker
  wait_for_broker "${RPC_BROKER_START_TIMEOUT:-90}"
  broker_status=$?
  broker_job=""
fi
if [ "$broker_status" = preset ]; then
  :
elif [ "$broker_status" = 0 ]; then
  broker_dir="$(sed -n 's/^RPC_BROKER_DIR=//p' "$work/broker.out")"
  export RPC_TEST_AMQP_URL="$(sed -n 's/^RPC_BROKER_URL=//p' "$work/broker.out")"
  echo "$(sed -n 's/^broker: //p' "$work/broker.err" | tail -n 1)"
elif [ "$broker_status" = 3 ]; then
  # The tests skip themselves; the reason goes above the count.
  skip_reason="$(sed -n 's/^broker: unavailable: //p' "$work/broker.err" | tail -n 1)"
  export RPC_TEST_AMQP_SKIP="no RabbitMQ broker: ${skip_reason:-unknown reason}"
else
  # A broker that should have started and did not is a failure, not a skip: the tests say why.
  cat "$work/broker.err" >&2
  export RPC_TEST_AMQP_ERROR="the private RabbitMQ did not start (scripts/broker.sh start exited $broker_status): $(grep 'error' "$work/broker.err" | tail -n 1)"
fi

RPC_TEST_BROKER=only vitest reports/vitest-broker.json "$@"
broker_tests_status=$?

if [ -n "$broker_dir" ]; then
  scripts/broker.sh stop "$broker_dir" 2>/dev/null
  broker_dir=""
fi
RPC_TEST_BROKER=none vitest reports/vitest-e2e.json --project e2e "$@"
e2e_status=$?

# One report and one count for the whole run. A phase that fails to load has no failed test of its
# own; count it, so red never reads "0 failed". Skipped = vitest's pending + todo.
node -e '
  const fs = require("fs");
  const [out, ...phases] = process.argv.slice(1);
  const merged = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, testResults: [] };
  let failed = 0;
  const skippedFiles = new Map();
  for (const phase of phases) {
    const [file, status] = phase.split("=");
    if (!fs.existsSync(file)) { failed += 1; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    for (const key of ["numPassedTests", "numFailedTests", "numPendingTests", "numTodoTests"]) merged[key] += r[key] || 0;
    merged.testResults.push(...(r.testResults || []));
    failed += r.numFailedTests || (status === "0" ? 0 : 1);
    for (const suite of r.testResults || []) {
      const n = (suite.assertionResults || []).filter((t) => t.status === "pending" || t.status === "skipped" || t.status === "todo").length;
      if (n > 0) skippedFiles.set(suite.name.replace(process.cwd() + "/", ""), n);
    }
  }
  fs.writeFileSync(out, JSON.stringify(merged));
  const skipped = merged.numPendingTests + merged.numTodoTests;
  if (skipped > 0) {
    const reason = [process.env.RPC_TEST_AMQP_SKIP, process.env.RPC_TEST_BROWSER_SKIP].filter(Boolean).join("; ");
    console.log(`skipped: ${skipped} tests${reason ? ` (${reason})` : ""}: ${[...skippedFiles].map(([f, n]) => `${f} (${n})`).join(", ")}`);
  }
  console.log(`${merged.numPassedTests} passed, ${failed} failed` + (skipped > 0 ? `, ${skipped} skipped` : ""));
 ' reports/vitest.json "reports/vitest-unit.json=$unit_status" "reports/vitest-broker.json=$broker_tests_status" \
  "reports/vitest-e2e.json=$e2e_status"
[ "$unit_status" = 0 ] && [ "$broker_tests_status" = 0 ] && [ "$e2e_status" = 0 ]
