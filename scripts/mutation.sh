#!/usr/bin/env bash
# Mutation checks: proves each validator of scripts/conformance.sh bites. Each
# check copies a generated profile to target/conformance/mutations/, runs the
# validator on the untouched copy (it must pass: the control), corrupts one
# object, and runs the same validator again: it must fail, with the corruption
# named in its output. Prints `ok   mutation <name> caught by <validator>` or
# `FAIL mutation <name> NOT caught`, then a summary; exits 1 on any failure.
# Run by scripts/conformance.sh; runs on its own too.
source "$(dirname "$0")/conformance/lib.sh"

setup || { summary mutation; exit 1; }
MUT=$WORK/mutations
rm -rf "$MUT"
mkdir -p "$MUT"

# The validators as the conformance checks run them, on a profile directory.
via_kustomize() { kubectl kustomize "$1" >/dev/null; }
via_k8s_schema() { render "$1" "$1.rendered.yaml" >/dev/null && k8s_schema "$1.rendered.yaml"; }
via_crd_schema() { render "$1" "$1.rendered.yaml" >/dev/null && crd_schema "$1.rendered.yaml"; }

# mutation NAME VALIDATOR EXPECT SUBJECT EDIT...: SUBJECT (a directory or file,
# copied to $MUT/NAME) passes `via_VALIDATOR`, `EDIT... COPY` corrupts it, and
# then `via_VALIDATOR COPY` fails with EXPECT in its output.
mutation() {
  local name=$1 validator=$2 expect=$3 subject=$4 copy=$MUT/$1 out
  shift 4
  cp -r "$subject" "$copy"
  if ! out=$("via_${validator//-/_}" "$copy" 2>&1); then
    fail mutation "$name" "control: $validator rejects the unmutated copy: $(head -n 1 <<<"$out")"
    return
  fi
  if ! out=$("$@" "$copy" 2>&1); then
    fail mutation "$name" "the mutation does not apply: $(head -n 1 <<<"$out")"
    return
  fi
  if out=$("via_${validator//-/_}" "$copy" 2>&1); then
    FAILED=$((FAILED + 1))
    echo "FAIL mutation $name NOT caught by $validator: $(tail -n 1 <<<"$out")"
  elif ! grep -qF -- "$expect" <<<"$out"; then
    fail mutation "$name" "$validator failed, but not on the mutation (expected '$expect'): $(head -n 1 <<<"$out")"
  else
    ok mutation "$name caught by $validator" "$(grep -F -m 1 -- "$expect" <<<"$out" | sed "s|$MUT/||; s/^ *//" | cut -c 1-140)"
  fi
}

# set FILE KIND NAME PATH JSON DIR: one field of one object in DIR/FILE.
set_field() { "$PY" "$TOOLS/yamledit.py" set "$6/$1" "$2" "$3" "$4" "$5"; }

echo "==> (a) core objects: kubernetes-validate --strict"
mutation core-replicas-string k8s-schema "spec.replicas" generated/dev \
  set_field access/cloudflared.yaml Deployment cloudflared spec.replicas '"two"'
mutation core-pv-capacity-list k8s-schema "spec.capacity" generated/homelab-nvme \
  set_field storage/loki.yaml PersistentVolume loki-logging spec.capacity '["200Gi"]'
mutation core-unknown-field k8s-schema "labelz" generated/homelab-nvme \
  set_field namespaces.yaml Namespace logging metadata.labelz '{"a": "b"}'
mutation core-unknown-kind k8s-schema "Namepsace" generated/dev \
  set_field namespaces.yaml Namespace monitoring kind '"Namepsace"'

echo "==> (b) custom resources: CRD schemas"
mutation crd-unknown-field crd-schema "chartt" generated/dev/flux/loki \
  set_field helmrelease.yaml HelmRelease loki spec.chartt '{"spec": {"chart": "loki"}}'
mutation crd-wrong-type crd-schema "/spec/rules/0/backendRefs/0/port" generated/homelab-nvme \
  set_field access/grafana-httproute.yaml HTTPRoute grafana spec.rules.0.backendRefs.0.port '"eighty"'
