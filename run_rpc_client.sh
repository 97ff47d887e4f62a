#!/usr/bin/env bash
# Sends one request to a consumer or a producer's front door and prints the answer:
# ./run_rpc_client.sh [TARGET | --http URL] COMMAND ...  (--help lists the options).
# Works from any directory; installs the dependencies once if they are missing; builds
# dist/client.js when src/ is newer; `exec`s the program so that signals reach it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$root/scripts/ensure-deps.sh"
ensure_deps "$root"
ensure_bundle "$root" client
exec node --enable-source-maps "$root/dist/client.js" "$@"
