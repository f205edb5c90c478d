#!/usr/bin/env bash
# Print the path of a Chromium for the browser test (make test-browser), installing Debian's `chromium` package
# with apt-get when none is there (CI runs as root with apt access). No browser downloads: Playwright drives this
# system Chromium through `executable_path` (`playwright install` is never run).
set -euo pipefail
find_chromium() { command -v chromium || command -v chromium-browser || true; }
exe=${CHROMIUM:-$(find_chromium)}
if [ -z "$exe" ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "tools/chromium.sh: no chromium found; install Debian's 'chromium' package (apt-get install chromium) or set CHROMIUM=/path/to/chromium" >&2
    exit 1
  fi
  echo "tools/chromium.sh: installing Debian's chromium package (once)" >&2
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp)
  { apt-get update -q && apt-get install -y -q --no-install-recommends chromium; } >"$log" 2>&1 \
    || { tail -n 30 "$log" >&2; echo "tools/chromium.sh: apt-get install chromium failed (log: $log)" >&2; exit 1; }
  rm -f "$log"
  exe=$(find_chromium)
fi
[ -x "$exe" ] || { echo "tools/chromium.sh: $exe is not executable" >&2; exit 1; }
echo "$exe"
