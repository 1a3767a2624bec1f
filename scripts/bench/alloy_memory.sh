#!/usr/bin/env bash
# Peak heap of `o11yc alloy check` (parse + check) per byte of source, for 10,000 generated
# scrape targets and the Alloy corpus concatenated. A report for the README, not a timed test.
set -euo pipefail
cd "$(dirname "$0")/../.."
# O11YC_MEMORY_DETAIL=1 also prints the tree size and the parse peak.
cargo bench -q -p o11yc-alloy --bench memory
