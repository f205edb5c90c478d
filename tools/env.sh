#!/usr/bin/env bash
# Create (once) or reuse the project's virtualenv and print its path on the last line of stdout.
# The virtualenv lives outside the clone, in $GLIOMAGEN_CACHE (default ~/.cache/gliomagen), keyed by a hash
# of everything that decides what is installed, so repeated runs (and CI) do not reinstall.
# torch/torchvision are installed first with exact pins: an unpinned torch pulls a multi-GB CUDA build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${GLIOMAGEN_CACHE:-$HOME/.cache/gliomagen}
key=$( (grep -E '^(requirements|dev_requirements|min_python) *=' "$root/settings.ini"; cat "$root/requirements/constraints.txt" "$root/tools/env.sh") | sha256sum | cut -c1-16)
venv=$cache/venv-$key
py=${PYTHON:-python3}
mkdir -p "$cache"
exec 9>"$cache/.lock-$key"
flock 9
if [ ! -f "$venv/.complete" ]; then
  echo "gliomagen: creating virtualenv $venv (first run only, a few minutes)" >&2
  rm -rf "$venv"
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip setuptools wheel >&2
  "$venv/bin/python" -m pip install -q torch==2.14.1 torchvision==0.29.1 >&2
  "$venv/bin/python" -m pip install -q -c "$root/requirements/constraints.txt" -e "$root[dev]" >&2
  touch "$venv/.complete"
fi
# The package itself is always re-linked to this clone (cheap); the dependencies are not touched.
"$venv/bin/python" -m pip install -q --no-deps --no-build-isolation -e "$root" >&2
echo "$venv"
