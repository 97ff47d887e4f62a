# Sourced by the run_rpc_*.sh scripts: install the locked dependencies once, when they are
# missing or older than package-lock.json, and say so on stderr (stdout belongs to the program).
ensure_deps() {
  local root="$1"
  if ! command -v node >/dev/null 2>&1; then
    echo "error: node is not installed (Node.js >= 20.19 is needed)" >&2
    exit 1
  fi
  local stamp="$root/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$root/package-lock.json" -nt "$stamp" ]; then
    echo "Installing dependencies (npm ci, once)..." >&2
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >&2) || {
      echo "error: npm ci failed; see the messages above" >&2
      exit 1
    }
  fi
}

# The `--import` argument that loads tsx. `--import tsx` would be resolved from the caller's
# directory, so name tsx's loader by path instead, as a file URL (`%`, `#`, `?` escaped).
tsx_import() {
  local loader="$1/node_modules/tsx/dist/loader.mjs"
  loader="${loader//%/%25}"
  loader="${loader//#/%23}"
  loader="${loader//\?/%3F}"
  printf 'file://%s' "$loader"
}
