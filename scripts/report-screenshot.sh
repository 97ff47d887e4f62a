#!/usr/bin/env bash
# Renders a producer report (--report FILE.html) into a PNG with headless Chromium, for a person
# to look at without a browser at hand.
#
#   scripts/report-screenshot.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]
#
# OUT.png defaults to the report's name with .png; the size to 1200x3300 (the whole report of a
# run with two consumers). Debian's `chromium` is installed with apt-get when it is missing.
set -euo pipefail

usage() {
  echo "usage: $(basename "$0") REPORT.html [OUT.png] [WIDTHxHEIGHT]" >&2
  exit 2
}

[ $# -ge 1 ] && [ $# -le 3 ] || usage
report="$1"
out="${2:-${report%.html}.png}"
size="${3:-1200x3300}"
[ -f "$report" ] || { echo "error: no such report: $report" >&2; exit 2; }
[[ "$size" =~ ^[0-9]+x[0-9]+$ ]] || { echo "error: size must be WIDTHxHEIGHT, such as 1200x1950; got $size" >&2; exit 2; }

. "$(dirname "$0")/ensure-deps.sh"
browser="$(ensure_chromium)" || { echo "error: no chromium to render the report with (see above)" >&2; exit 1; }

# A fresh profile each time, removed afterwards; Chromium's chatter goes to a log shown on failure.
profile="$(mktemp -d)"
log="$(mktemp)"
trap 'rm -rf "$profile" "$log"' EXIT
absolute="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
out_dir="$(cd "$(dirname "$out")" && pwd)" || { echo "error: no directory for $out" >&2; exit 2; }
out_absolute="$out_dir/$(basename "$out")"
# A file URL: escape what would end the path or be read as an escape itself.
url="${absolute//%/%25}"
url="${url// /%20}"
url="${url//#/%23}"
url="file://${url//\?/%3F}"
rm -f "$out_absolute"

# The sandbox needs user namespaces, which containers running as root often lack; the report is
# our own static page (no script runs), so running it unsandboxed is safe.
if ! timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
  --user-data-dir="$profile" --window-size="${size/x/,}" --screenshot="$out_absolute" \
  "$url" >"$log" 2>&1 || [ ! -s "$out_absolute" ]; then
  echo "error: chromium did not write $out_absolute; it said:" >&2
  cat "$log" >&2
  exit 1
fi
echo "$out_absolute"
