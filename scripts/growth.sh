#!/usr/bin/env bash
# Linear growth: time and peak memory of `tagmend check` on one big page made from
# corpus pages, against a 1 MB one. The 1 MB page is a systematic sample of the
# corpus (every 10th page in name order, 1 to 1.1 MB): the first pages in name
# order ("1mb-first", kept for comparison) are 85% one script-heavy page that
# costs a quarter of the corpus average per byte, so a ratio against it measures
# content, not size. Two 20 MB pages: the 1 MB page repeated 20 times (same
# content, 20x the size: pure scaling), and the corpus pages cycled until 20 MB
# (every page in the mix), against the corpus pages once in one page (the mix is
# about twice it: the cleanest linearity check). Prints wall and CPU seconds (best of ROUNDS), the time
# ratio to the 1 MB page (target <= 25) and peak RSS as a multiple of the input
# size (target <= 30).
# Usage: scripts/growth.sh [CORPUS_DIR] [ROUNDS]
# TAGMEND_BIN=path times another tagmend build.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/articles}
rounds=${2:-3}
target=${CARGO_TARGET_DIR:-target}
if [ -z "${TAGMEND_BIN:-}" ]; then cargo build --release --quiet --bin tagmend; fi
bin=${TAGMEND_BIN:-$target/release/tagmend}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
python3 - "$corpus" "$work" <<'PY'
import os, sys
corpus, work = sys.argv[1], sys.argv[2]
names = sorted(n for n in os.listdir(corpus) if n.endswith(".html"))
pages = [open(os.path.join(corpus, n), "rb").read() for n in names]
def build(size, order=range(len(pages))):
    order = list(order)
    out, i = bytearray(), 0
    while len(out) < size:
        out += pages[order[i % len(order)]]
        i += 1
    return bytes(out)
def sample(size):
    # Every 10th page in name order, then the next stride, skipping a page that
    # would take the total past 1.1x the size.
    out = bytearray()
    for k in [k for start in range(10) for k in range(start, len(pages), 10)]:
        if len(out) >= size:
            break
        if len(out) + len(pages[k]) <= size * 1.1:
            out += pages[k]
    return bytes(out)
one = sample(1_000_000)
open(os.path.join(work, "1mb.html"), "wb").write(one)
open(os.path.join(work, "1mb-first.html"), "wb").write(build(1_000_000))
open(os.path.join(work, "20x1mb.html"), "wb").write(one * 20)
open(os.path.join(work, "corpus-once.html"), "wb").write(b"".join(pages))
open(os.path.join(work, "20mb-mix.html"), "wb").write(build(20_000_000))
PY
python3 - "$bin" "$work" "$rounds" <<'PY'
import os, subprocess, sys, time
bin, work, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
pages = ["1mb", "1mb-first", "20x1mb", "corpus-once", "20mb-mix"]
res = {}
for p in pages:
    path = os.path.join(work, p + ".html")
    # The limits are for hostile input; a 20 MB page of real articles is not one.
    cmd = [bin, "check", "--output-format", "concise", "--max-time-ms", "600000",
           "--isolated", path]
    best = None
    for _ in range(rounds):
        with open(os.path.join(work, p + ".out"), "wb") as out:
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
            _, _, ru = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
        cpu = ru.ru_utime + ru.ru_stime
        if best is None or wall < best[0]:
            best = (wall, cpu, ru.ru_maxrss * 1024)
    if b"resource-limit" in open(os.path.join(work, p + ".out"), "rb").read():
        print(f"warning: {p} hit a resource limit", file=sys.stderr)
    res[p] = best + (os.path.getsize(path),)
print(f"{'page':<10} {'MB':>7} {'wall_s':>8} {'cpu_s':>8} {'peak_MB':>8} {'peak/input':>10}")
for p in pages:
    wall, cpu, rss, size = res[p]
    print(f"{p:<10} {size/1e6:7.2f} {wall:8.3f} {cpu:8.3f} {rss/1e6:8.1f} {rss/size:10.1f}")
w1, c1 = res["1mb"][0], res["1mb"][1]
for p in ["20x1mb", "20mb-mix"]:
    wall, cpu, _, size = res[p]
    print(f"{p} vs 1mb: wall {wall/w1:.1f}x, cpu {cpu/c1:.1f}x; per MB: wall {wall/w1*res['1mb'][3]/size:.2f}x"
          f"  (target <= 25x for 20 MB)")
wf, cf = res["1mb-first"][0], res["1mb-first"][1]
wall, cpu = res["20mb-mix"][0], res["20mb-mix"][1]
print(f"20mb-mix vs 1mb-first: wall {wall/wf:.1f}x, cpu {cpu/cf:.1f}x")
wo, co, _, so = res["corpus-once"]
print(f"20mb-mix vs corpus-once (every page once, {so/1e6:.1f} MB): wall {wall/wo:.2f}x, "
      f"cpu {cpu/co:.2f}x for {res['20mb-mix'][3]/so:.2f}x the bytes")
PY
