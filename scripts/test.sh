#!/usr/bin/env bash
# The project's test command (see README): formatting, lints, every test, then the
# conformance checks (freshness, determinism, kustomize, Kubernetes and CRD schemas,
# every Helm release rendered by its chart with the deployment invariants, promtool,
# chart values, Alloy, and the mutation checks that prove they bite).
# What they need is installed by scripts/conformance.sh under target/conformance/;
# nothing is assumed to be on the machine beyond the Rust toolchain, python3 and kubectl.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "tools the tests use: helm v3.19.0 (pinned, checksummed) and the validators' venv, under target/conformance/"
bash -c 'source scripts/conformance/lib.sh && setup_venv && setup_helm'

step "cargo test"
cargo test --workspace

step "pre-commit: this repository's hooks installed into a throwaway repository (scripts/precommit.sh)"
bash scripts/precommit.sh

step "conformance: the output against its real consumers (scripts/conformance.sh)"
bash scripts/conformance.sh
