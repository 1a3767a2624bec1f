"""Deployment invariants on what a profile really deploys, for scripts/render.sh.

    python invariants.py CHECK RENDERED_DIR

RENDERED_DIR (written by scripts/render.sh) holds, for one profile:
  releases/*.yaml     `helm template` output of each release
  kustomize/*.yaml    `kubectl kustomize` output of each kustomization directory
  generated           the profile's generated directory (a symlink or a copy)
  profile.yaml        the profile, `extends` merged (for `cluster.nodes`)

Prints one line per problem and exits 1 when there is any; otherwise prints a one-line
summary. The checks (README, "How the output is verified"):

  writable-paths         every directory a component's configuration writes to is on a
                         writable volume when the container's root filesystem is read-only
  claims                 every claim o11yc pre-creates is the one the StatefulSet will use
                         (name, size, storage class, access modes) and its retention policy keeps it
  daemonset-tolerations  a DaemonSet without a node selector tolerates every NoSchedule and
                         NoExecute taint in `cluster.nodes`
  service-refs           every Service and port named by a Grafana datasource, the stack Alloy's
                         writers, o11yc's ServiceMonitors or an HTTPRoute exists among the rendered objects
  alloy-configmap        the ConfigMap each Alloy reads holds exactly the generated `.alloy` file,
                         and the Alloy release reads that ConfigMap
  rbac                   the Alloy service account is granted what the pipeline calls
  double-scrape          no kubelet or cAdvisor endpoint is scraped by both Alloy and a ServiceMonitor
  env-duplicates         no container has two env vars of one name
  object-size            no ConfigMap or Secret exceeds 1 MiB
  pdb-selects            every PodDisruptionBudget selects the pods of a workload with more than
                         zero replicas in its namespace (one selecting nothing protects nothing)
  replicated-guards      every Deployment or StatefulSet with more than one replica (counting the
                         StatefulSets the Prometheus Operator makes for Prometheus and Alertmanager)
                         has a PodDisruptionBudget selecting its pods and a topology spread
                         constraint or pod anti-affinity term, by hostname or zone, whose selector
                         matches its own pods

Pods the Prometheus Operator will run are modelled from the Prometheus and Alertmanager
objects, with the labels the operator gives them (the ones kube-prometheus-stack's own
PodDisruptionBudgets and anti-affinity select).
"""

import base64
import glob
import os
import re
import sys

import yaml

MIB = 1024 * 1024
POD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod")


def load_dir(path):
    out = []
    for file in sorted(glob.glob(os.path.join(path, "*.yaml"))):
        with open(file) as f:
            for doc in yaml.safe_load_all(f):
                if isinstance(doc, dict) and doc.get("kind"):
                    doc.setdefault("metadata", {})
                    doc["_file"] = os.path.basename(file)
                    out.append(doc)
    return out


class Rendered:
    def __init__(self, root):
        self.root = root
        self.releases = load_dir(os.path.join(root, "releases"))
        self.kustomized = load_dir(os.path.join(root, "kustomize"))
        self.objects = self.releases + self.kustomized
        self.generated = os.path.join(root, "generated")
        with open(os.path.join(root, "profile.yaml")) as f:
            self.profile = yaml.safe_load(f) or {}

    def of_kind(self, *kinds):
        return [o for o in self.objects if o["kind"] in kinds]

    def alloy_files(self):
        """The generated Alloy pipelines (stack side, vCluster side)."""
        out = []
        for rel in ("alloy/config.alloy", "vcluster/alloy/config.alloy"):
            path = os.path.join(self.generated, rel)
            if os.path.exists(path):
                out.append(path)
        return out


def name(o):
    return o["metadata"].get("name", "")


def namespace(o):
    return o["metadata"].get("namespace", "default")