mutation crd-bad-duration crd-schema "/spec/interval" generated/dev \
  set_field flux/sync.yaml Kustomization o11yc-dev spec.interval '"ten minutes"'
mutation crd-unserved-version crd-schema "no CRD serves" generated/prod \
  set_field flux/sources.yaml HelmRepository grafana apiVersion '"source.toolkit.fluxcd.io/v1beta9"'
mutation crd-unknown-metadata crd-schema "lables" generated/prod/flux/loki \
  set_field helmrelease.yaml HelmRelease loki metadata.lables '{"a": "b"}'

echo "==> kustomize"
add_missing_resource() {
  "$PY" - "$1/kustomization.yaml" <<'PY'
import sys, yaml
with open(sys.argv[1]) as f:
    k = yaml.safe_load(f)
k["resources"].append("missing.yaml")
with open(sys.argv[1], "w") as f:
    yaml.safe_dump(k, f, sort_keys=False)
PY
}
mutation kustomize-missing-resource kustomize "missing.yaml" generated/homelab-nvme add_missing_resource

echo "==> bootstrap order (scripts/conformance/bootstrap.py)"
via_bootstrap() { bootstrap_order "$1"; }
rules_in_root() {
  "$PY" -c 'import sys, yaml
path = sys.argv[1] + "/kustomization.yaml"
doc = yaml.safe_load(open(path))
doc["resources"].append("monitoring/rules/loki.yaml")
yaml.safe_dump(doc, open(path, "w"))' "$1"
}
mutation bootstrap-crd-object-in-root bootstrap "in the root kustomization" generated/vcluster rules_in_root
mutation bootstrap-no-depends-on bootstrap "without dependsOn" generated/dev \
  set_field flux/kustomizations.yaml Kustomization o11yc-dev-monitoring spec.dependsOn '[]'
mutation bootstrap-no-health-check bootstrap "health-checked" generated/prod \
  set_field flux/kustomizations.yaml Kustomization o11yc-prod-kube-prometheus-stack spec.wait 'false'
mutation bootstrap-dangling-depends-on bootstrap "which the root does not apply" generated/dev \
  set_field flux/kustomizations.yaml Kustomization o11yc-dev-alloy spec.dependsOn.1.name '"o11yc-dev-lokii"'
unapplied_dir() {
  "$PY" -c 'import sys, yaml
path = sys.argv[1] + "/flux/kustomizations.yaml"
docs = [d for d in yaml.safe_load_all(open(path)) if d["metadata"]["name"] != "o11yc-dev-loki"]
yaml.safe_dump_all(docs, open(path, "w"))' "$1"
}
mutation bootstrap-unapplied-directory bootstrap "no Flux Kustomization applies it" generated/dev unapplied_dir
monitoring_first() { sed -i '/^kubectl apply -k monitoring/d; s/^helmfile sync /kubectl apply -k monitoring\n&/' "$1/README.md"; }
mutation bootstrap-readme-order bootstrap "must come after \`helmfile sync\`" generated/vcluster monitoring_first

echo "==> (c) PrometheusRules: promtool"
rule_file=$(grep -rl --include='*.yaml' '^kind: PrometheusRule' generated | sort | head -n 1)
if [ -z "$rule_file" ]; then
  fail mutation promql-syntax "no PrometheusRule is generated, but the shipped profiles have rules"
