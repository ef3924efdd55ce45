#!/usr/bin/env bash
# Creates target/focus-venv with the FinOps Foundation's FOCUS validator,
# pinned (docs/focus.md, "Validation"). Needs Python >= 3.12: python3.13,
# python3.12 or python3 on PATH, else a pyenv 3.12/3.13 under ~/.pyenv.
# Idempotent: an existing venv with the validator is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/focus-venv
if [ -x "$venv/bin/focus-validator" ]; then
  exit 0
fi
python=""
for c in python3.13 python3.12 python3 $HOME/.pyenv/versions/3.13*/bin/python3 $HOME/.pyenv/versions/3.12*/bin/python3; do
  if command -v "$c" >/dev/null 2>&1 &&
    "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    python=$c
    break
  fi
done
if [ -z "$python" ]; then
  echo "focus-venv: no Python >= 3.12 found (PATH or ~/.pyenv/versions)" >&2
  exit 1
fi
mkdir -p target
rm -rf "$venv"
"$python" -m venv "$venv"
# pyarrow 26 needs numpy 2 while focus-validator 2.2.1 pins numpy < 2.
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  'focus-validator==2.2.1' 'pyarrow<26'
# From inside the venv: the validator writes a log file into its working
# folder.
(cd "$venv" && bin/focus-validator --help >/dev/null)