def pod_spec(o):
    spec = o.get("spec", {})
    if o["kind"] == "Pod":
        return spec
    if o["kind"] == "CronJob":
        return spec.get("jobTemplate", {}).get("spec", {}).get("template", {}).get("spec", {})
    return spec.get("template", {}).get("spec", {})


def containers(spec):
    return (spec.get("initContainers") or []) + (spec.get("containers") or [])


def config_data(o):
    """The data of a ConfigMap or Secret as text, by key."""
    out = dict(o.get("data") or {})
    if o["kind"] == "Secret":
        out = {k: base64.b64decode(v).decode("utf-8", "replace") for k, v in out.items()}
        out.update(o.get("stringData") or {})
    return out


# --- writable-paths -------------------------------------------------------------

PATH_KEY = re.compile(r"(^|_)(path|dir|directory|path_prefix|cache_location)$")


def config_paths(node, found):
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, str) and v.startswith("/") and PATH_KEY.search(str(k)):
                found.add(v)
            else:
                config_paths(v, found)
    elif isinstance(node, list):
        for v in node:
            config_paths(v, found)


def under(path, mount):
    return path == mount or path.startswith(mount.rstrip("/") + "/")


def writable_paths(r):
    problems, checked = [], 0
    by_name = {(o["kind"], namespace(o), name(o)): o for o in r.of_kind("ConfigMap", "Secret")}
    for w in r.of_kind(*POD_KINDS):
        spec = pod_spec(w)
        volumes = {v["name"]: v for v in spec.get("volumes") or []}
        claim_templates = {t["metadata"]["name"] for t in w.get("spec", {}).get("volumeClaimTemplates") or []}
        for c in containers(spec):
            if not (c.get("securityContext") or {}).get("readOnlyRootFilesystem"):
                continue
            mounts = c.get("volumeMounts") or []
            paths = set()
            for m in mounts:
                v = volumes.get(m["name"], {})
                for kind, key in (("ConfigMap", "configMap"), ("Secret", "secret")):
                    if key in v:
                        ref = v[key].get("name") or v[key].get("secretName")
                        src = by_name.get((kind, namespace(w), ref))
                        for text in config_data(src or {"kind": kind}).values():
                            try:
                                parsed = yaml.safe_load(text)
                            except yaml.YAMLError:
                                continue
                            config_paths(parsed, paths)
            writable = []
            for m in mounts:
                if m.get("readOnly"):
                    continue
                v = volumes.get(m["name"])
                if v is None and m["name"] not in claim_templates:
                    continue
                if v is not None and any(k in v for k in ("configMap", "secret", "projected", "downwardAPI")):
                    continue
                writable.append(m["mountPath"])
            for p in sorted(paths):
                checked += 1
                if not any(under(p, m) for m in writable):
                    problems.append(
                        f"{w['_file']}: {w['kind']}/{name(w)} container {c['name']} has a read-only root "
                        f"filesystem, but its configuration writes to {p}, which is on no writable volume"
                    )
    return problems, f"{checked} configured write path(s) on writable volumes"


# --- claims -------------------------------------------------------------------------


def operator_statefulsets(r):
    """The StatefulSets the Prometheus Operator will create for rendered Prometheus objects."""
    out = []
    for p in r.of_kind("Prometheus"):
        spec = p.get("spec") or {}
        template = (spec.get("storage") or {}).get("volumeClaimTemplate")
        if not template:
            continue
        sts = f"prometheus-{name(p)}"
        out.append({
            "kind": "StatefulSet",
            "_file": p["_file"],
            "metadata": {"name": sts, "namespace": namespace(p)},
            "spec": {
                "replicas": spec.get("replicas", 1),
                "volumeClaimTemplates": [{
                    "metadata": {"name": (template.get("metadata") or {}).get("name") or f"{sts}-db"},
                    "spec": template.get("spec") or {},
                }],
                "persistentVolumeClaimRetentionPolicy": spec.get("persistentVolumeClaimRetentionPolicy"),
            },
        })
    return out


