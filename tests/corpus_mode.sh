#!/usr/bin/env bash
# warcio round trips of `tagmend corpus` (tests/warc_roundtrip.py) against the
# release binary. Installs warcio from PyPI into a venv (or with --user when
# venv is unavailable); builds the binary if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${CARGO_TARGET_DIR:-target}/release/tagmend
[ -x "$bin" ] || cargo build --release --quiet --bin tagmend
venv=${TMPDIR:-/tmp}/tagmend-warcio-venv
py=python3
if "$venv/bin/python" -c 'import warcio' 2>/dev/null; then
  py=$venv/bin/python
elif python3 -m venv "$venv" >/dev/null 2>&1; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'warcio>=1.7,<2'
  py=$venv/bin/python
else
  python3 -m pip install --quiet --disable-pip-version-check --user 'warcio>=1.7,<2'
fi
TAGMEND="$bin" "$py" tests/warc_roundtrip.py
