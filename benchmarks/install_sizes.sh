#!/usr/bin/env bash
# Installed size of qcloudsim with each extra, each in a fresh virtual environment
# (the README's "Installing less" table). Usage: bash benchmarks/install_sizes.sh [EXTRA ...]
# Prints: extra, exit code, size of the environment in MB, seconds to install.
set -u
root="$(cd "$(dirname "$0")/.." && pwd)"
extras=("$@")
[ ${#extras[@]} -eq 0 ] && extras=(core rl validation ray notebooks all)
for extra in "${extras[@]}"; do
  venv="$(mktemp -d)/venv-$extra"
  python -m venv "$venv"
  spec="$root"
  [ "$extra" != core ] && spec="$root[$extra]"
  start=$(date +%s)
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "$spec" > "$venv.log" 2>&1
  rc=$?
  echo "$extra rc=$rc size_mb=$(du -sm "$venv" | cut -f1) seconds=$(( $(date +%s) - start ))"
  rm -rf "$venv" "$venv.log"
done
