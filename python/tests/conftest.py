"""Shared fixtures: the corpus, and the command line to compare the binding with.

The CLI is `$TAGMEND_BIN`, else `target/release/tagmend` in the repository
(the CI builds it with `cargo test --release` first). Every CLI run uses
`--isolated`, so no config file near the working folder changes the result.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "articles"


@dataclass(frozen=True)
class CliFix:
    """What `tagmend check --fix -` did with one page."""

    status: int
    stdout: bytes
    remaining: list[dict] | None
    """The findings left (`--output-format json` on standard error), None on an error."""
    stderr: str


class Cli:
    """The tagmend binary, with its answers memoized per input."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fix: dict[tuple[bytes, bool], CliFix] = {}

    def run(self, args: list[str], page: bytes) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [str(self.path), "check", "--isolated", *args, "-"],
            input=page,
            capture_output=True,
            timeout=120,
            check=False,
        )

    def fix(self, page: bytes, unsafe_fixes: bool = False) -> CliFix:
        key = (page, unsafe_fixes)
        if key not in self._fix:
            args = ["--fix", "--quiet", "--output-format", "json"]
            if unsafe_fixes:
                args.append("--unsafe-fixes")
            p = self.run(args, page)
            stderr = p.stderr.decode("utf-8", "replace")
            remaining = json.loads(p.stderr) if p.returncode in (0, 1) else None
            self._fix[key] = CliFix(p.returncode, p.stdout, remaining, stderr)
        return self._fix[key]

    def fix_all(self, pages: list[bytes], unsafe_fixes: bool = False) -> list[CliFix]:
        with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
            return list(pool.map(lambda p: self.fix(p, unsafe_fixes), pages))

    def check(self, page: bytes, args: tuple[str, ...] = ()) -> list[dict]:
        p = self.run(["--output-format", "json", *args], page)
        assert p.returncode in (0, 1), p.stderr.decode("utf-8", "replace")
        return json.loads(p.stdout)

    def check_all(self, pages: list[bytes], args: tuple[str, ...] = ()) -> list[list[dict]]:
        with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
            return list(pool.map(lambda p: self.check(p, args), pages))


@pytest.fixture(scope="session")
def cli() -> Cli:
    path = Path(os.environ.get("TAGMEND_BIN") or REPO / "target" / "release" / "tagmend")
    if not path.is_file():
        pytest.fail(
            f"no tagmend binary at {path}: run `cargo build --release` in {REPO} or set TAGMEND_BIN"
        )
    return Cli(path)


@pytest.fixture(scope="session")
def corpus() -> dict[str, bytes]:
    """Every page of ../shared/corpus/articles, by file name, sorted."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus absent: {CORPUS} (the corpus tests need ../shared)")
    pages = {p.name: p.read_bytes() for p in sorted(CORPUS.glob("*.html"))}
    if not pages:
        pytest.skip(f"no *.html pages in {CORPUS}")
    return pages


def without(d: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k != key}
