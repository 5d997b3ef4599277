#!/usr/bin/env python3
"""Repair every page of a JSONL corpus with tagmend on a Dask cluster.

    python examples/dask_fix.py corpus.jsonl out.jsonl                 # a local cluster
    python examples/dask_fix.py corpus.jsonl out.jsonl --scheduler tcp://host:8786
    python examples/dask_fix.py 's3://bucket/crawl/*.jsonl.gz' 's3://bucket/fixed/*.jsonl' \\
        --scheduler tcp://host:8786

Each input line is a JSON object holding a page's HTML in `--html-field`
(default `html`). Each output line is the same object with that field repaired,
exactly as `tagmend check --fix -` repairs the field's UTF-8 bytes, plus a
`tagmend` object: `{"findings": [...]}` (what remains, with rule, line, column
and message) or `{"error": "..."}` for a page tagmend refused (its HTML is then
left as it was). Other fields are untouched, and records keep their order. A
line that is not a JSON object is written through unchanged and counted as refused.

IN is anything `dask.bag.read_text` reads: a path, a glob, a list, or an
fsspec URL (s3://, gs://, hdfs://). OUT with a `*` is written by the workers,
one file per partition (`out/part-*.jsonl`; on several machines it must be
storage every worker can reach); OUT without one is a single file written here,
partition by partition in input order.

Every worker needs the `tagmend` wheel installed (`pip install ./python`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Literal

COMPRESSED = (".gz", ".bz2", ".xz", ".zst", ".lz4")


def fix_record(
    record: dict[str, Any],
    html_field: str = "html",
    unsafe_fixes: bool = False,
    select: str | list[str] | None = None,
    ignore: str | list[str] | None = None,
    profile: Literal["document", "fragment"] = "document",
) -> dict[str, Any]:
    """One record repaired; runs on a worker."""
    import tagmend  # the workers' own install

    out = dict(record)
    html = record.get(html_field)
    if not isinstance(html, str):
        out["tagmend"] = {"error": f"no string field `{html_field}`"}
        return out
    try:
        fixed, remaining = tagmend.fix(
            html, unsafe_fixes=unsafe_fixes, select=select, ignore=ignore, profile=profile
        )
    except tagmend.TagmendError as e:
        out["tagmend"] = {"error": str(e)}
        return out
    out[html_field] = fixed
    out["tagmend"] = {
        "findings": [
            {
                "rule": d["rule"],
                "line": d["start"]["line"],
                "column": d["start"]["column"],
                "message": d["message"],
            }
            for d in remaining
        ]
    }
    return out


def fix_line(line: str, **options: Any) -> tuple[str, bool, int]:
    """One JSONL line repaired: (output line, refused?, findings left). A line
    that is not a JSON object is written through unchanged and counted as refused."""
    try:
        record = json.loads(line)
    except ValueError:
        record = None
    if not isinstance(record, dict):
        return line.rstrip("\r\n"), True, 0
    out = fix_record(record, **options)
    return (
        json.dumps(out, ensure_ascii=False),
        "error" in out["tagmend"],
        len(out["tagmend"].get("findings", ())),
    )


def fixed_lines(
    urlpath: str | list[str],
    blocksize: str | None = "16MiB",
    **options: Any,
):
    """A Dask bag of `fix_line` results, in input order."""
    import dask.bag as db

    paths = [urlpath] if isinstance(urlpath, str) else urlpath
    if any(p.endswith(COMPRESSED) for p in paths):
        blocksize = None  # a compressed file cannot be split; one partition per file
    lines = db.read_text(urlpath, blocksize=blocksize, encoding="utf-8")
    return lines.filter(str.strip).map(fix_line, **options)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("input", help="JSONL path, glob or URL")
    p.add_argument("output", help="JSONL file, or a glob such as out/part-*.jsonl")
    p.add_argument("--scheduler", help="address of a running scheduler, tcp://host:8786")
    p.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="local cluster worker processes"
    )
    p.add_argument("--html-field", default="html")
    p.add_argument("--unsafe-fixes", action="store_true")
    p.add_argument("--select", help="rules or groups, comma-separated")
    p.add_argument("--ignore", help="rules or groups, comma-separated")
    p.add_argument("--profile", choices=["document", "fragment"], default="document")
    p.add_argument("--blocksize", default="16MiB", help="bytes of input per partition")
    a = p.parse_args(argv)

    from dask.distributed import Client, LocalCluster

    if a.scheduler:
        client = Client(a.scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True)
        client = Client(cluster)
    options = {
        "html_field": a.html_field,
        "unsafe_fixes": a.unsafe_fixes,
        "select": a.select,
        "ignore": a.ignore,
        "profile": a.profile,
    }
    start = time.perf_counter()
    try:
        bag = fixed_lines(a.input, blocksize=a.blocksize, **options)
        records = errors = findings = 0
        if "*" in a.output:
            # The workers write the parts; the counts come from the same pass.
            import dask

            writes = bag.pluck(0).to_textfiles(a.output, encoding="utf-8", compute=False)
            records, errors, findings = dask.compute(
                bag.count(), bag.pluck(1).sum(), bag.pluck(2).sum(), writes
            )[:3]
        else:
            parts = client.compute(bag.to_delayed())
            with open(a.output, "w", encoding="utf-8") as out:
                for part in parts:
                    for line, refused, left in part.result():
                        out.write(line)
                        out.write("\n")
                        records += 1
                        errors += refused
                        findings += left
                    part.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    seconds = time.perf_counter() - start
    print(
        f"{records} records in {seconds:.1f} s: {errors} refused, {findings} findings remain",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
