#!/usr/bin/env python3
"""How much of a corrupted page tagmend's repair brings back.

    scripts/debris-recovery.py [CORPUS_DIR] [--seed N] [--rate R] [--keep DIR]

Corrupts every page of CORPUS_DIR (default ../shared/corpus/articles) with
scripts/corrupt.py, repairs the copies with `tagmend check --fix --unsafe-fixes`,
and compares each page's table, list, heading and paragraph elements (path of such
elements from the root + collapsed text, as a multiset) with the original's, and
with the original's own repair (so that cleanup rules acting on both, such as the
removal of empty paragraphs, cancel out). Prints, per page and
in total, the fraction of original elements back in place (before and after the
repair) and the debris (`td>`, `< td`, `</td>` …) still visible in the text that the
original did not have. Needs cargo; builds the binary and the element_paths example.
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
DEBRIS = re.compile(
    r"(?<![\w/<-])(?:td|th|tr|li|p|h[1-6]) ?/?>|< ?/? ?(?:td|th|tr|li|h[1-6])\b[^<>]*>",
    re.I,
)


def elements(path):
    out = subprocess.run(
        [os.path.join(TARGET, "release", "examples", "element_paths"), path],
        capture_output=True, text=True, errors="replace",
    ).stdout
    head, _, text = out.partition("\x01\n")
    return collections.Counter(head.splitlines()), text


def recovered(orig, other):
    total = sum(orig.values())
    back = sum(min(n, other.get(k, 0)) for k, n in orig.items())
    return back, total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=os.path.join(ROOT, "..", "shared", "corpus", "articles"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rate", type=float, default=0.3)
    ap.add_argument("--keep", help="keep the corrupted and repaired pages here")
    args = ap.parse_args()
    subprocess.run(
        ["cargo", "build", "--quiet", "--release", "--bin", "tagmend", "--example", "element_paths"],
        cwd=ROOT, check=True,
    )
    work = args.keep or tempfile.mkdtemp()
    bad, fixed = os.path.join(work, "corrupted"), os.path.join(work, "repaired")
    clean = os.path.join(work, "original-repaired")
    for d in (bad, fixed, clean):
        shutil.rmtree(d, ignore_errors=True)
    summary = subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", "corrupt.py"), args.corpus, bad,
         "--seed", str(args.seed), "--rate", str(args.rate)],
        capture_output=True, text=True, check=True,
    ).stdout
    shutil.copytree(bad, fixed)
    shutil.copytree(args.corpus, clean, ignore=shutil.ignore_patterns("*.md", "LICENSES"))
    for d in (fixed, clean):
        for name in os.listdir(d):
            os.chmod(os.path.join(d, name), 0o644)
        subprocess.run(
            [os.path.join(TARGET, "release", "tagmend"), "check", "--fix", "--unsafe-fixes",
             "--output-format", "concise", d],
            capture_output=True,
        )
    corrupted_tags = {}
    for line in summary.splitlines():
        name, *n = line.split("\t")
        corrupted_tags[name] = sum(int(x) for x in n)
    tb = tr = tt = tc = tct = 0
    debris_left = 0
    print(f"{'page':62} {'tags':>5} {'elements':>8} {'corrupt':>8} {'repaired':>8} {'debris':>6}")
    for name in sorted(corrupted_tags):
        orig, orig_text = elements(os.path.join(args.corpus, name))
        broken, _ = elements(os.path.join(bad, name))
        rep, rep_text = elements(os.path.join(fixed, name))
        b, total = recovered(orig, broken)
        r, _ = recovered(orig, rep)
        clean_els, _ = elements(os.path.join(clean, name))
        c, ctotal = recovered(clean_els, rep)
        tc, tct = tc + c, tct + ctotal
        left = max(0, len(DEBRIS.findall(rep_text)) - len(DEBRIS.findall(orig_text)))
        tb, tr, tt, debris_left = tb + b, tr + r, tt + total, debris_left + left
        pct = lambda x: f"{100 * x / total:.1f}%" if total else "-"
        print(f"{name:62} {corrupted_tags[name]:5} {total:8} {pct(b):>8} {pct(r):>8} {left:6}")
    print()
    print(f"corrupted tags: {sum(corrupted_tags.values())}, tracked elements: {tt}")
    print(f"elements in place: corrupted {100 * tb / tt:.2f}%, after tagmend {100 * tr / tt:.2f}%")
    print(f"elements of the repaired original in place after repairing the corrupted page: {100 * tc / tct:.2f}%")
    print(f"debris left visible (beyond the original's look-alikes): {debris_left}")
    if args.keep:
        print(f"pages kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
