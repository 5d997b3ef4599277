#!/usr/bin/env bash
# Throughput and peak memory of `tagmend corpus --fix`: the articles of the
# corpus as one JSONL file and as one WARC.gz (one run each), then a large JSONL
# made by repeating the corpus (peak RSS must stay flat whatever the size).
# Prints MB/s (wall clock), MB per CPU-second (user + system; meaningful on a
# busy machine) and peak RSS, from /usr/bin/time -v. Temporary files go to
# $TMPDIR (default /tmp) and are removed at the end.
# Usage: scripts/corpus-bench.sh [CORPUS_DIR] [BIG_MB]   (BIG_MB default 1000; 0 skips)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/articles}
big_mb=${2:-1000}
target=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --bin tagmend
bin=$target/release/tagmend
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

python3 - "$corpus" "$work" <<'EOF'
import base64, gzip, hashlib, json, os, sys, uuid
corpus, work = sys.argv[1], sys.argv[2]
names = sorted(n for n in os.listdir(corpus) if n.endswith(".html"))
pages = [(n, open(os.path.join(corpus, n), "rb").read()) for n in names]
with open(os.path.join(work, "articles.jsonl"), "w", encoding="utf-8") as f:
    for i, (n, b) in enumerate(pages):
        f.write(json.dumps({"id": i, "url": f"https://example.com/{n}",
                            "html": b.decode("utf-8", "replace")}, ensure_ascii=False) + "\n")
def digest(b):
    return "sha1:" + base64.b32encode(hashlib.sha1(b).digest()).decode()
with open(os.path.join(work, "articles.warc.gz"), "wb") as f:
    for n, body in pages:
        block = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(body)) + body
        head = ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%s>\r\n"
                "WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Target-URI: https://example.com/%s\r\n"
                "WARC-Payload-Digest: %s\r\nWARC-Block-Digest: %s\r\n"
                "Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n"
                % (uuid.uuid4(), n, digest(body), digest(block), len(block))).encode()
        f.write(gzip.compress(head + block + b"\r\n\r\n"))
EOF

# measure LABEL INPUT FORMAT: one run; MB/s of uncompressed page bytes, peak RSS.
measure() {
  local label=$1 input=$2 format=$3 raw_bytes=$4
  /usr/bin/time -v "$bin" corpus --format "$format" --fix --quiet "$input" \
    -o "$work/out.$format" 2>"$work/time.txt" || [ $? -eq 1 ]
  local secs cpu rss
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$work/time.txt")
  cpu=$(awk -F': ' '/(User|System) time/ {c+=$2} END {print c}' "$work/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$work/time.txt")
  awk -v l="$label" -v b="$raw_bytes" -v s="$secs" -v c="$cpu" -v r="$rss" -v f="$(stat -c %s "$input")" \
    'BEGIN { printf "%-26s %7.1f MB (file %6.1f MB) %7.1f s %6.2f MB/s | %7.1f CPU-s %5.2f MB/CPU-s | peak RSS %4d MiB\n", l, b/1e6, f/1e6, s, b/1e6/s, c, b/1e6/c, r }'
  rm -f "$work/out.$format"
}

pages_bytes=$(cat "$corpus"/*.html | wc -c)
echo "tagmend corpus --fix, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg); MB counts the pages' HTML bytes"
measure "articles.jsonl" "$work/articles.jsonl" jsonl "$pages_bytes"
measure "articles.warc.gz" "$work/articles.warc.gz" warc "$pages_bytes"

if [ "$big_mb" -gt 0 ]; then
  one=$(stat -c %s "$work/articles.jsonl")
  copies=$(( (big_mb * 1000000 + one - 1) / one ))
  for _ in $(seq "$copies"); do cat "$work/articles.jsonl"; done > "$work/big.jsonl"
  measure "big.jsonl (${copies}x corpus)" "$work/big.jsonl" jsonl $(( pages_bytes * copies ))
fi