def claims(r):
    problems, checked = [], 0
    sets = r.of_kind("StatefulSet") + operator_statefulsets(r)
    for pvc in [o for o in r.kustomized if o["kind"] == "PersistentVolumeClaim"]:
        checked += 1
        owner = None
        for s in sets:
            if namespace(s) != namespace(pvc):
                continue
            for t in s["spec"].get("volumeClaimTemplates") or []:
                for i in range(s["spec"].get("replicas", 1)):
                    if f"{t['metadata']['name']}-{name(s)}-{i}" == name(pvc):
                        owner = (s, t)
        if owner is None:
            problems.append(
                f"PersistentVolumeClaim {namespace(pvc)}/{name(pvc)}: no rendered StatefulSet's "
                "volumeClaimTemplates give this claim name, so the pre-bound volume is never used"
            )
            continue
        s, t = owner
        want, got = pvc["spec"], t["spec"]
        for field, a, b in (
            ("size", want["resources"]["requests"]["storage"], got.get("resources", {}).get("requests", {}).get("storage")),
            ("storageClassName", want.get("storageClassName"), got.get("storageClassName")),
            ("accessModes", sorted(want.get("accessModes") or []), sorted(got.get("accessModes") or [])),
        ):
            if a != b:
                problems.append(
                    f"PersistentVolumeClaim {namespace(pvc)}/{name(pvc)}: {field} is {a!r}, but "
                    f"StatefulSet/{name(s)} asks for {b!r}"
                )
        policy = s["spec"].get("persistentVolumeClaimRetentionPolicy") or {}
        for when in ("whenDeleted", "whenScaled"):
            if policy.get(when, "Retain") != "Retain":
                problems.append(
                    f"StatefulSet {namespace(s)}/{name(s)}: persistentVolumeClaimRetentionPolicy.{when} is "
                    f"{policy[when]}, which deletes the pre-created claim {name(pvc)}"
                )
    return problems, f"{checked} pre-created claim(s) match their StatefulSet and are retained"


# --- daemonset-tolerations ------------------------------------------------------------


def tolerates(tolerations, taint):
    for t in tolerations or []:
        if t.get("effect") and t["effect"] != taint.get("effect"):
            continue
        if t.get("operator") == "Exists":
            if not t.get("key") or t["key"] == taint["key"]:
                return True
        elif t.get("key") == taint["key"] and str(t.get("value", "")) == str(taint.get("value", "")):
            return True
    return False


def daemonset_tolerations(r):
    nodes = (r.profile.get("cluster") or {}).get("nodes") or []
    taints = [
        (n["name"], t) for n in nodes for t in n.get("taints") or [] if t.get("effect") in ("NoSchedule", "NoExecute")
    ]
    problems, checked = [], 0
    for d in r.of_kind("DaemonSet"):
        spec = pod_spec(d)
        selector = {k: v for k, v in (spec.get("nodeSelector") or {}).items() if k != "kubernetes.io/os"}
        if selector or (spec.get("affinity") or {}).get("nodeAffinity"):
            continue
        checked += 1
        for node, taint in taints:
            if not tolerates(spec.get("tolerations"), taint):
                problems.append(
                    f"{d['_file']}: DaemonSet {namespace(d)}/{name(d)} runs on every node but does not tolerate "
                    f"{node}'s taint {taint['key']}={taint.get('value', '')}:{taint['effect']}"
                )
    return problems, f"{checked} every-node DaemonSet(s) against {len(taints)} taint(s)"


# --- service-refs ---------------------------------------------------------------------

URL = re.compile(r"^(?:[a-z]+://)?([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.[a-z0-9.-]+)?:(\d+)")


def services(r):
    return {(namespace(s), name(s)): s for s in r.of_kind("Service")}


