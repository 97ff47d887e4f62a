#!/usr/bin/env bash
# Starts one blocking RPC consumer: ./run_rpc_consumer.sh PORT [options] (--help lists them).
# Works from any directory; installs the dependencies once if they are missing; `exec`s the
# program so that a signal sent to this script's process reaches it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$root/scripts/ensure-deps.sh"
ensure_deps "$root"
# `--import tsx` would be resolved from the caller's directory; name tsx's loader by path instead,
# as a URL (so a `%`, `#` or `?` in the path is escaped).
loader="$root/node_modules/tsx/dist/loader.mjs"
loader="${loader//%/%25}"
loader="${loader//#/%23}"
loader="${loader//\?/%3F}"
exec node --import "file://$loader" "$root/src/consumer/main.ts" "$@"
