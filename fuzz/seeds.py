#!/usr/bin/env python3
"""Build the fuzz seed corpora, fuzz/corpus/{parse_dom,lint_fix}/.

Seeds: the article pages of ../shared/corpus/articles cut into pieces of at most
64 KiB (the targets run with -max_len=65536), every #data input of the
html5lib-tests tree-construction files, and every fixtures/**/*.html page.
Files are named by content hash, so running it twice adds nothing.

    python3 fuzz/seeds.py
"""

import hashlib
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
PIECE = 64 * 1024
TARGETS = ["parse_dom", "lint_fix"]


def articles():
    folder = SHARED / "articles"
    for page in sorted(folder.glob("*.html")) if folder.is_dir() else []:
        data = page.read_bytes()
        for at in range(0, len(data), PIECE):
            yield data[at : at + PIECE]


def html5lib_inputs():
    folder = SHARED / "html5lib-tests"
    for dat in sorted(folder.rglob("*.dat")) if folder.is_dir() else []:
        # Split on LF only: some inputs hold a bare CR that must reach the parser.
        lines = dat.read_bytes().split(b"\n")
        i = 0
        while i < len(lines):
            if lines[i] == b"#data" and (i == 0 or lines[i - 1] == b""):
                j = i + 1
                while j < len(lines) and lines[j] != b"#errors":
                    j += 1
                yield b"\n".join(lines[i + 1 : j])
                i = j
            else:
                i += 1


def fixtures():
    for page in sorted((ROOT / "fixtures").rglob("*.html")):
        yield page.read_bytes()


def main():
    counts = {}
    for source, seeds in [
        ("articles", articles()),
        ("html5lib", html5lib_inputs()),
        ("fixtures", fixtures()),
    ]:
        n = 0
        for seed in seeds:
            if not seed:
                continue
            name = hashlib.sha1(seed).hexdigest()
            for target in TARGETS:
                out = ROOT / "fuzz" / "corpus" / target
                out.mkdir(parents=True, exist_ok=True)
                (out / name).write_bytes(seed)
            n += 1
        counts[source] = n
    print(", ".join(f"{n} seeds from {s}" for s, n in counts.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
