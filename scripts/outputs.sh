#!/usr/bin/env bash
# Every observable output of one tagmend build over a corpus, written to OUTDIR, so
# two builds can be compared with `diff -r` (a speed change must leave them all
# byte-identical): all-rules and default JSON findings, the files and findings of
# `--fix --unsafe-fixes --select all`, the files and concise output of a default
# `--fix`, the full (default) and concise reports of all rules, and over every fuzz
# regression input both `--fix --unsafe-fixes --select all -` and the full report.
# Usage: scripts/outputs.sh BIN OUTDIR [CORPUS_DIR]
#   scripts/outputs.sh /tmp/tagmend-before /tmp/a && scripts/outputs.sh target/release/tagmend /tmp/b && diff -r /tmp/a /tmp/b
set -u
cd "$(dirname "$0")/.."
bin=$(realpath "$1"); out=$2; corpus=$(realpath "${3:-../shared/corpus/articles}")
rm -rf "$out"; mkdir -p "$out/fixed" "$out/fixed-default"
"$bin" check --select all --output-format json "$corpus" > "$out/all.json" 2>"$out/all.err"; echo "rc=$?" >> "$out/all.err"
"$bin" check --output-format json "$corpus" > "$out/default.json" 2>"$out/default.err"; echo "rc=$?" >> "$out/default.err"
cp "$corpus"/*.html "$out/fixed/"; chmod u+w "$out/fixed"/*
"$bin" check --fix --unsafe-fixes --select all --output-format json "$out/fixed" > "$out/fix.json" 2>"$out/fix.err"; echo "rc=$?" >> "$out/fix.err"
cp "$corpus"/*.html "$out/fixed-default/"; chmod u+w "$out/fixed-default"/*
"$bin" check --fix --output-format concise "$out/fixed-default" > "$out/fixd.txt" 2>&1; echo "rc=$?" >> "$out/fixd.txt"
sed -i "s#$out/fixed-default#DIR#g" "$out/fixd.txt"; sed -i "s#$out/fixed#DIR#g" "$out/fix.json"
"$bin" check --select all "$corpus" > "$out/full-all.txt" 2>&1; echo "rc=$?" >> "$out/full-all.txt"
"$bin" check --select all --output-format concise "$corpus" > "$out/concise-all.txt" 2>&1; echo "rc=$?" >> "$out/concise-all.txt"
for f in fuzz/regressions/lint_fix/*; do
  r="$out/reg-$(basename "$f")"
  "$bin" check --fix --unsafe-fixes --select all - < "$f" > "$r" 2>&1; echo "rc=$?" >> "$r"
  r="$out/full-reg-$(basename "$f")"
  "$bin" check --select all - < "$f" > "$r" 2>&1; echo "rc=$?" >> "$r"
done
echo "wrote $out"
