#!/usr/bin/env bash
# Creates target/interop-venv with the engines the interop test runs
# (tests/integration/interop.rs, docs/distributed.md): pyspark, duckdb,
# pyarrow and pandas, pinned. pyspark 4.3 runs on Java 17 or 21: when
# `java` is missing, Debian's openjdk-17-jre-headless is installed if we are
# root, else the script fails saying what to install.
# Idempotent: an existing venv with every pinned package is kept.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/interop-venv
pins=(pyspark==4.3.0 duckdb==2.0.1 pyarrow==26.0.1 pandas==2.3.3)

java_ok() {
  command -v java >/dev/null 2>&1 || return 1
  # "17.0.15" or "21.0.3": the major version is the first number.
  local v
  v=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  [ -n "$v" ] && [ "$v" -ge 17 ]
}
if ! java_ok; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "interop-setup: installing openjdk-17-jre-headless (pyspark needs Java 17+)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
  fi
  if ! java_ok; then
    echo "interop-setup: pyspark 4.3 needs Java 17 or newer on PATH; install it" \
      "(Debian: apt-get install openjdk-17-jre-headless) and re-run" >&2
    exit 1
  fi
fi

# One setup at a time (CI runs this script, and the test does when the
# venv is missing).
mkdir -p target
exec 9>target/interop-venv.lock
flock 9
if [ -x "$venv/bin/python" ] && [ -f "$venv/pins.txt" ] &&
  [ "$(cat "$venv/pins.txt")" = "${pins[*]}" ]; then
  exit 0
fi
python=""
for c in python3.13 python3.12 python3.11 python3 $HOME/.pyenv/versions/3.1[123]*/bin/python3; do
  if command -v "$c" >/dev/null 2>&1 &&
    "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    python=$c
    break
  fi
done
if [ -z "$python" ]; then
  echo "interop-setup: no Python >= 3.11 found (PATH or ~/.pyenv/versions)" >&2
  exit 1
fi
mkdir -p target
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}"
"$venv/bin/python" -c 'import pyspark, duckdb, pyarrow, pandas'
# Written last: a half-made venv is rebuilt on the next run.
echo "${pins[*]}" >"$venv/pins.txt"
