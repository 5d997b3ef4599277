"""The same repair on a Dask cluster: a JSONL corpus made from
../shared/corpus/articles, read as a Dask bag by 2 worker processes, every page
fixed with `tagmend.fix` and compared with `tagmend check --fix -` on the same
page (the record's HTML as UTF-8 bytes). `pytest -s` shows the wall times."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, Cli

dask = pytest.importorskip("dask")
db = pytest.importorskip("dask.bag")
distributed = pytest.importorskip("distributed")

EXAMPLE = REPO / "examples" / "dask_fix.py"


def load_example(client):
    """examples/dask_fix.py imported here, and uploaded to the workers (the
    Dask way to ship a local module) so its functions unpickle there."""
    spec = importlib.util.spec_from_file_location("dask_fix", EXAMPLE)
    assert spec and spec.loader, EXAMPLE
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    client.upload_file(str(EXAMPLE))
    return module


def decode(page: bytes) -> str:
    """The page as a crawler stores it in JSON: its declared charset, else UTF-8
    or windows-1252 (what WHATWG makes of latin-1 labels)."""
    try:
        return page.decode("utf-8")
    except UnicodeDecodeError:
        pass
    m = re.search(rb"""charset\s*=\s*["']?([\w.:-]+)""", page[:1024], re.IGNORECASE)
    label = m.group(1).decode("ascii").lower() if m else "windows-1252"
    if label in ("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"):
        label = "windows-1252"
    try:
        return page.decode(label, "replace")
    except LookupError:
        return page.decode("windows-1252", "replace")


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory, corpus: dict[str, bytes]) -> Path:
    path = tmp_path_factory.mktemp("dask") / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for name, page in corpus.items():
            record = {"url": f"corpus/articles/{name}", "html": decode(page)}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="module")
def client():
    start = time.perf_counter()
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
    )
    c = distributed.Client(cluster)
    print(f"\nLocalCluster with 2 worker processes up in {time.perf_counter() - start:.1f} s")
    yield c
    c.close()
    cluster.close()


def expected(cli: Cli, html: str, unsafe_fixes: bool) -> tuple[str | None, list | None]:
    """The CLI on the record's HTML: (fixed HTML, remaining (rule, line, column)),
    or (None, None) when tagmend refuses the page (or its repair is not UTF-8)."""
    want = cli.fix(html.encode("utf-8"), unsafe_fixes)
    if want.status == 2:
        return None, None
    try:
        fixed = want.stdout.decode("utf-8")
    except UnicodeDecodeError:
        return None, None
    remaining = [
        (d["rule"], d["start"]["line"], d["start"]["column"]) for d in want.remaining or []
    ]
    return fixed, remaining


def compare(cli: Cli, inputs: list[dict], outputs: list[dict], unsafe_fixes: bool) -> list[str]:
    assert [r["url"] for r in outputs] == [r["url"] for r in inputs], "records out of order"
    mismatched = []
    for before, after in zip(inputs, outputs):
        fixed, remaining = expected(cli, before["html"], unsafe_fixes)
        if fixed is None:
            if "error" not in after["tagmend"] or after["html"] != before["html"]:
                mismatched.append(f"{before['url']}: the CLI refused it, the binding did not")
        elif after["html"] != fixed:
            mismatched.append(f"{before['url']}: fixed HTML differs")
        elif [
            (d["rule"], d["line"], d["column"]) for d in after["tagmend"].get("findings", [])
        ] != remaining:
            mismatched.append(f"{before['url']}: remaining findings differ")
    return mismatched


