"""bootstrap.py DIR: the apply order of a generated profile works on an empty cluster.

An object whose CRD a chart installs (monitoring.coreos.com) must not be applied
before that chart is installed, or the apply fails with "no matches for kind":
- the root kustomization.yaml (applied first, by hand or by the Flux entry point)
  holds none of them;
- with Flux (flux/sync.yaml): every nested kustomization directory is the path of a
  Flux Kustomization the root applies, and the one applying such objects dependsOn a
  health-checked (wait or healthChecks) Kustomization that applies the
  kube-prometheus-stack HelmRelease; every dependsOn names a Kustomization the root applies;
- with helmfile: README.md runs `kubectl apply -k .` before `helmfile sync`, and
  `kubectl apply -k <dir>` of every directory holding such objects after it.

Directories under vcluster/ are applied inside each vCluster's host namespace and
are left out. Prints one line per problem and exits 1, or a summary and exits 0.
"""

import os
import sys

import yaml

CHART_CRD_GROUPS = ("monitoring.coreos.com/",)
CRD_CHART = "kube-prometheus-stack"


def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if isinstance(d, dict)]


def objects(directory):
    """(file, object) for every object the kustomization in DIRECTORY applies."""
    kustomization = load(os.path.join(directory, "kustomization.yaml"))[0]
    out = []
    for resource in kustomization.get("resources", []):
        path = os.path.normpath(os.path.join(directory, resource))
        if os.path.isdir(path):
            out += objects(path)
        else:
            out += [(path, o) for o in load(path)]
    return out


def needs_chart_crd(obj):
    return str(obj.get("apiVersion", "")).startswith(CHART_CRD_GROUPS)


def describe(path, obj):
    return f"{path}: {obj.get('kind')} {obj.get('metadata', {}).get('name')}"


def installs_crd_chart(obj):
    if obj.get("kind") != "HelmRelease":
        return False
    spec = obj.get("spec", {})
    chart = spec.get("chart", {}).get("spec", {}).get("chart")
    chart_ref = spec.get("chartRef", {}).get("name")
    return CRD_CHART in (chart, chart_ref)


def nested_dirs(directory):
    out = []
    for root, _dirs, files in os.walk(directory):
        rel = os.path.relpath(root, directory)
        if "kustomization.yaml" in files and rel != "." and not rel.startswith("vcluster"):
            out.append(rel)
    return sorted(out)


def check_flux(directory, root, problems):
    sync = load(os.path.join(directory, "flux", "sync.yaml"))[0]
    base = os.path.normpath(sync["spec"]["path"])
    flux_kustomizations = {
        o["metadata"]["name"]: o
        for _, o in root
        if o.get("kind") == "Kustomization" and str(o.get("apiVersion", "")).startswith("kustomize.toolkit.fluxcd.io/")
    }
    for name, ks in flux_kustomizations.items():
        for dep in ks["spec"].get("dependsOn", []):
            if dep["name"] not in flux_kustomizations:
                problems.append(f"Flux Kustomization {name}: dependsOn {dep['name']}, which the root does not apply")
    applied = {}
    for name, ks in flux_kustomizations.items():
        rel = os.path.relpath(os.path.normpath(ks["spec"]["path"]), base)
        if rel == ".":
            continue
        if rel.startswith(".."):
            problems.append(f"Flux Kustomization {name}: path {ks['spec']['path']} is outside {base}")
            continue
        if not os.path.exists(os.path.join(directory, rel, "kustomization.yaml")):
            problems.append(f"Flux Kustomization {name}: {rel}/kustomization.yaml does not exist")
            continue
        applied[name] = (rel, objects(os.path.join(directory, rel)))
    applied_dirs = {rel for rel, _ in applied.values()}
    for rel in nested_dirs(directory):
        if rel not in applied_dirs:
            problems.append(f"{directory}/{rel}/kustomization.yaml: no Flux Kustomization applies it")
    providers = {
        name
        for name, (_, objs) in applied.items()
        if any(installs_crd_chart(o) for _, o in objs)
        and (flux_kustomizations[name]["spec"].get("wait") or flux_kustomizations[name]["spec"].get("healthChecks"))
    }
    for name, (rel, objs) in applied.items():
        crd_objects = [describe(p, o) for p, o in objs if needs_chart_crd(o)]
        if not crd_objects:
            continue
        depends = {d["name"] for d in flux_kustomizations[name]["spec"].get("dependsOn", [])}
        if not depends & providers:
            problems.append(
                f"Flux Kustomization {name} applies {crd_objects[0]} (and {len(crd_objects) - 1} more) "
                f"without dependsOn a health-checked Kustomization installing {CRD_CHART}"
            )
    return len(applied)


def check_helmfile(directory, problems):
    with open(os.path.join(directory, "README.md")) as f:
        readme = f.read()
    root_at = readme.find("kubectl apply -k .")
    sync_at = readme.find("helmfile sync")
    if root_at < 0 or sync_at < 0 or root_at > sync_at:
        problems.append(f"{directory}/README.md: `kubectl apply -k .` must come before `helmfile sync`")
    for rel in nested_dirs(directory):
        if not any(needs_chart_crd(o) for _, o in objects(os.path.join(directory, rel))):
            continue
        at = readme.find(f"kubectl apply -k {rel}")
        if at < 0 or at < sync_at:
            problems.append(f"{directory}/README.md: `kubectl apply -k {rel}` must come after `helmfile sync`")


def main(directory):
    problems = []
    root = objects(directory)
    for path, obj in root:
        if needs_chart_crd(obj):
            problems.append(
                f"{describe(path, obj)}: in the root kustomization, applied before the chart that installs its CRD"
            )
    if os.path.exists(os.path.join(directory, "flux", "sync.yaml")):
        parts = check_flux(directory, root, problems)
        summary = f"flux: root plus {parts} Kustomization(s) in a working order"
    else:
        check_helmfile(directory, problems)
        summary = "helmfile: README applies plain objects, charts, then CRD objects"
    for p in problems:
        print(p)
    if problems:
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__.splitlines()[0], file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
