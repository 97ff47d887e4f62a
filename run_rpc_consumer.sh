#!/usr/bin/env bash
# Starts one blocking RPC consumer: ./run_rpc_consumer.sh PORT [options] (--help lists them).
# Works from any directory; installs the dependencies once if they are missing; builds
# dist/consumer.js when src/ is newer; `exec`s the program so that a signal sent to this script's
# process reaches it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$root/scripts/ensure-deps.sh"
ensure_deps "$root"
ensure_bundle "$root" consumer
exec node --enable-source-maps "$root/dist/consumer.js" "$@"