def service_port(svcs, ns, svc, port):
    s = svcs.get((ns, svc))
    if s is None:
        return f"no Service {ns}/{svc}"
    ports = s["spec"].get("ports") or []
    if not any(str(p.get("port")) == str(port) or p.get("name") == port for p in ports):
        return f"Service {ns}/{svc} has no port {port} (it has {', '.join(str(p.get('port')) for p in ports)})"
    return None


def alloy_urls(path):
    with open(path) as f:
        text = f.read()
    return re.findall(r'(?:url|endpoint)\s*=\s*"([^"]+)"', text)


def service_refs(r):
    svcs = services(r)
    problems, checked = [], 0

    def ref(where, url):
        nonlocal checked
        m = URL.match(url)
        if not m:
            return
        checked += 1
        err = service_port(svcs, m.group(2), m.group(1), m.group(3))
        if err:
            problems.append(f"{where}: {url}: {err}")

    stack_alloy = os.path.join(r.generated, "alloy/config.alloy")
    if os.path.exists(stack_alloy):
        for url in alloy_urls(stack_alloy):
            ref("alloy/config.alloy", url)
    for o in r.of_kind("ConfigMap", "Secret"):
        for key, text in config_data(o).items():
            if "datasources" not in text:
                continue
            try:
                parsed = yaml.safe_load(text)
            except yaml.YAMLError:
                continue
            if isinstance(parsed, dict):
                for ds in parsed.get("datasources") or []:
                    if isinstance(ds, dict) and ds.get("url"):
                        ref(f"{o['kind']}/{name(o)} {key} datasource {ds.get('name')}", ds["url"])
    # o11yc's own ServiceMonitors (the charts' point at Services of the cluster or of their own release).
    for sm in [o for o in r.kustomized if o["kind"] == "ServiceMonitor"]:
        spec = sm["spec"]
        ns_sel = spec.get("namespaceSelector") or {}
        namespaces = None if ns_sel.get("any") else (ns_sel.get("matchNames") or [namespace(sm)])
        labels = (spec.get("selector") or {}).get("matchLabels") or {}
        matching = [
            s
            for (ns, _), s in svcs.items()
            if (namespaces is None or ns in namespaces)
            and all((s["metadata"].get("labels") or {}).get(k) == v for k, v in labels.items())
        ]
        for ep in spec.get("endpoints") or []:
            checked += 1
            port = ep.get("port")
            if not any(any(p.get("name") == port for p in s["spec"].get("ports") or []) for s in matching):
                problems.append(
                    f"ServiceMonitor {namespace(sm)}/{name(sm)}: no Service with labels {labels} "
                    f"in {namespaces or 'any namespace'} has a port named {port}"
                )
    for route in r.of_kind("HTTPRoute"):
        for rule in route["spec"].get("rules") or []:
            for b in rule.get("backendRefs") or []:
                checked += 1
                err = service_port(svcs, b.get("namespace", namespace(route)), b["name"], b.get("port"))
                if err:
                    problems.append(f"HTTPRoute {namespace(route)}/{name(route)}: {err}")
    return problems, f"{checked} Service reference(s) resolve"


# --- alloy-configmap ------------------------------------------------------------------


