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

# The programs run as JavaScript bundles of src/ (dist/NAME.js from src/NAME/main.ts, packages
# left in node_modules): no tsx loader thread at run time, ~25 MB less RSS. Rebuilt when missing
# or older than a file in src/ or package-lock.json.
ensure_bundle() {
  local root="$1" name="$2"
  local out="$root/dist/$name.js"
  if [ -f "$out" ] && [ ! "$root/package-lock.json" -nt "$out" ] &&
    [ -z "$(find "$root/src" -newer "$out" -print -quit)" ]; then
    return 0
  fi
  echo "Building dist/$name.js from src/ (esbuild)..." >&2
  build_bundle "$root" "$name"
}

# Builds dist/NAME.js and its source map (stack traces point into src/ under --enable-source-maps).
# Written in a temporary directory, then renamed into place: two scripts started at the same
# moment each build whole files, and neither ever runs a half-written one. The directory sits
# beside dist/, at the same depth, because the map names its sources relative to itself.
build_bundle() {
  local root="$1" name="$2" tmp
  mkdir -p "$root/dist"
  tmp="$(mktemp -d "$root/.dist-build-XXXXXX")"
  # The bundle takes the build's start time, so a file saved during the build makes it stale.
  touch "$tmp/started"
  if ! "$root/node_modules/.bin/esbuild" "$root/src/$name/main.ts" --bundle --platform=node --format=esm \
    --packages=external --target=node20 --sourcemap --log-level=warning --outfile="$tmp/$name.js" >&2; then
    rm -rf "$tmp"
    echo "error: building dist/$name.js from src/$name/main.ts failed; see esbuild's messages above" >&2
    exit 1
  fi
  touch -r "$tmp/started" "$tmp/$name.js"
  mv -f "$tmp/$name.js.map" "$root/dist/$name.js.map"
  mv -f "$tmp/$name.js" "$root/dist/$name.js"
  rm -rf "$tmp"
}

# Debian's chromium, for what renders a page headless (scripts/report-screenshot.sh, the live
# page's browser test in run_rpc_tests.sh). Installed with apt-get when it is missing and the
# machine allows it (root, apt-get): `apt-get update` once, then `apt-get install -y chromium`.
# Prints its path on stdout; otherwise returns 1 with one line on stderr, "chromium: unavailable:
# <why>". apt's own messages go to stderr.
ensure_chromium() {
  local browser
  browser="$(command -v chromium || command -v chromium-browser || true)"
  if [ -n "$browser" ]; then
    printf '%s\n' "$browser"
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "chromium: unavailable: it is not installed, and installing it needs root (Debian: sudo apt-get install -y chromium)" >&2
    return 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium: unavailable: it is not installed, and there is no apt-get to install it (not Debian?)" >&2
    return 1
  fi
  echo "Installing chromium (apt-get update && apt-get install -y chromium), once..." >&2
  # The lock timeout: another apt (the broker's rabbitmq-server install) may hold dpkg for a while.
  if ! { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -q &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q chromium; } >&2; then
    echo "chromium: unavailable: apt-get could not install it (see apt's messages above)" >&2
    return 1
  fi
  browser="$(command -v chromium || true)"
  if [ -z "$browser" ]; then
    echo "chromium: unavailable: apt-get installed the package, but there is no chromium on PATH" >&2
    return 1
  fi
  printf '%s\n' "$browser"
}
