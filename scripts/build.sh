#!/usr/bin/env bash
# `npm run build`: bundles the producer, the consumer and the client into dist/ (the run_rpc_*.sh scripts also
# do it by themselves when src/ has changed). Messages go to stderr.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/ensure-deps.sh"
ensure_deps "$root"
build_bundle "$root" producer
build_bundle "$root" consumer
build_bundle "$root" client
