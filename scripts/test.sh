#!/usr/bin/env bash
# The project's test command (see README): formatting, lints, every test, and the
# checks that the committed generated/ and schema/ are fresh and accepted by kustomize.
# Everything it needs is installed here; nothing is assumed to be on the machine
# beyond the Rust toolchain and kubectl.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test"
cargo test --workspace

step "generated/ and schema/ are fresh"
cargo run --quiet -- check --all
cargo run --quiet -- schema | diff -u schema/o11yc.schema.json - \
  || { echo "schema/ is stale: run 'cargo run -- schema --out schema/o11yc.schema.json'"; exit 1; }

step "kubectl kustomize accepts every generated profile"
if ! command -v kubectl >/dev/null 2>&1; then
  echo "kubectl is not installed; it is needed to check the generated kustomizations" >&2
  exit 1
fi
for dir in generated/*/; do
  kubectl kustomize "$dir" >/dev/null
  echo "ok  ${dir%/}"
done

step "promtool checks and unit-tests every generated PrometheusRule"
bash scripts/promtool.sh
