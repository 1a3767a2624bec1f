"""The Helm releases of one generated profile directory, for scripts/render.sh.

    python releases.py PROFILE_DIR VALUES_DIR

Prints one line per release: `name<TAB>namespace<TAB>chart<TAB>version<TAB>values file<TAB>origin`,
after writing each release's values to VALUES_DIR/<name>.values.yaml. Releases come from
`helmfile.yaml` (with its values files), from every HelmRelease found anywhere under
PROFILE_DIR (inline values; an OCIRepository `chartRef` gives the chart name and tag), and
from `vcluster/alloy/values.yaml` (the Alloy inside each vCluster, installed with the stack's
Alloy chart version into `monitoring`, as the generated README says).
"""

import os
import sys

import yaml


def load_all(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if isinstance(d, dict)]


def yaml_files(root):
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            if name.endswith((".yaml", ".yml")):
                yield os.path.join(dirpath, name)


def releases(profile):
    out = []
    helmfile = os.path.join(profile, "helmfile.yaml")
    alloy_version = None
    if os.path.exists(helmfile):
        for r in load_all(helmfile)[0].get("releases", []):
            values = {}
            for file in r.get("values", []):
                for doc in load_all(os.path.join(profile, file)):
                    values.update(doc)
            chart = r["chart"].rsplit("/", 1)[-1]
            out.append((r["name"], r["namespace"], chart, r["version"], values, "helmfile.yaml"))
    docs = [(f, d) for f in sorted(yaml_files(profile)) for d in load_all(f)]
    oci = {
        (d["metadata"].get("namespace"), d["metadata"]["name"]): d
        for _, d in docs
        if d.get("kind") == "OCIRepository"
    }
    for file, d in docs:
        if d.get("kind") != "HelmRelease":
            continue
        spec = d["spec"]
        meta = d["metadata"]
        if "chartRef" in spec:
            ref = spec["chartRef"]
            repo = oci[(ref.get("namespace", meta.get("namespace")), ref["name"])]
            chart = repo["spec"]["url"].rstrip("/").rsplit("/", 1)[-1]
            version = repo["spec"]["ref"]["tag"]
        else:
            chart = spec["chart"]["spec"]["chart"]
            version = spec["chart"]["spec"]["version"]
        name = spec.get("releaseName", meta["name"])
        namespace = spec.get("targetNamespace", meta.get("namespace", "default"))
        out.append((name, namespace, chart, version, spec.get("values") or {}, os.path.relpath(file, profile)))
    for name, _, chart, version, _, _ in out:
        if chart == "alloy":
            alloy_version = version
    vc_values = os.path.join(profile, "vcluster", "alloy", "values.yaml")
    if os.path.exists(vc_values):
        if alloy_version is None:
            sys.exit(f"{vc_values}: no Alloy release in the profile gives the chart version")
        values = load_all(vc_values)[0]
        out.append(("alloy", "monitoring", "alloy", alloy_version, values, "vcluster/alloy/values.yaml"))
    return out


def main():
    profile, values_dir = sys.argv[1], sys.argv[2]
    os.makedirs(values_dir, exist_ok=True)
    for name, namespace, chart, version, values, origin in releases(profile):
        key = "vcluster-alloy" if origin.startswith("vcluster/") else name
        path = os.path.join(values_dir, f"{key}.values.yaml")
        with open(path, "w") as f:
            yaml.safe_dump(values, f, sort_keys=False)
        print("\t".join([name, namespace, chart, str(version), path, origin]))


if __name__ == "__main__":
    main()