else
  via_promtool() { promtool_rules "$1"; }
  rule_name=$("$PY" -c 'import sys, yaml
print(next(d["metadata"]["name"] for d in yaml.safe_load_all(open(sys.argv[1])) if d and d.get("kind") == "PrometheusRule"))' "$rule_file")
  break_expr() { "$PY" "$TOOLS/yamledit.py" set "$1" PrometheusRule "$rule_name" spec.groups.0.rules.0.expr '"sum(rate(up[5m]) by (job"'; }
  mutation promql-syntax promtool "could not parse expression" "$rule_file" break_expr
fi

echo "==> (d) Alloy: o11yc alloy check"
via_alloy_check() { alloy_check "$1"; }
alloy_file=$(find generated -name '*.alloy' | sort | head -n 1)
if [ -z "$alloy_file" ]; then
  alloy_file=$MUT/pipeline.alloy
  cat >"$alloy_file" <<'EOF'
loki.write "default" {
  endpoint {
    url = "http://loki:3100/loki/api/v1/push"
  }
}

loki.source.file "o11yc_mutation" {
  targets    = []
  forward_to = [loki.write.default.receiver]
}
EOF
  dangle() { sed -i 's/loki\.write\.default\.receiver/loki.write.missing.receiver/' "$1"; grep -q missing "$1"; }
else
  dangle() {
    printf '\nloki.source.file "o11yc_mutation" {\n  targets    = []\n  forward_to = [loki.write.missing.receiver]\n}\n' >>"$1"
  }
fi
mutation alloy-dangling-reference alloy-check "loki.write.missing.receiver" "$alloy_file" dangle
# An attribute Alloy does not have (the old hand-written registry accepted it).
username_file() {
  printf '\nloki.write "o11yc_mutation" {\n  endpoint {\n    url = "http://loki"\n    basic_auth {\n      username_file = "/u"\n    }\n  }\n}\n' >>"$1"
}
mutation alloy-unknown-attribute alloy-check 'unknown attribute "username_file"' "$alloy_file" username_file
# An experimental component at Alloy's default stability level.
experimental() {
  printf '\nprometheus.enrich "o11yc_mutation" {\n  targets            = []\n  target_match_label = "instance"\n  forward_to         = []\n}\n' >>"$1"
}
mutation alloy-experimental-component alloy-check "prometheus.enrich is experimental" "$alloy_file" experimental

echo "==> (e) deployment invariants on the rendered releases (scripts/render.sh)"
# Each mutation corrupts one rendered object (a dereferenced copy of render.sh's
# output for a profile) the way a chart or values change would.
RENDER=$WORK/render
if [ ! -s "$RENDER/homelab-nvme/releases.tsv" ] || [ ! -s "$RENDER/vcluster/releases.tsv" ] || [ ! -s "$RENDER/dev/releases.tsv" ] || [ ! -s "$RENDER/prod/releases.tsv" ] || [ ! -s "$RENDER/prod-kafka/releases.tsv" ]; then
  bash scripts/render.sh >/dev/null 2>&1
fi
for p in dev homelab-nvme vcluster prod prod-kafka; do
  rm -rf "$MUT/render-$p" && cp -rL "$RENDER/$p" "$MUT/render-$p"
done
for invariant in $("$PY" "$TOOLS/invariants.py" --list); do
  eval "via_$(tr - _ <<<"$invariant")() { invariant $invariant \"\$1\"; }"
done
# edit FILE KIND NAME STATEMENT DIR: one object in DIR/FILE, changed by a Python statement on `o`.
edit() { "$PY" "$TOOLS/yamledit.py" edit "$5/$1" "$2" "$3" "$4"; }
C='o["spec"]["template"]["spec"]["containers"][0]'
mutation loki-storage-not-mounted writable-paths "/var/loki" "$MUT/render-dev" \
  edit releases/release-loki.yaml StatefulSet loki "$C[\"volumeMounts\"] = [m for m in $C[\"volumeMounts\"] if m[\"name\"] != \"storage\"]"
mutation claim-deleted-with-statefulset claims "whenDeleted is Delete" "$MUT/render-homelab-nvme" \
  edit releases/release-loki.yaml StatefulSet loki 'o["spec"]["persistentVolumeClaimRetentionPolicy"] = {"whenDeleted": "Delete", "whenScaled": "Retain"}'
mutation claim-size-differs claims "size is '200Gi'" "$MUT/render-homelab-nvme" \
  edit releases/release-loki.yaml StatefulSet loki 'o["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] = "10Gi"'
mutation daemonset-skips-tainted-node daemonset-tolerations "heavy=true:NoSchedule" "$MUT/render-homelab-nvme" \
  edit releases/release-alloy.yaml DaemonSet alloy 'o["spec"]["template"]["spec"]["tolerations"] = []'
mutation service-port-missing service-refs "has no port 3100" "$MUT/render-homelab-nvme" \
  edit releases/release-loki.yaml Service loki 'o["spec"]["ports"][0]["port"] = 3101'
mutation alloy-configmap-differs alloy-configmap "does not hold exactly" "$MUT/render-homelab-nvme" \
  edit kustomize/generated__homelab-nvme.yaml ConfigMap alloy-config 'o["data"]["config.alloy"] += "// evaluated by a template engine\n"'
mutation rbac-no-node-proxy rbac "nodes/proxy" "$MUT/render-vcluster" \
  edit releases/release-alloy.yaml ClusterRole alloy 'o["rules"] = [r for r in o["rules"] if "nodes/proxy" not in r.get("resources", [])]'
mutation cadvisor-scraped-twice double-scrape "/metrics/cadvisor" "$MUT/render-vcluster" \
  edit releases/release-kube-prometheus-stack.yaml ServiceMonitor kube-prometheus-stack-kubelet 'o["spec"]["endpoints"].append({"port": "https-metrics", "path": "/metrics/cadvisor"})'
mutation hostname-set-twice env-duplicates "env HOSTNAME twice" "$MUT/render-homelab-nvme" \
  edit releases/release-alloy.yaml DaemonSet alloy "$C[\"env\"].append({\"name\": \"HOSTNAME\", \"value\": \"x\"})"
mutation configmap-over-1mib object-size "over the 1 MiB limit" "$MUT/render-homelab-nvme" \
  edit kustomize/generated__homelab-nvme.yaml ConfigMap alloy-config 'o["data"]["big"] = "x" * (1024 * 1024 + 1)'
mutation pdb-selects-no-pods pdb-selects "PodDisruptionBudget monitoring/loki-querier selects no pods" "$MUT/render-prod" \
  edit releases/release-loki.yaml PodDisruptionBudget loki-querier 'o["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] = "queriers"'
mutation pdb-for-scaled-down-role pdb-selects "PodDisruptionBudget monitoring/loki-querier selects no pods" "$MUT/render-prod" \
  edit releases/release-loki.yaml Deployment loki-querier 'o["spec"]["replicas"] = 0'
mutation tempo-role-without-pdb replicated-guards "tempo-live-store (3 replicas) has no PodDisruptionBudget" "$MUT/render-prod-kafka" \
  edit releases/release-tempo.yaml PodDisruptionBudget tempo-live-store 'o["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] = "live-stores"'
mutation tempo-role-not-spread replicated-guards "tempo-querier (4 replicas) has no topology spread" "$MUT/render-prod-kafka" \
  edit releases/release-tempo.yaml Deployment tempo-querier 'o["spec"]["template"]["spec"].pop("topologySpreadConstraints")'
mutation tempo-distributor-missing service-refs "no Service monitoring/tempo-distributor" "$MUT/render-prod-kafka" \
  edit releases/release-tempo.yaml Service tempo-distributor 'o["metadata"]["name"] = "tempo-distributors"'

mutation replicas-without-pdb replicated-guards "loki-querier (10 replicas) has no PodDisruptionBudget" "$MUT/render-prod" \
  edit releases/release-loki.yaml PodDisruptionBudget loki-querier 'o["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] = "queriers"'
mutation replicas-not-spread replicated-guards "prometheus-kube-prometheus-stack-prometheus (2 replicas, made by the Prometheus Operator) has no topology spread" "$MUT/render-prod" \
  edit releases/release-kube-prometheus-stack.yaml Prometheus kube-prometheus-stack-prometheus 'o["spec"].pop("topologySpreadConstraints")'
mutation spread-selects-other-pods replicated-guards "loki-ingester (6 replicas) has no topology spread" "$MUT/render-prod" \
  edit releases/release-loki.yaml StatefulSet loki-ingester "o[\"spec\"][\"template\"][\"spec\"][\"topologySpreadConstraints\"][0][\"labelSelector\"][\"matchLabels\"][\"app.kubernetes.io/component\"] = \"querier\""

echo "==> freshness: o11yc check"
via_fresh() { "$O11YC" check --all --out "$1"; }
touch_generated() { printf '# edited by hand\n' >>"$1/dev/namespaces.yaml"; }
mutation stale-generated fresh "namespaces.yaml" generated touch_generated

summary mutation
