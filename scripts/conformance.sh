#!/usr/bin/env bash
# Proves the committed output against the programs that consume it (README:
# "How the output is verified"). One line per check: `ok   <check> <subject>`,
# `FAIL <check> <subject>: <reason>` or `skip ...`, then a summary; exits 1 when
# any check fails. Installs what it needs under target/conformance/ (once), and
# needs kubectl, python3, cargo and ../shared/conformance beside the repository.
# Renders every Helm release with its chart (scripts/render.sh), then ends with the
# mutation checks (scripts/mutation.sh), which prove the validators bite.
source "$(dirname "$0")/conformance/lib.sh"

echo "==> setup"
setup

echo "==> generated/ and schema/ are fresh, the build is deterministic"
check fresh generated/ "$O11YC" check --all

schema_fresh() {
  "$O11YC" schema | diff -u schema/o11yc.schema.json - \
    || { echo "schema/ is stale: run 'cargo run -- schema --out schema/o11yc.schema.json'"; return 1; }
  echo "matches o11yc schema"
}
check fresh schema/o11yc.schema.json schema_fresh

determinism() {
  local a=$WORK/determinism/a b=$WORK/determinism/b
  rm -rf "$WORK/determinism"
  "$O11YC" build --all --out "$a" && "$O11YC" build --all --out "$b" || return
  diff -r "$a" "$b" || return
  echo "two builds into empty directories are identical ($(find "$a" -type f | wc -l) files)"
}
check determinism "build --all" determinism

echo "==> Kubernetes: kustomize, kubernetes-validate --strict, CRD schemas"
check coverage generated/ "$PY" "$TOOLS/k8s_schema.py" coverage generated
rm -rf "$WORK/rendered"
mkdir -p "$WORK/rendered"
for dir in $(kustomization_dirs generated); do
  rendered=$WORK/rendered/${dir//\//__}.yaml
  if command -v kubectl >/dev/null 2>&1 && check kustomize "$dir" render "$dir" "$rendered"; then
    check k8s-schema "$dir" k8s_schema "$rendered"
    check crd-schema "$dir" crd_schema "$rendered"
  else
    command -v kubectl >/dev/null 2>&1 || fail kustomize "$dir" "kubectl is not installed"
    fail k8s-schema "$dir" "not validated: kustomize did not render it"
    fail crd-schema "$dir" "not validated: kustomize did not render it"
  fi
done

echo "==> Bootstrap order on an empty cluster"
for dir in generated/*/; do
  check bootstrap "${dir%/}" bootstrap_order "${dir%/}"
done
echo "==> Helm releases rendered by their charts (scripts/render.sh)"
if bash scripts/render.sh; then
  ok render scripts/render.sh "every release of every profile renders, validates and keeps the invariants"
else
  fail render scripts/render.sh "a release failed to render, validate or keep an invariant (see above)"
fi

echo "==> Prometheus rules"
if bash scripts/promtool.sh; then
  ok promtool scripts/promtool.sh
else
  fail promtool scripts/promtool.sh "exit $?"
fi

echo "==> Helm chart values"
# cargo_test ARGS...: the test target's result line.
cargo_test() {
  local out
  out=$(cargo test --quiet "$@" -- --nocapture 2>&1) || { printf '%s\n' "$out"; return 1; }
  if grep -q 'SKIPPED\|skipped:' <<<"$out"; then
    printf '%s\n' "$out"
    echo "the test skipped itself"
    return 1
  fi
  grep 'test result:' <<<"$out" | grep -v ' 0 passed' | tail -n 1
}
check chart-values "tests/chart_values.rs (../shared/conformance/chart-values)" cargo_test --test chart_values
check vcluster-values "tests/vcluster_values.rs (../shared/conformance/charts/vcluster-0.36.1)" \
  cargo_test --test vcluster_values

echo "==> Alloy"
mapfile -t alloy_files < <(find generated -name '*.alloy' | sort)
if [ "${#alloy_files[@]}" -eq 0 ]; then
  fail alloy-check generated/ "no .alloy files found: every shipped profile has an Alloy pipeline"
fi
for file in "${alloy_files[@]}"; do
  check alloy-check "$file" alloy_check "$file"
done
check alloy-corpus "crates/alloy/tests/corpus.rs (../shared/conformance/alloy-corpus)" \
  cargo_test -p o11yc-alloy --test corpus
check alloy-registry "crates/alloy/tests/registry_gen.rs (../shared/conformance/alloy-schema)" \
  cargo_test -p o11yc-alloy --test registry_gen

echo "==> Grafana dashboards"
# Every committed dashboard against Grafana's JSON schemas (dashboard, panel options, query models).
check grafana-schema "tests/grafana_schema.rs (../shared/conformance/grafana-jsonschema)" \
  cargo_test --test grafana_schema

echo "==> mutation checks"
if bash scripts/mutation.sh; then
  ok mutations scripts/mutation.sh
else
  fail mutations scripts/mutation.sh "a mutation check failed (see above)"
fi

summary conformance