def test_dask_bag_fix_equals_cli(client, cli: Cli, jsonl: Path) -> None:
    example = load_example(client)
    inputs = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    # ~1 MiB partitions, so both workers get work.
    bag = db.read_text(str(jsonl), blocksize="1MiB", encoding="utf-8").map(json.loads)
    fixed = bag.map(example.fix_record, unsafe_fixes=False)
    start = time.perf_counter()
    outputs = client.compute(fixed).result(timeout=600)
    seconds = time.perf_counter() - start
    workers = client.scheduler_info()["workers"]
    mb = jsonl.stat().st_size / 1e6
    print(
        f"\nDask: {len(outputs)} pages ({mb:.1f} MB of JSONL, {fixed.npartitions} partitions) "
        f"fixed on {len(workers)} worker processes in {seconds:.2f} s ({mb / seconds:.1f} MB/s)"
    )
    mismatched = compare(cli, inputs, outputs, unsafe_fixes=False)
    print(
        f"Dask: {len(outputs) - len(mismatched)} of {len(outputs)} equal to `tagmend check --fix -`"
    )
    assert len(outputs) == len(inputs)
    assert not mismatched, "\n".join(mismatched)

    # `tagmend corpus` on the same JSONL repairs every record the same way.
    corpus_out = jsonl.with_name("corpus-mode.jsonl")
    p = subprocess.run(
        [
            str(cli.path),
            "corpus",
            "--isolated",
            "--quiet",
            "--format",
            "jsonl",
            "--fix",
            "-o",
            str(corpus_out),
            str(jsonl),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert p.returncode in (0, 1), p.stderr
    by_corpus_mode = [
        json.loads(line) for line in corpus_out.read_text(encoding="utf-8").splitlines()
    ]
    assert [r["html"] for r in by_corpus_mode] == [r["html"] for r in outputs]
    print(f"Dask: {len(outputs)} of {len(outputs)} equal to `tagmend corpus --format jsonl --fix`")


def test_example_script_on_the_running_scheduler(
    client, cli: Cli, jsonl: Path, tmp_path: Path
) -> None:
    """examples/dask_fix.py as a user runs it, against this cluster's scheduler."""
    out = tmp_path / "fixed.jsonl"
    start = time.perf_counter()
    p = subprocess.run(
        [
            sys.executable,
            str(EXAMPLE),
            str(jsonl),
            str(out),
            "--unsafe-fixes",
            "--scheduler",
            client.scheduler.address,
            "--blocksize",
            "1MiB",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    print(
        f"\nexamples/dask_fix.py --unsafe-fixes: {time.perf_counter() - start:.2f} s; {p.stderr.strip()}"
    )
    assert p.returncode == 0, p.stderr
    inputs = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    outputs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(outputs) == len(inputs)
    mismatched = compare(cli, inputs, outputs, unsafe_fixes=True)
    assert not mismatched, "\n".join(mismatched)


def test_example_script_writes_parts_from_the_workers(
    client, cli: Cli, jsonl: Path, tmp_path: Path
) -> None:
    small = tmp_path / "small.jsonl"
    lines = jsonl.read_text(encoding="utf-8").splitlines()[:6]
    bad = '{"url": "broken", "html": '  # a malformed record: written through, counted
    small.write_text("\n".join([*lines[:3], bad, *lines[3:]]) + "\n", encoding="utf-8")
    p = subprocess.run(
        [
            sys.executable,
            str(EXAMPLE),
            str(small),
            str(tmp_path / "out" / "part-*.jsonl"),
            "--scheduler",
            client.scheduler.address,
            "--blocksize",
            "40KiB",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert p.returncode == 0, p.stderr
    parts = sorted((tmp_path / "out").glob("part-*.jsonl"), key=lambda f: int(f.stem.split("-")[1]))
    assert len(parts) > 1
    written = [line for f in parts for line in f.read_text(encoding="utf-8").splitlines()]
    assert written[3] == bad
    outputs = [json.loads(line) for line in written[:3] + written[4:]]
    assert f"{len(lines) + 1} records" in p.stderr and "1 refused" in p.stderr, p.stderr
    assert not compare(cli, [json.loads(line) for line in lines], outputs, unsafe_fixes=False)
