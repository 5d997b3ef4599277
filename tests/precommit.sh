#!/usr/bin/env bash
# pre-commit end to end: a temporary git repository whose .pre-commit-config.yaml
# points at this checkout runs the `tagmend` and `tagmend-fix` hooks.
#
#   bash tests/precommit.sh          (needs git, cargo and pre-commit on PATH)
#
# pre-commit installs a `language: rust` hook with `cargo install --path .` in
# its own clone of the repository at `rev`. When this checkout has uncommitted
# changes, the working tree is committed into a temporary repository first, so
# the hook builds what is being tested. CARGO_TARGET_DIR points at this
# checkout's target/ so the build reuses the release artifacts of
# `cargo test --release` (override with TAGMEND_PRECOMMIT_TARGET_DIR).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
for tool in git cargo; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "precommit: $tool is required" >&2
    exit 2
  fi
done
if command -v pre-commit >/dev/null 2>&1; then
  pre_commit=(pre-commit)
elif python3 -c 'import pre_commit' >/dev/null 2>&1; then
  pre_commit=(python3 -m pre_commit)
else
  echo "precommit: pre-commit is required (python3 -m pip install pre-commit; .ci/run does)" >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=tagmend-test GIT_AUTHOR_EMAIL=test@tagmend.invalid
export GIT_COMMITTER_NAME=tagmend-test GIT_COMMITTER_EMAIL=test@tagmend.invalid
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export PRE_COMMIT_HOME="$work/pre-commit-home"
export CARGO_TARGET_DIR="${TAGMEND_PRECOMMIT_TARGET_DIR:-$here/target}"
export NO_COLOR=1
unset PRE_COMMIT_COLOR || true

# The repository and revision the hook is installed from.
if [ -z "$(git -C "$here" status --porcelain 2>/dev/null)" ] &&
  git -C "$here" rev-parse --verify -q HEAD >/dev/null; then
  repo="$here"
  rev="$(git -C "$here" rev-parse HEAD)"
else
  repo="$work/tagmend"
  mkdir "$repo"
  # Tracked and untracked files, minus ignored and deleted ones.
  (cd "$here" && git ls-files -z --cached --others --exclude-standard) |
    while IFS= read -r -d '' f; do
      if [ -f "$here/$f" ]; then
        mkdir -p "$repo/$(dirname "$f")"
        cp -p "$here/$f" "$repo/$f"
      fi
    done
  git -C "$repo" init -q
  git -C "$repo" add -A
  git -C "$repo" commit -q -m "tagmend working tree under test"
  rev="$(git -C "$repo" rev-parse HEAD)"
fi

site="$work/site"
mkdir -p "$site/vendor"
cd "$site"
git init -q
cat >.pre-commit-config.yaml <<YAML
repos:
  - repo: $repo
    rev: $rev
    hooks:
      - id: tagmend
      - id: tagmend-fix
YAML
printf 'extend-exclude = ["vendor"]\n' >tagmend.toml
broken='<table>
<tr><td>Region td> <td>Panama</td></tr>
</table>'
fixed='<table>
<tr><td>Region</td> <td>Panama</td></tr>
</table>'
printf '%s\n' "$broken" >broken.html
printf '%s\n' "$broken" >vendor/third-party.html
printf '<p>Nothing to see.</p>\n' >clean.html
git add -A
git commit -q -m "site"

passed=0
failed=0
check() { # name, expected status, hook, files...
  local name="$1" want="$2" hook="$3"
  shift 3
  local got=0
  "${pre_commit[@]}" run "$hook" --color never --files "$@" >"$work/out" 2>&1 || got=$?
  if [ "$got" = "$want" ]; then
    passed=$((passed + 1))
    echo "ok: $name"
  else
    failed=$((failed + 1))
    echo "FAILED: $name (exit $got, expected $want)"
    sed 's/^/    /' "$work/out"
  fi
}
expect_output() { # name, text
  if grep -qF -- "$2" "$work/out"; then
    passed=$((passed + 1))
    echo "ok: $1"
  else
    failed=$((failed + 1))
    echo "FAILED: $1 (no \"$2\" in the output)"
    sed 's/^/    /' "$work/out"
  fi
}

start=$(date +%s)
# The first run builds the hook environment (cargo install); say so.
echo "precommit: installing the hook environment (cargo install --path .)"
if ! "${pre_commit[@]}" install-hooks >"$work/install" 2>&1; then
  echo "FAILED: pre-commit install-hooks"
  sed 's/^/    /' "$work/install"
  exit 1
fi
echo "precommit: hook environment ready in $(($(date +%s) - start))s"

check "check hook fails on a broken page" 1 tagmend broken.html
expect_output "check hook names the defect" "tag-debris"
expect_output "check hook names the file" "broken.html"
check "check hook passes a clean page" 0 tagmend clean.html
check "check hook skips an excluded page (--force-exclude)" 0 tagmend vendor/third-party.html
check "fix hook repairs the page and fails once" 1 tagmend-fix broken.html
expect_output "fix hook reports the modified file" "files were modified by this hook"
if [ "$(cat broken.html)" = "$fixed" ]; then
  passed=$((passed + 1))
  echo "ok: fix hook wrote the repaired page"
else
  failed=$((failed + 1))
  echo "FAILED: fix hook wrote the repaired page"
  sed 's/^/    /' broken.html
fi
check "fix hook passes on the repaired page" 0 tagmend-fix broken.html
check "check hook passes on the repaired page" 0 tagmend broken.html

echo "precommit: $passed passed, $failed failed"
[ "$failed" = 0 ]
