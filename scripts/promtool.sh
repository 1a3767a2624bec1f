#!/usr/bin/env bash
# Checks every generated PrometheusRule with Prometheus' own tooling:
#   - `promtool check rules` on the `spec` of each generated/<profile>/monitoring/rules/<group>.yaml;
#   - `promtool test rules` on every tests/promtool/<profile>/<group>.test.yaml, which
#     names `<group>.yaml` (the extracted spec, copied next to it) in `rule_files`.
# Extracted files go to target/promtool/<profile>/. One line per checked file;
# exits non-zero on any failure. Installs Debian's `prometheus` package, pinned to
# PROMETHEUS_DEB (apt verifies it against Debian's signed package lists), when
# `promtool` is missing, and refuses a promtool of another version.
set -euo pipefail
cd "$(dirname "$0")/.."

PROMETHEUS_DEB=2.42.0+ds-5+deb12u1
PROMTOOL_VERSION=${PROMETHEUS_DEB%%+*}

if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found; installing Debian's prometheus package" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  # Keep the package's service from starting (no init system in containers/CI).
  policy_rc=/usr/sbin/policy-rc.d
  created_policy=0
  if [ ! -e "$policy_rc" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy_rc" >/dev/null
    $sudo chmod +x "$policy_rc"
    created_policy=1
  fi
  remove_policy() { if [ "$created_policy" -eq 1 ]; then $sudo rm -f "$policy_rc"; fi; }
  trap remove_policy EXIT
  $sudo apt-get update -qq >&2
  $sudo env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "prometheus=$PROMETHEUS_DEB" >&2
  remove_policy
  trap - EXIT
fi
if ! promtool --version 2>&1 | grep -q "version $PROMTOOL_VERSION"; then
  echo "promtool $PROMTOOL_VERSION expected (Debian prometheus=$PROMETHEUS_DEB), found: $(promtool --version 2>&1 | head -n 1)" >&2
  exit 1
fi

out=target/promtool
rm -rf "$out"
mkdir -p "$out"
failed=0
checked=0

# The `spec` of a PrometheusRule written by o11yc: everything below the top-level
# `spec:` key, de-indented (o11yc writes `spec` last, indented by two spaces).
extract_spec() {
  awk 'found { sub(/^  /, ""); print; next } /^spec:/ { found = 1 }' "$1"
}

shopt -s nullglob
for file in generated/*/monitoring/rules/*.yaml; do
  profile=$(basename "$(dirname "$(dirname "$(dirname "$file")")")")
  mkdir -p "$out/$profile"
  target="$out/$profile/$(basename "$file")"
  extract_spec "$file" >"$target"
  checked=$((checked + 1))
  if log=$(promtool check rules "$target" 2>&1); then
    echo "ok    promtool check rules $file"
  else
    echo "FAIL  promtool check rules $file"
    printf '%s\n' "$log" | sed 's/^/      /'
    failed=1
  fi
done

for test in tests/promtool/*/*.test.yaml; do
  profile=$(basename "$(dirname "$test")")
  mkdir -p "$out/$profile"
  cp "$test" "$out/$profile/"
  checked=$((checked + 1))
  if log=$(cd "$out/$profile" && promtool test rules "$(basename "$test")" 2>&1); then
    echo "ok    promtool test rules $test"
  else
    echo "FAIL  promtool test rules $test"
    printf '%s\n' "$log" | sed 's/^/      /'
    failed=1
  fi
done

if [ "$checked" -eq 0 ]; then
  echo "no PrometheusRule found under generated/*/monitoring/rules/" >&2
  exit 1
fi
exit "$failed"
