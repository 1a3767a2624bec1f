#!/usr/bin/env bash
# Installs this repository's .pre-commit-hooks.yaml with pre-commit into a throwaway git
# repository and runs the hooks the way a user's `git commit` does:
#   - o11yc-check refuses a commit that stages profiles/ but not the regenerated generated/,
#     and accepts it once generated/ is staged;
#   - o11yc-fmt reformats a badly formatted .alloy file (fails, then passes).
# pre-commit is pinned and hash-checked (scripts/precommit/requirements.txt) in a venv under
# target/precommit/. The hooks come from HEAD (pre-commit clones a commit, not the working
# tree), so commit before running this. pre-commit's `language: rust` runs
# `cargo install --bins --root ENV --path .` in its clone; this script runs it offline
# (CARGO_NET_OFFLINE) against the local registry cache that `cargo test` filled, and caches
# the build in target/precommit/cargo-target.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$ROOT/target/precommit
REQ=$ROOT/scripts/precommit/requirements.txt
VENV=$WORK/venv

say() { printf '%s\n' "$*"; }
die() { printf 'FAIL precommit: %s\n' "$*" >&2; exit 1; }

if ! [ -x "$VENV/bin/pre-commit" ] || ! cmp -s "$REQ" "$VENV/.requirements.txt"; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --require-hashes \
    --only-binary=:all: -r "$REQ"
  cp "$REQ" "$VENV/.requirements.txt"
fi
PRE_COMMIT=$VENV/bin/pre-commit
say "ok   setup $("$PRE_COMMIT" --version)"

REV=${O11YC_HOOKS_REV:-$(git rev-parse HEAD)}   # another commit, e.g. to show a broken hook fails
git cat-file -e "$REV:.pre-commit-hooks.yaml" || die "HEAD has no .pre-commit-hooks.yaml"
git diff --quiet HEAD -- .pre-commit-hooks.yaml src crates Cargo.toml Cargo.lock ||
  say "note the working tree differs from HEAD; the hooks are tested as committed ($REV)"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export PRE_COMMIT_HOME=$WORK/cache CARGO_NET_OFFLINE=true CARGO_TARGET_DIR=$WORK/cargo-target
export GIT_AUTHOR_NAME=o11yc GIT_AUTHOR_EMAIL=o11yc@example.invalid
export GIT_COMMITTER_NAME=o11yc GIT_COMMITTER_EMAIL=o11yc@example.invalid
O11YC=(cargo run --quiet --manifest-path "$ROOT/Cargo.toml" --)

cd "$TMP"
git init -q .
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $ROOT
    rev: $REV
    hooks:
      - id: o11yc-check
      - id: o11yc-fmt
YAML
git add .pre-commit-config.yaml
git commit -q --no-verify -m config
"$PRE_COMMIT" install --install-hooks >/dev/null || die "pre-commit could not install the hooks"
say "ok   install o11yc-check and o11yc-fmt from $REV"

# The issue's stale commit: build, stage only the profile.
mkdir profiles
cp "$ROOT/profiles/homelab-nvme.yaml" profiles/
"${O11YC[@]}" build --profiles profiles --out generated 2>/dev/null
git add profiles
if git commit -q -m "profile only" >"$TMP.log" 2>&1; then
  cat "$TMP.log"; die "o11yc-check let a commit without the generated tree through"
fi
grep -q "generated/homelab-nvme is out of date" "$TMP.log" || { cat "$TMP.log"; die "o11yc-check failed without naming the stale tree"; }
say "ok   o11yc-check refuses profiles/ staged without generated/"
git add generated
git commit -q -m "profile and generated tree" >"$TMP.log" 2>&1 || { cat "$TMP.log"; die "o11yc-check refused a fresh commit"; }
say "ok   o11yc-check accepts profiles/ and generated/ staged together"

# o11yc-fmt: an unformatted file fails the commit and is rewritten; then it passes.
mkdir -p extra
printf 'logging {\nlevel="info"\n}\n' > extra/custom.alloy
git add extra/custom.alloy
if git commit -q -m "unformatted alloy" >"$TMP.log" 2>&1; then
  cat "$TMP.log"; die "o11yc-fmt let an unformatted .alloy file through"
fi
[ "$(cat extra/custom.alloy)" = "$(printf 'logging {\n\tlevel = "info"\n}')" ] ||
  { cat extra/custom.alloy; die "o11yc-fmt did not format extra/custom.alloy"; }
git add extra/custom.alloy
git commit -q -m "formatted alloy" >"$TMP.log" 2>&1 || { cat "$TMP.log"; die "o11yc-fmt refused a formatted file"; }
say "ok   o11yc-fmt formats .alloy files (fails, then passes)"