def alloy_configmap(r):
    problems, checked = [], 0
    for path in r.alloy_files():
        rel = os.path.relpath(path, r.generated)
        side = "vcluster" if rel.startswith("vcluster/") else "stack"
        with open(path) as f:
            text = f.read()
        release = [
            w
            for w in r.releases
            if w["kind"] in ("DaemonSet", "Deployment", "StatefulSet")
            and w["_file"] == ("release-vcluster-alloy.yaml" if side == "vcluster" else "release-alloy.yaml")
        ]
        if not release:
            problems.append(f"{rel}: no rendered Alloy workload")
            continue
        for w in release:
            spec = pod_spec(w)
            refs = [v["configMap"]["name"] for v in spec.get("volumes") or [] if v.get("name") == "config" and "configMap" in v]
            if len(refs) != 1:
                problems.append(f"{w['_file']}: {w['kind']}/{name(w)} mounts no `config` ConfigMap")
                continue
            # The vCluster side's ConfigMap comes from vcluster/alloy/ and lives inside the vCluster.
            in_vcluster = [o for o in r.kustomized if o["_file"].endswith("vcluster__alloy.yaml")]
            pool = in_vcluster if side == "vcluster" else [o for o in r.objects if o not in in_vcluster]
            cms = [
                o
                for o in pool
                if o["kind"] == "ConfigMap" and name(o) == refs[0] and namespace(o) == namespace(w)
            ]
            checked += 1
            if len(cms) != 1:
                problems.append(f"{w['_file']}: {w['kind']}/{name(w)} reads ConfigMap {refs[0]}, found {len(cms)} of that name")
                continue
            data = config_data(cms[0])
            if data.get("config.alloy") != text:
                problems.append(
                    f"ConfigMap {refs[0]} ({cms[0]['_file']}) does not hold exactly {rel}: "
                    "the text Alloy runs differs from the generated, checked file"
                )
    return problems, f"{checked} Alloy workload(s) read exactly their generated config.alloy"


# --- rbac -------------------------------------------------------------------------


def needs(text):
    """(apiGroup, resource, verb) the pipeline's components call."""
    out = set()
    for role in re.findall(r'role\s*=\s*"(\w+)"', text):
        resource = {"pod": "pods", "node": "nodes", "service": "services", "endpoints": "endpoints",
                    "endpointslice": "endpointslices", "ingress": "ingresses"}.get(role)
        if resource:
            group = {"endpointslices": "discovery.k8s.io", "ingresses": "networking.k8s.io"}.get(resource, "")
            out.add((group, resource, "list"))
            out.add((group, resource, "watch"))
    if "/proxy/" in text:
        out.add(("", "nodes/proxy", "get"))
    if "loki.source.kubernetes " in text or 'loki.source.kubernetes "' in text:
        out.add(("", "pods/log", "get"))
    if "loki.source.kubernetes_events" in text:
        out.add(("", "events", "list"))
        out.add(("", "events", "watch"))
    return out


def grants(rules, group, resource, verb):
    for rule in rules or []:
        if (group in rule.get("apiGroups", []) or "*" in rule.get("apiGroups", [])) and (
            resource in rule.get("resources", []) or "*" in rule.get("resources", [])
        ) and (verb in rule.get("verbs", []) or "*" in rule.get("verbs", [])):
            return True
    return False


def rbac(r):
    problems, checked = [], 0
    for path in r.alloy_files():
        rel = os.path.relpath(path, r.generated)
        file = "release-vcluster-alloy.yaml" if rel.startswith("vcluster/") else "release-alloy.yaml"
        objs = [o for o in r.releases if o["_file"] == file]
        workloads = [o for o in objs if o["kind"] in ("DaemonSet", "Deployment", "StatefulSet")]
        if not workloads:
            continue
        sa = pod_spec(workloads[0]).get("serviceAccountName", "default")
        rules = []
        for b in [o for o in objs if o["kind"] in ("ClusterRoleBinding", "RoleBinding")]:
            if any(s.get("kind") == "ServiceAccount" and s.get("name") == sa for s in b.get("subjects") or []):
                role = next((o for o in objs if o["kind"] == b["roleRef"]["kind"] and name(o) == b["roleRef"]["name"]), None)
                if role:
                    rules += role.get("rules") or []
        with open(path) as f:
            wanted = needs(f.read())
        for group, resource, verb in sorted(wanted):
            checked += 1
            if not grants(rules, group, resource, verb):
                problems.append(
                    f"{rel}: the pipeline needs `{verb}` on {resource or '?'}"
                    f"{' (' + group + ')' if group else ''}, which service account {sa} is not granted"
                )
    return problems, f"{checked} permission(s) the pipelines use are granted"


# --- double-scrape ----------------------------------------------------------------


