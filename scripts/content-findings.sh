#!/bin/sh
# Print every content, cleanup and security finding over the article corpus, with
# about 40 characters of context each side, then a count per rule. Read them all
# when changing one of those rules; record precision in docs/content-precision.md.
#
#   scripts/content-findings.sh                    # default-on rules, whole corpus
#   scripts/content-findings.sh --rule mojibake    # one rule
#   scripts/content-findings.sh --all              # off-by-default rules too
set -eu
cd "$(dirname "$0")/.."
exec cargo run --quiet --release --example content_findings -- "$@" ../shared/corpus/articles
