#!/usr/bin/env bash
# Times, in one run and on the same files: plain html5ever parse, tagmend check
# (1 core and all cores; with --output-format concise and with the default report,
# which draws a snippet per finding), tagmend's fix and Tidy's repair (each the way a user
# runs it: one call over all the files, on a fresh copy made outside the timed
# part; plus the per-file fix-to-stdout variants), tidy -e and htmlhint. Prints
# MB/s and ratios. Installs peers if missing.
# Usage: scripts/compare.sh [CORPUS_DIR] [ROUNDS]
# TAGMEND_BIN=path times another tagmend build. TAGMEND_BASE=path also times that
# build's check (1 core, all cores) and fix in the same run, for an A/B.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/articles}
rounds=${2:-5}
command -v tidy >/dev/null || { apt-get update -qq && apt-get install -y -qq tidy >/dev/null; }
command -v htmlhint >/dev/null || npm install -g htmlhint@1 >/dev/null 2>&1 || true
cargo build --release --quiet --bins --example html5ever_parse
target=${CARGO_TARGET_DIR:-target}
bin=${TAGMEND_BIN:-$target/release/tagmend}
base=$target/release/examples/html5ever_parse
mapfile -t files < <(find "$corpus" -name '*.html' | sort)
mb=$(cat "${files[@]}" | wc -c | awk '{printf "%.3f", $1/1e6}')
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

best() { # best wall time in seconds of ROUNDS runs of "$@" (after $setup, untimed)
  local b=999999
  for _ in $(seq "$rounds"); do
    local s e
    if [ -n "${setup:-}" ]; then $setup; fi
    s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
    b=$(awk -v b="$b" -v t="$(awk -v s="$s" -v e="$e" 'BEGIN{print e-s}')" 'BEGIN{print (t<b)?t:b}')
  done
  echo "$b"
}
fix_stdout() { for f in "${files[@]}"; do "$bin" check --fix --unsafe-fixes - < "$f"; done; }
tidy_e() { tidy -q -e "${files[@]}"; }
tidy_fix_stdout() { for f in "${files[@]}"; do tidy -q --force-output yes "$f"; done; }
fresh_copy() { # the corpus files, writable, in $work/copy (not timed)
  rm -rf "$work/copy"; mkdir -p "$work/copy"; cp "${files[@]}" "$work/copy/"; chmod -R u+w "$work/copy"
}
tagmend_fix_dir() { "$bin" check --fix --unsafe-fixes "$work/copy"; }
tagmend_fix_safe_dir() { "$bin" check --fix "$work/copy"; }
tidy_repair_dir() { tidy -q -m --force-output yes "$work/copy"/*.html; }
declare -A t
t[html5ever_parse]=$(best "$base" "${files[@]}")
t[tagmend_check_1core]=$(best env RAYON_NUM_THREADS=1 "$bin" check --output-format concise "${files[@]}")
t[tagmend_check]=$(best "$bin" check --output-format concise "${files[@]}")
# As a user runs it: the default report draws a snippet for every finding.
t[tagmend_check_full_1core]=$(best env RAYON_NUM_THREADS=1 "$bin" check "${files[@]}")
t[tagmend_check_full]=$(best "$bin" check "${files[@]}")
t[tagmend_fix_stdout]=$(best fix_stdout)
t[tagmend_fix]=$(setup=fresh_copy best tagmend_fix_dir)
# As a user runs it by default: safe fixes only.
t[tagmend_fix_safe]=$(setup=fresh_copy best tagmend_fix_safe_dir)
t[tidy_e]=$(best tidy_e)
t[tidy_repair]=$(setup=fresh_copy best tidy_repair_dir)
t[tidy_repair_stdout]=$(best tidy_fix_stdout)
if command -v htmlhint >/dev/null; then t[htmlhint]=$(best htmlhint "${files[@]}"); fi
if [ -n "${TAGMEND_BASE:-}" ]; then
  new=$bin; bin=$TAGMEND_BASE
  t[base_check_1core]=$(best env RAYON_NUM_THREADS=1 "$bin" check --output-format concise "${files[@]}")
  t[base_check]=$(best "$bin" check --output-format concise "${files[@]}")
  t[base_check_full]=$(best "$bin" check "${files[@]}")
  t[base_fix]=$(setup=fresh_copy best tagmend_fix_dir)
  bin=$new
fi
small=$(printf '%s\n' "${files[@]}" | xargs ls -S | tail -1)
t[small_file_check]=$(best "$bin" check "$small")
echo "corpus: ${#files[@]} files, $mb MB, best of $rounds rounds"
printf '%-22s %10s %10s\n' tool seconds MB/s
for k in html5ever_parse tagmend_check_1core tagmend_check tagmend_check_full_1core tagmend_check_full tagmend_fix tagmend_fix_safe tagmend_fix_stdout tidy_e tidy_repair tidy_repair_stdout htmlhint base_check_1core base_check base_check_full base_fix; do
  [ -n "${t[$k]:-}" ] && printf '%-22s %10.3f %10.2f\n' "$k" "${t[$k]}" "$(awk -v m="$mb" -v s="${t[$k]}" 'BEGIN{print m/s}')"
done
printf 'small file (%s): %.1f ms\n' "$(basename "$small")" "$(awk -v s="${t[small_file_check]}" 'BEGIN{print s*1000}')"
r() { awk -v a="${t[$1]}" -v b="${t[$2]}" 'BEGIN{printf "%.2f", a/b}'; }
echo "ratios (higher is better for tagmend; check is timed with --output-format concise):"
echo "  tagmend check 1 core vs html5ever parse: $(r html5ever_parse tagmend_check_1core)x  (target >= 0.6)"
echo "  tagmend check all cores vs 1 core:        $(r tagmend_check_1core tagmend_check)x  (target >= 1.8 on 2 cores)"
echo "  tagmend check vs tidy -e:                 $(r tidy_e tagmend_check)x  (target >= 5)"
echo "  same, with the default (full) report:    1 core vs html5ever $(r html5ever_parse tagmend_check_full_1core)x, all cores vs 1 core $(r tagmend_check_full_1core tagmend_check_full)x, vs tidy -e $(r tidy_e tagmend_check_full)x"
echo "  tagmend --fix --unsafe-fixes vs tidy repair (one call):  $(r tidy_repair tagmend_fix)x  (target >= 3)"
echo "  tagmend --fix (safe fixes, the default) vs tidy repair:   $(r tidy_repair tagmend_fix_safe)x"
echo "  same, per file to stdout:                 $(r tidy_repair_stdout tagmend_fix_stdout)x"
if [ -n "${TAGMEND_BASE:-}" ]; then
  echo "this build vs TAGMEND_BASE (same run):"
  echo "  check 1 core: $(r base_check_1core tagmend_check_1core)x   check all cores: $(r base_check tagmend_check)x   default report: $(r base_check_full tagmend_check_full)x   fix: $(r base_fix tagmend_fix)x"
  echo "  base: check 1 core vs html5ever parse $(r html5ever_parse base_check_1core)x, all cores vs 1 core $(r base_check_1core base_check)x"
fi
