#!/usr/bin/env bash
# `npm run demo:cluster`: installs what is missing, then runs scripts/demo-cluster.ts (a private
# RabbitMQ, two producers, four consumers, the client's load through the broker, one SIGKILL).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/ensure-deps.sh"
ensure_deps "$root"
exec node --import "$(tsx_import "$root")" "$root/scripts/demo-cluster.ts" "$@"
