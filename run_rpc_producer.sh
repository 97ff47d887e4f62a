#!/usr/bin/env bash
# The producer: ./run_rpc_producer.sh [options] TARGET ...  (see --help). Works from any directory;
# installs the dependencies once if they are missing, builds dist/producer.js when src/ is newer,
# then execs the program so signals reach it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$root/scripts/ensure-deps.sh"
ensure_deps "$root"
ensure_bundle "$root" producer
# Peak RSS with 10,000 tasks queued (docs/BENCHMARKS.md), CPU per task unchanged: V8's young generation
# would grow to 16 MB semi-spaces (2 MB: ~25 MB less), and no full GC ran before the old one passed 50 MB
# (a limit 20 % above what survived the last full GC: ~25 MB less).
exec node --enable-source-maps --max-semi-space-size=2 --heap-growing-percent=20 "$root/dist/producer.js" "$@"