def double_scrape(r):
    problems, checked = [], 0
    path = os.path.join(r.generated, "alloy/config.alloy")
    alloy = open(path).read() if os.path.exists(path) else ""
    alloy_paths = set(re.findall(r"/api/v1/nodes/\$1/proxy(/metrics[a-z/]*)", alloy))
    for sm in r.of_kind("ServiceMonitor"):
        for ep in sm["spec"].get("endpoints") or []:
            if ep.get("port") != "https-metrics" and "kubelet" not in name(sm):
                continue
            checked += 1
            p = ep.get("path", "/metrics")
            if p in alloy_paths:
                problems.append(
                    f"ServiceMonitor {namespace(sm)}/{name(sm)} scrapes the kubelet's {p}, which "
                    "alloy/config.alloy also scrapes: every series would be stored twice"
                )
    return problems, f"{checked} kubelet endpoint(s) against Alloy's {len(alloy_paths)} node scrape(s)"


# --- env-duplicates / object-size -----------------------------------------------------------


def env_duplicates(r):
    problems, checked = [], 0
    for w in r.of_kind(*POD_KINDS):
        for c in containers(pod_spec(w)):
            checked += 1
            names = [e["name"] for e in c.get("env") or []]
            for dup in sorted({n for n in names if names.count(n) > 1}):
                problems.append(f"{w['_file']}: {w['kind']}/{name(w)} container {c['name']} sets env {dup} twice")
    return problems, f"{checked} container(s) without duplicate env vars"


def object_size(r):
    problems = []
    objs = r.of_kind("ConfigMap", "Secret")
    for o in objs:
        size = sum(len(k) + len(str(v).encode()) for k, v in {**(o.get("data") or {}), **(o.get("binaryData") or {}), **(o.get("stringData") or {})}.items())
        if size > MIB:
            problems.append(f"{o['_file']}: {o['kind']} {namespace(o)}/{name(o)} holds {size} bytes, over the 1 MiB limit")
    return problems, f"{len(objs)} ConfigMap(s)/Secret(s) under 1 MiB"


# --- pdb-selects ---------------------------------------------------------------------------


def selects(selector, labels):
    """Whether a LabelSelector matches `labels` (matchLabels and matchExpressions)."""
    if not selector:
        return False
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for e in selector.get("matchExpressions") or []:
        key, op, values = e["key"], e["operator"], e.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def pod_labels(w):
    """The labels a workload's pods carry."""
    if w["kind"] == "Pod":
        return w["metadata"].get("labels") or {}
    spec = w.get("spec") or {}
    if w["kind"] == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}


def operator_workloads(r):
    """The StatefulSets the Prometheus Operator makes for rendered Prometheus and Alertmanager
    objects: replicas, the pod labels the operator sets, and the scheduling fields it copies."""
    out = []
    for cr in r.of_kind("Prometheus", "Alertmanager"):
        spec = cr.get("spec") or {}
        kind = cr["kind"].lower()
        labels = {
            "app.kubernetes.io/name": kind,
            "app.kubernetes.io/instance": name(cr),
            "app.kubernetes.io/managed-by": "prometheus-operator",
            kind: name(cr),
        }
        if kind == "prometheus":
            labels.update({"operator.prometheus.io/name": name(cr), "operator.prometheus.io/shard": "0"})
        labels.update(((spec.get("podMetadata") or {}).get("labels")) or {})
        out.append({
            "kind": "StatefulSet",
            "_file": cr["_file"],
            "_operator": True,
            "metadata": {"name": f"{kind}-{name(cr)}", "namespace": namespace(cr)},
            "spec": {
                "replicas": spec.get("replicas", 1),
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {k: spec[k] for k in ("affinity", "topologySpreadConstraints") if k in spec},
                },
            },
        })
    return out


