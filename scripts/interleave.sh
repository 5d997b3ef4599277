#!/usr/bin/env bash
# The two check ratios of issue #7, with the runs interleaved: plain html5ever parse,
# `tagmend check` on one thread and on all threads, taken in turn ROUNDS times, so
# load that drifts during the run hits all three alike (compare.sh times each tool's
# rounds back to back). Prints the minimum and the median of each, and the ratios
# of the minima, and the median of the same ratios taken within each round.
# Usage: scripts/interleave.sh [CORPUS_DIR] [ROUNDS]   (TAGMEND_BIN=path for another build;
# TAGMEND_BASE=path also times that build's check in the same rotation, for an A/B;
# TIDY=1 also times, in each round, `tidy -q -e` and Tidy's repair against check
# with the default report and `check --fix` (default and with --unsafe-fixes),
# the fixes on a fresh copy of the files made outside the timed part)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/articles}
rounds=${2:-15}
cargo build --release --quiet --bins --example html5ever_parse
target=${CARGO_TARGET_DIR:-target}
bin=${TAGMEND_BIN:-$target/release/tagmend}
parse=$target/release/examples/html5ever_parse
mapfile -t files < <(find "$corpus" -name '*.html' | sort)
out=$(mktemp); work=$(mktemp -d); trap 'rm -f "$out"; rm -rf "$work"' EXIT
if [ -n "${TIDY:-}" ]; then
  command -v tidy >/dev/null || { apt-get update -qq && apt-get install -y -qq tidy >/dev/null; }
fi
fresh_copy() { # the files, writable, in $work/copy (not timed)
  rm -rf "$work/copy"; mkdir -p "$work/copy"; cp "${files[@]}" "$work/copy/"; chmod -R u+w "$work/copy"
}
ms() { # wall milliseconds of one run of "$@"
  local s e
  s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
  echo $(((e - s) / 1000000))
}
for _ in $(seq "$rounds"); do
  echo "html5ever $(ms "$parse" "${files[@]}")" >>"$out"
  echo "check_1 $(ms env RAYON_NUM_THREADS=1 "$bin" check --output-format concise "${files[@]}")" >>"$out"
  echo "check_all $(ms "$bin" check --output-format concise "${files[@]}")" >>"$out"
  if [ -n "${TAGMEND_BASE:-}" ]; then
    echo "base_1 $(ms env RAYON_NUM_THREADS=1 "$TAGMEND_BASE" check --output-format concise "${files[@]}")" >>"$out"
    echo "base_all $(ms "$TAGMEND_BASE" check --output-format concise "${files[@]}")" >>"$out"
  fi
  if [ -n "${TIDY:-}" ]; then
    echo "tidy_e $(ms tidy -q -e "${files[@]}")" >>"$out"
    echo "check_full $(ms "$bin" check "${files[@]}")" >>"$out"
    fresh_copy; echo "tidy_repair $(ms tidy -q -m --force-output yes "$work"/copy/*.html)" >>"$out"
    fresh_copy; echo "fix_safe $(ms "$bin" check --fix "$work/copy")" >>"$out"
    fresh_copy; echo "fix_unsafe $(ms "$bin" check --fix --unsafe-fixes "$work/copy")" >>"$out"
  fi
done
stat() { # min and median of one series
  grep "^$1 " "$out" | cut -d' ' -f2 | sort -n | awk '{a[NR]=$1} END{printf "%d %d", a[1], a[int((NR+1)/2)]}'
}
read -r h hm <<<"$(stat html5ever)"
read -r c1 c1m <<<"$(stat check_1)"
read -r ca cam <<<"$(stat check_all)"
echo "${#files[@]} files, $rounds interleaved rounds (ms: min / median)"
echo "  html5ever parse      $h / $hm"
echo "  check, 1 thread      $c1 / $c1m"
echo "  check, all threads   $ca / $cam"
awk -v h="$h" -v c1="$c1" -v ca="$ca" 'BEGIN{
  printf "check 1 thread vs html5ever: %.2fx (target >= 0.6)\n", h / c1
  printf "all threads vs 1 thread:     %.2fx (target >= 1.8 on 2 cores)\n", c1 / ca }'
# The same ratios taken within each round (the three runs of a round follow each
# other, so they meet about the same load), then the median over the rounds:
# steadier than a ratio of minima when the load swings between rounds.
paired() { # median over rounds of $1-series / $2-series
  paste <(grep "^$1 " "$out" | cut -d' ' -f2) <(grep "^$2 " "$out" | cut -d' ' -f2) |
    awk '$2 > 0 {print $1 / $2}' | sort -g | awk '{a[NR]=$1} END{printf "%.2f", a[int((NR+1)/2)]}'
}
echo "per-round ratios, median: check 1 thread vs html5ever $(paired html5ever check_1)x, all threads vs 1 thread $(paired check_1 check_all)x"
if [ -n "${TAGMEND_BASE:-}" ]; then
  read -r b1 b1m <<<"$(stat base_1)"
  read -r ba bam <<<"$(stat base_all)"
  echo "  base check, 1 thread     $b1 / $b1m"
  echo "  base check, all threads  $ba / $bam"
  awk -v h="$h" -v c1="$c1" -v ca="$ca" -v b1="$b1" -v ba="$ba" 'BEGIN{
    printf "this build vs base: 1 thread %.2fx, all threads %.2fx; base vs html5ever %.2fx\n", b1 / c1, ba / ca, h / b1 }'
  echo "per-round ratios, median: base vs html5ever $(paired html5ever base_1)x, this build vs base (1 thread) $(paired base_1 check_1)x"
fi
if [ -n "${TIDY:-}" ]; then
  for k in tidy_e check_full tidy_repair fix_safe fix_unsafe; do
    read -r m mm <<<"$(stat $k)"
    printf '  %-20s %d / %d\n' "$k" "$m" "$mm"
  done
  echo "per-round ratios, median (target: >= 5 vs tidy -e, >= 3 vs Tidy's repair):"
  echo "  check (concise) vs tidy -e $(paired tidy_e check_all)x, check (default report) vs tidy -e $(paired tidy_e check_full)x"
  echo "  check --fix vs Tidy's repair $(paired tidy_repair fix_safe)x, check --fix --unsafe-fixes vs Tidy's repair $(paired tidy_repair fix_unsafe)x"
fi
