#!/usr/bin/env bash
# Create (once) or reuse the project's virtualenv and print its path on the last line of stdout.
# The virtualenv lives outside the clone, in $GLIOMAGEN_CACHE (default ~/.cache/gliomagen), keyed by a hash
# of everything that decides what is installed, so repeated runs (and CI) do not reinstall.
# torch/torchvision are installed first with exact pins: an unpinned torch pulls a multi-GB CUDA build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${GLIOMAGEN_CACHE:-$HOME/.cache/gliomagen}
# Bump ENV_RECIPE when the install steps below change, so that cached virtualenvs are rebuilt.
ENV_RECIPE=1
key=$( (echo "recipe $ENV_RECIPE"; grep -E '^(requirements|dev_requirements|min_python) *=' "$root/settings.ini"; cat "$root/requirements/constraints.txt") | sha256sum | cut -c1-16)
venv=$cache/venv-$key
py=${PYTHON:-python3}
mkdir -p "$cache"
exec 9>"$cache/.lock-$key"
flock 9
if [ ! -f "$venv/.complete" ]; then
  echo "gliomagen: creating virtualenv $venv (first run only, a few minutes)" >&2
  rm -rf "$venv"
  "$py" -m venv "$venv"
  log=$cache/install-$key.log
  : > "$log"
  quiet() { "$@" >>"$log" 2>&1 || { tail -n 40 "$log" >&2; echo "gliomagen: install step failed: $*; full log: $log" >&2; exit 1; }; }
  quiet "$venv/bin/python" -m pip install --upgrade pip setuptools wheel
  quiet "$venv/bin/python" -m pip install torch==2.14.1 torchvision==0.29.1
  quiet "$venv/bin/python" -m pip install -c "$root/requirements/constraints.txt" -e "$root[dev]"
  touch "$venv/.complete"
fi
# The package itself is always re-linked to this clone (cheap); the dependencies are not touched.
out=$("$venv/bin/python" -m pip install -q --no-deps --no-build-isolation -e "$root" 2>&1) || { echo "$out" >&2; exit 1; }
echo "$venv"
