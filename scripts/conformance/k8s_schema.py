"""Strict Kubernetes schema validation of rendered manifests (kubernetes-validate).

    python k8s_schema.py validate --kubernetes-version 1.33 --crd-kinds KINDS FILE
    python k8s_schema.py coverage GENERATED_DIR

validate: every object in FILE (a `kubectl kustomize` rendering) is validated with
kubernetes-validate's strict schemas (unknown fields are errors). Objects whose
`apiVersion kind` is listed in KINDS (the output of `crd-validate --list`) are
skipped and counted: crd-validate checks them against their CRDs. Any other object
without a Kubernetes schema is an error, never a silent skip. Prints one line per
problem, then a summary line; exits 1 when something is wrong.

coverage: every YAML file under GENERATED_DIR that holds Kubernetes objects must be
listed in the `resources` of a kustomization.yaml, or no validator would see it.
"""

import argparse
import collections
import os
import sys

import yaml
import kubernetes_validate.utils as kv


def describe(obj):
    meta = obj.get("metadata") or {}
    ns = meta.get("namespace")
    name = meta.get("name", "<no name>")
    return f"{obj.get('kind')}/{ns}/{name}" if ns else f"{obj.get('kind')}/{name}"


def counts(counter):
    total = sum(counter.values())
    if not total:
        return "0"
    return f"{total} (" + ", ".join(f"{k}×{n}" for k, n in sorted(counter.items())) + ")"


def validate(args):
    crd_kinds = set()
    with open(args.crd_kinds) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                crd_kinds.add((parts[0], parts[1]))
    if not crd_kinds:
        print(f"{args.crd_kinds}: no CRD kinds listed")
        return 2
    with open(args.file) as f:
        objects = [o for o in yaml.safe_load_all(f) if o is not None]
    valid, skipped = collections.Counter(), collections.Counter()
    failed = 0
    for obj in objects:
        if not isinstance(obj, dict) or "apiVersion" not in obj or "kind" not in obj:
            print(f"{args.file}: a document is not a Kubernetes object")
            failed += 1
            continue
        kind = obj["kind"]
        if (obj["apiVersion"], kind) in crd_kinds:
            skipped[kind] += 1
            continue
        try:
            kv.validate(obj, args.kubernetes_version, strict=True)
            valid[kind] += 1
        except kv.ValidationError as e:
            path = ".".join(str(p) for p in e.path) or "(root)"
            print(f"{args.file}: {describe(obj)}: {path}: {e.message}")
            failed += 1
        except kv.SchemaNotFoundError as e:
            print(f"{args.file}: {describe(obj)}: {e.message}, and no CRD in the conformance data serves it")
            failed += 1
        except kv.VersionNotSupportedError:
            print(f"kubernetes-validate does not support Kubernetes {args.kubernetes_version}")
            return 2
    print(
        f"{counts(valid)} objects valid against Kubernetes {args.kubernetes_version} (strict), "
        f"{failed} invalid; CRD objects left to crd-schema: {counts(skipped)}"
    )
    return 1 if failed else 0


def coverage(args):
    listed = set()
    object_files = []
    for root, _dirs, files in os.walk(args.dir):
        for name in files:
            path = os.path.normpath(os.path.join(root, name))
            if not name.endswith((".yaml", ".yml")):
                continue
            with open(path) as f:
                docs = [d for d in yaml.safe_load_all(f) if isinstance(d, dict)]
            if name == "kustomization.yaml":
                for res in docs[0].get("resources", []) if docs else []:
                    listed.add(os.path.normpath(os.path.join(root, res)))
            elif any("apiVersion" in d and "kind" in d for d in docs):
                object_files.append(path)
    unlisted = sorted(set(object_files) - listed)
    for path in unlisted:
        print(f"{path}: holds Kubernetes objects but no kustomization.yaml lists it")
    print(f"{len(object_files) - len(unlisted)} of {len(object_files)} object files listed in a kustomization")
    return 1 if unlisted else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate")
    v.add_argument("--kubernetes-version", required=True)
    v.add_argument("--crd-kinds", required=True)
    v.add_argument("file")
    c = sub.add_parser("coverage")
    c.add_argument("dir")
    args = parser.parse_args()
    return validate(args) if args.command == "validate" else coverage(args)


if __name__ == "__main__":
    sys.exit(main())
