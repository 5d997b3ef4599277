#!/usr/bin/env python3
"""Corrupt real pages the way the seed article is corrupted, for tag-debris tests.

    scripts/corrupt.py IN_DIR OUT_DIR [--seed N] [--rate R]

In the page body (never inside <script>, <style>, <textarea>, <pre>, <template>,
comments or attribute values), each table, list, heading and paragraph tag is
corrupted with probability R (default 0.3), in one of the seed's ways:

  * an end tag loses its `</`:      </td> -> td>   </li> -> li >   </h2> -> h2>
                                    (after a space: "defense</td>" -> "defense td>")
  * a start tag gets spaces:        <td> -> < td >   <th scope="col"> -> < th scope ="col">
  * a tag is escaped into the text: </td> -> &lt;/td&gt;

Writes each corrupted page to OUT_DIR under the same name and prints a summary
("<file>\\t<lost-slash>\\t<spaced>\\t<escaped>") on stdout. Deterministic for a seed.
"""
import argparse
import os
import random
import re
import sys

END_NAMES = ("td", "th", "tr", "li", "p", "h1", "h2", "h3", "h4", "h5", "h6")
START_NAMES = ("td", "th")
PROTECTED = re.compile(
    r"<!--.*?-->|<(script|style|textarea|pre|template|title|xmp)\b.*?</\1\s*>",
    re.S | re.I,
)
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s[^<>]*)?)>")


def protected_ranges(text):
    return [(m.start(), m.end()) for m in PROTECTED.finditer(text)]


def corrupt(text, rng, rate):
    body = re.search(r"<body\b[^>]*>", text, re.I)
    start = body.end() if body else 0
    ranges = protected_ranges(text)
    out = []
    last = 0
    counts = {"lost": 0, "spaced": 0, "escaped": 0}
    ri = 0
    for m in TAG.finditer(text, start):
        while ri < len(ranges) and ranges[ri][1] <= m.start():
            ri += 1
        if ri < len(ranges) and ranges[ri][0] <= m.start() < ranges[ri][1]:
            continue
        slash, name, attrs = m.group(1), m.group(2).lower(), m.group(3)
        if slash and name in END_NAMES and not attrs.strip():
            if rng.random() >= rate:
                continue
            how = rng.random()
            if how < 0.7:
                # The seed's debris always stands apart from what comes before
                # it ("trafficking td >", "June 2024). p>").
                lead = "" if m.start() > 0 and text[m.start() - 1].isspace() else " "
                rep = f"{lead}{name}{' ' if rng.random() < 0.4 else ''}>"
                counts["lost"] += 1
            else:
                rep = f"&lt;/{name}&gt;"
                counts["escaped"] += 1
        elif not slash and name in START_NAMES:
            if rng.random() >= rate:
                continue
            attrs = attrs.rstrip()
            if attrs.endswith("/"):
                continue
            spaced = re.sub(r"\s*=\s*", " =", attrs) if attrs.strip() else ""
            rep = f"< {name}{spaced} >"
            counts["spaced"] += 1
        else:
            continue
        out.append(text[last:m.start()])
        out.append(rep)
        last = m.end()
    out.append(text[last:])
    return "".join(out), counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("in_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rate", type=float, default=0.3)
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    for name in sorted(os.listdir(args.in_dir)):
        if not name.endswith(".html"):
            continue
        with open(os.path.join(args.in_dir, name), "rb") as f:
            raw = f.read()
        # Latin-1 round-trips every byte, so pages in any ASCII-compatible
        # encoding keep their bytes outside the corrupted tags.
        text = raw.decode("latin-1")
        rng = random.Random(f"{args.seed}:{name}")
        new, counts = corrupt(text, rng, args.rate)
        with open(os.path.join(args.out_dir, name), "wb") as f:
            f.write(new.encode("latin-1"))
        print(f"{name}\t{counts['lost']}\t{counts['spaced']}\t{counts['escaped']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
