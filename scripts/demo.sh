#!/usr/bin/env bash
# `npm run demo`: installs what is missing, then runs scripts/demo.ts (two consumers, one producer).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/ensure-deps.sh"
ensure_deps "$root"
exec node --import "$(tsx_import "$root")" "$root/scripts/demo.ts" "$@"
