#!/usr/bin/env bash
# Peak heap of `o11yc alloy check` (parse + check) per byte of source, for 10,000 generated
# scrape targets and the Alloy corpus concatenated. A report for the README, not a timed test.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo bench -q -p o11yc-alloy --bench memory
