#!/usr/bin/env bash
# The Python binding and the Dask run, on a fresh machine: a new venv, the
# binding built from source by `pip install ./python` (pip fetches maturin, the
# build backend, from PyPI), then pytest. Run from anywhere; CI runs it after
# `cargo test --release`, whose target/release/tagmend the tests compare with.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

say() { echo "python/ci.sh: $* (${SECONDS} s)"; }
venv=${TAGMEND_VENV:-$root/target/python-venv}
pip_quiet=(--quiet --disable-pip-version-check)
python3 -m venv --clear "$venv"
"$venv/bin/python" -m pip install "${pip_quiet[@]}" pytest 'dask[bag]' distributed
say "venv with pytest and Dask ready"

# Build into the root's target dir: python/Cargo.toml uses the root's release
# profile, so the tagmend library and its dependencies compiled by the root
# build are reused and only pyo3 and the binding compile.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
"$venv/bin/python" -m pip install "${pip_quiet[@]}" ./python
say "binding built and installed"

# The command line the tests compare the binding with.
export TAGMEND_BIN=${TAGMEND_BIN:-$CARGO_TARGET_DIR/release/tagmend}
if [[ ! -x $TAGMEND_BIN ]]; then
  cargo build --release --bin tagmend
fi

cd python
"$venv/bin/python" -m pytest -q -s -p no:cacheprovider tests
say "tests passed"
