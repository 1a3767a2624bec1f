"""Small YAML edits for scripts/mutation.sh.

    python yamledit.py set FILE KIND NAME PATH JSON   set PATH (dotted, list indices as numbers)
                                                      of the object KIND/NAME to the JSON value
    python yamledit.py edit FILE KIND NAME STATEMENT  run the Python STATEMENT with `o` bound to the
                                                      object KIND/NAME (for edits `set` cannot express)
    python yamledit.py rules FILE OUT                 write the `spec` of every PrometheusRule in
                                                      FILE as one Prometheus rule file (for promtool)

`set` fails when the object or the parent of PATH does not exist, so a mutation
that no longer applies is noticed instead of silently testing nothing.
"""

import json
import sys

import yaml


def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def set_path(file, kind, name, path, value):
    docs = load(file)
    targets = [d for d in docs if d.get("kind") == kind and (d.get("metadata") or {}).get("name") == name]
    if len(targets) != 1:
        sys.exit(f"{file}: expected one {kind}/{name}, found {len(targets)}")
    node = targets[0]
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    for key in keys[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            sys.exit(f"{file}: {kind}/{name} has no {path}")
    node[keys[-1]] = json.loads(value)
    with open(file, "w") as f:
        yaml.safe_dump_all(docs, f, sort_keys=False)


def edit(file, kind, name, statement):
    docs = load(file)
    targets = [d for d in docs if d.get("kind") == kind and (d.get("metadata") or {}).get("name") == name]
    if len(targets) != 1:
        sys.exit(f"{file}: expected one {kind}/{name}, found {len(targets)}")
    before = json.dumps(targets[0], sort_keys=True)
    exec(statement, {"o": targets[0]})
    if json.dumps(targets[0], sort_keys=True) == before:
        sys.exit(f"{file}: {kind}/{name}: the edit changed nothing")
    with open(file, "w") as f:
        yaml.safe_dump_all(docs, f, sort_keys=False)


def rules(file, out):
    groups = []
    for doc in load(file):
        if doc.get("kind") == "PrometheusRule":
            groups.extend((doc.get("spec") or {}).get("groups") or [])
    if not groups:
        sys.exit(f"{file}: no PrometheusRule groups")
    with open(out, "w") as f:
        yaml.safe_dump({"groups": groups}, f, sort_keys=False)


def main():
    if len(sys.argv) == 7 and sys.argv[1] == "set":
        set_path(*sys.argv[2:])
    elif len(sys.argv) == 6 and sys.argv[1] == "edit":
        edit(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "rules":
        rules(*sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
