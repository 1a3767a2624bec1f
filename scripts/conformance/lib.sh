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
  export O11YC CRD_VALIDATE PY CRD_KINDS
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
