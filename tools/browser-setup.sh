#!/usr/bin/env bash
# Installs what the HTML report's browser test (tests/integration/html.rs)
# needs, if it is missing: Debian's chromium and chromium-driver (with
# apt-get, when root), and selenium pinned from tests/browser/requirements.txt
# in a venv at target/browser-venv. Idempotent; .ci/run runs it, and the
# test runs it when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    else
        echo "browser-setup: chromium/chromedriver missing and not root: apt-get install chromium chromium-driver" >&2
    fi
fi
venv=target/browser-venv
if [ ! -x "$venv/bin/python" ] || ! cmp -s tests/browser/requirements.txt "$venv/requirements.txt"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r tests/browser/requirements.txt
    cp tests/browser/requirements.txt "$venv/requirements.txt"
fi