def running_workloads(r):
    """Workloads with pods: rendered ones with replicas, and the operator's."""
    return [
        w for w in r.of_kind(*POD_KINDS) + operator_workloads(r)
        if w["kind"] in ("DaemonSet", "Pod", "Job", "CronJob") or (w.get("spec") or {}).get("replicas", 1) != 0
    ]


def pdb_selects(r):
    problems = []
    pdbs = r.of_kind("PodDisruptionBudget")
    workloads = running_workloads(r)
    for pdb in pdbs:
        selector = (pdb.get("spec") or {}).get("selector")
        matched = [
            w for w in workloads
            if namespace(w) == namespace(pdb)
            and selects(selector, pod_labels(w))
        ]
        if not matched:
            problems.append(
                f"{pdb['_file']}: PodDisruptionBudget {namespace(pdb)}/{name(pdb)} selects no pods of any "
                f"workload with replicas in its namespace (selector {selector})"
            )
    return problems, f"{len(pdbs)} PodDisruptionBudget(s) select running pods"


# --- replicated-guards ----------------------------------------------------------------------

SPREAD_KEYS = ("kubernetes.io/hostname", "topology.kubernetes.io/zone")


def spreads(spec, labels):
    """How the pod spec keeps its own pods apart (a description), or None."""
    for c in spec.get("topologySpreadConstraints") or []:
        if c.get("topologyKey") in SPREAD_KEYS and selects(c.get("labelSelector"), labels):
            return f"spread by {c['topologyKey']}"
    anti = (spec.get("affinity") or {}).get("podAntiAffinity") or {}
    terms = list(anti.get("requiredDuringSchedulingIgnoredDuringExecution") or [])
    terms += [t.get("podAffinityTerm") or {} for t in anti.get("preferredDuringSchedulingIgnoredDuringExecution") or []]
    for t in terms:
        if t.get("topologyKey") in SPREAD_KEYS and selects(t.get("labelSelector"), labels):
            return f"anti-affinity by {t['topologyKey']}"
    return None


def replicated_guards(r):
    problems, checked = [], 0
    pdbs = r.of_kind("PodDisruptionBudget")
    for w in running_workloads(r):
        if w["kind"] not in ("Deployment", "StatefulSet") or (w.get("spec") or {}).get("replicas", 1) < 2:
            continue
        checked += 1
        labels = pod_labels(w)
        what = f"{w['_file']}: {w['kind']} {namespace(w)}/{name(w)} ({w['spec']['replicas']} replicas"
        what += ", made by the Prometheus Operator)" if w.get("_operator") else ")"
        if not any(namespace(p) == namespace(w) and selects((p.get("spec") or {}).get("selector"), labels) for p in pdbs):
            problems.append(f"{what} has no PodDisruptionBudget selecting its pods: a drain may evict every replica at once")
        if spreads(pod_spec(w), labels) is None:
            problems.append(
                f"{what} has no topology spread constraint or pod anti-affinity by hostname or zone that "
                "selects its own pods: every replica may land on one node"
            )
    return problems, f"{checked} replicated workload(s) have a PodDisruptionBudget and a spread"


CHECKS = {
    "writable-paths": writable_paths,
    "claims": claims,
    "daemonset-tolerations": daemonset_tolerations,
    "service-refs": service_refs,
    "alloy-configmap": alloy_configmap,
    "rbac": rbac,
    "double-scrape": double_scrape,
    "env-duplicates": env_duplicates,
    "object-size": object_size,
    "pdb-selects": pdb_selects,
    "replicated-guards": replicated_guards,
}


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--list":
        print("\n".join(CHECKS))
        return
    if len(sys.argv) != 3 or sys.argv[1] not in CHECKS:
        sys.exit(f"usage: invariants.py ({'|'.join(CHECKS)}) RENDERED_DIR")
    problems, summary = CHECKS[sys.argv[1]](Rendered(sys.argv[2]))
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print(summary)


if __name__ == "__main__":
    main()
