#!/usr/bin/env bash
# Parse errors before and after repair, per page of ../shared/corpus/articles and in
# total: tagmend (`check --fix --unsafe-fixes`) against HTML Tidy
# (`tidy -q --force-output yes`), with bytes changed and the W3C checker's (vnu)
# error count after each repair. Works on temporary copies; the corpus is untouched.
#
#   scripts/parse-errors.sh [corpus-dir]
#
# Installs tidy (apt-get) and vnu-jar (npm) when missing. Set NO_VNU=1 to skip the
# W3C checker.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-../shared/corpus/articles}
TARGET=${CARGO_TARGET_DIR:-target}

if ! command -v tidy >/dev/null; then
    (apt-get update -qq && apt-get install -y -qq tidy) >/dev/null
fi
VNU_JAR=""
if [ -z "${NO_VNU:-}" ]; then
    VNU_JAR="$(npm root -g)/vnu-jar/build/dist/vnu.jar"
    if [ ! -f "$VNU_JAR" ]; then
        npm install -g --silent vnu-jar >/dev/null 2>&1 || true
    fi
    [ -f "$VNU_JAR" ] || { echo "vnu.jar not available; W3C counts skipped" >&2; VNU_JAR=""; }
fi

cargo build --quiet --release --bin tagmend --example parse_errors --example bytes_changed
TAGMEND="$TARGET/release/tagmend"
COUNT="$TARGET/release/examples/parse_errors"
CHANGED="$TARGET/release/examples/bytes_changed"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/orig" "$WORK/tagmend" "$WORK/tidy"
for f in "$CORPUS"/*.html; do
    name=$(basename "$f")
    cp "$f" "$WORK/orig/$name"
    cp "$f" "$WORK/tagmend/$name"
    tidy -q --force-output yes "$f" >"$WORK/tidy/$name" 2>/dev/null || true
done
chmod -R u+w "$WORK"
"$TAGMEND" check --fix --unsafe-fixes --output-format concise "$WORK/tagmend" >/dev/null 2>&1 || true

# W3C error counts: one checker run per folder, "<count>\t<file>" lines.
vnu_counts() {
    local dir=$1
    if [ -z "$VNU_JAR" ]; then
        for f in "$dir"/*.html; do printf -- '-\t%s\n' "$(basename "$f")"; done
        return
    fi
    java -jar "$VNU_JAR" --errors-only --format json --exit-zero-always "$dir"/*.html 2>&1 |
        python3 -c '
import json, os, sys
data = json.load(sys.stdin)
counts = {}
for m in data.get("messages", []):
    if m.get("type") == "error":
        name = os.path.basename(m.get("url", ""))
        counts[name] = counts.get(name, 0) + 1
for f in sorted(os.listdir(sys.argv[1])):
    if f.endswith(".html"):
        print(f"{counts.get(f, 0)}\t{f}")
' "$dir"
}
vnu_counts "$WORK/orig" >"$WORK/vnu-orig.txt"
vnu_counts "$WORK/tagmend" >"$WORK/vnu-tagmend.txt"
vnu_counts "$WORK/tidy" >"$WORK/vnu-tidy.txt"

lookup() { awk -F'\t' -v n="$2" '$2 == n { print $1 }' "$1"; }

printf '%-62s %6s %7s %8s %6s %8s %6s %6s %6s\n' page errors tagmend tm.bytes tidy ti.bytes w3c w3c.tm w3c.ti
tot=(0 0 0 0 0 0 0 0 0)
for f in "$WORK"/orig/*.html; do
    name=$(basename "$f")
    before=$("$COUNT" "$f" | cut -f1)
    after_t=$("$COUNT" "$WORK/tagmend/$name" | cut -f1)
    after_y=$("$COUNT" "$WORK/tidy/$name" | cut -f1)
    read -r ch_t size < <("$CHANGED" "$f" "$WORK/tagmend/$name")
    read -r ch_y _ < <("$CHANGED" "$f" "$WORK/tidy/$name")
    w0=$(lookup "$WORK/vnu-orig.txt" "$name")
    wt=$(lookup "$WORK/vnu-tagmend.txt" "$name")
    wy=$(lookup "$WORK/vnu-tidy.txt" "$name")
    printf '%-62s %6s %7s %8s %6s %8s %6s %6s %6s\n' "$name" "$before" "$after_t" "$ch_t" "$after_y" "$ch_y" "$w0" "$wt" "$wy"
    vals=("$before" "$after_t" "$ch_t" "$after_y" "$ch_y" "${w0/-/0}" "${wt/-/0}" "${wy/-/0}" "$size")
    for i in "${!vals[@]}"; do tot[i]=$((tot[i] + vals[i])); done
done
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a ? 100 * (a - b) / a : 0 }'; }
share() { awk -v a="$1" -v s="$2" 'BEGIN { printf "%.3f", 100 * a / s }'; }
echo
printf 'pages: %s, corpus bytes: %s\n' "$(find "$WORK/orig" -name '*.html' | wc -l)" "${tot[8]}"
printf 'html5ever parse errors: before %s, after tagmend %s (%s%% removed), after tidy %s (%s%% removed)\n' \
    "${tot[0]}" "${tot[1]}" "$(pct "${tot[0]}" "${tot[1]}")" "${tot[3]}" "$(pct "${tot[0]}" "${tot[3]}")"
printf 'bytes changed: tagmend %s (%s%% of the corpus), tidy %s (%s%%)\n' \
    "${tot[2]}" "$(share "${tot[2]}" "${tot[8]}")" "${tot[4]}" "$(share "${tot[4]}" "${tot[8]}")"
if [ -n "$VNU_JAR" ]; then
    printf 'W3C checker errors: original %s, after tagmend %s, after tidy %s\n' "${tot[5]}" "${tot[6]}" "${tot[7]}"
fi
