#!/usr/bin/env bash
# The render check (README: "How the output is verified"): renders every Helm release of
# every generated profile with the chart it pins, as a user would deploy it, and checks
# what comes out. Per release: `helm template --kube-version 1.33` against the chart
# sources in ../shared/conformance/charts (any error or chart `fail` fails), then strict
# Kubernetes and CRD schemas on the rendered objects. Per profile: the deployment
# invariants of scripts/conformance/invariants.py on the rendered releases together with
# the profile's kustomize output. One line per check; exits 1 when any fails.
# Releases: helmfile.yaml (its values files), every HelmRelease anywhere under the
# profile (inline values) and the Alloy inside each vCluster (scripts/conformance/releases.py).
# Also renders the fixture profiles of tests/fixtures/render/ (built into target/).
# Called by scripts/conformance.sh; runs on its own too. Leaves its work in
# target/conformance/render/<profile>/ (the mutation checks reuse it).
source "$(dirname "$0")/conformance/lib.sh"

[ -n "${CONFORMANCE_SETUP_DONE:-}" ] || { echo "==> setup"; setup || { summary render; exit 1; }; }

setup_render_crds || { summary render; exit 1; }

# render_profile NAME OUT GENERATED PROFILE_FILE: every release and invariant of one profile.
render_profile() {
  local profile=$1 out=$2 generated=$3 file=$4
  prepare_render_dir "$profile" "$out" "$generated" "$file" \
    || { fail render "$profile" "could not list its releases"; return; }
  echo "==> $profile: helm template, schemas"
  while IFS=$'\t' read -r release namespace chart version values origin; do
    key=$(basename "$values" .values.yaml)
    rendered=$out/releases/release-$key.yaml
    subject="$profile/$key ($chart $version, $origin)"
    if check render "$subject" helm_render "$release" "$namespace" "$chart" "$version" "$values" "$rendered"; then
      check k8s-schema "$profile/$key" k8s_schema_render "$rendered"
      check crd-schema "$profile/$key" crd_schema_render "$rendered"
    else
      rm -f "$rendered"
      fail k8s-schema "$profile/$key" "not validated: the release did not render"
      fail crd-schema "$profile/$key" "not validated: the release did not render"
    fi
  done <"$out/releases.tsv"
  echo "==> $profile: deployment invariants"
  for invariant in $("$PY" "$TOOLS/invariants.py" --list); do
    check "$invariant" "$profile" invariant "$invariant" "$out"
  done
}

for dir in generated/*/; do
  profile=$(basename "$dir")
  render_profile "$profile" "$WORK/render/$profile" "generated/$profile" "profiles/$profile.yaml"
done

# Render fixtures: profiles that are not shipped but exercise what no shipped profile
# uses (zone-aware Loki ingesters with the rollout-operator), built here, rendered alike.
FIXTURES=$WORK/render-fixtures
rm -rf "$FIXTURES"
for file in tests/fixtures/render/*.yaml; do
  name=$(basename "$file" .yaml)
  if check build "fixture-$name" "$O11YC" build --profile "$file" --out "$FIXTURES"; then
    render_profile "fixture-$name" "$WORK/render/fixture-$name" "$FIXTURES/$name" "$file"
  fi
done

summary render
