#!/usr/bin/env bash
# The producer: ./run_rpc_producer.sh [options] TARGET ...  (see --help). Works from any directory;
# installs the dependencies once if they are missing, then execs the program so signals reach it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$root/scripts/ensure-deps.sh"
ensure_deps "$root"
exec node --import "$(tsx_import "$root")" "$root/src/producer/main.ts" "$@"
