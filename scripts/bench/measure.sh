#!/usr/bin/env bash
# Measures o11yc against the file-system floor, side by side on this machine (see README "Performance").
#
#   scripts/bench/measure.sh           # full run (a few minutes on a 2-core machine)
#   scripts/bench/measure.sh --smoke   # small sizes, one repetition: seconds; checks the script works
#
# Every figure is the median of R interleaved runs (A, B, A, B, ...) of the release binary, so
# both sides see the same machine load; ratios, not absolute times, are what to compare.
#   1. `build --all` of the shipped profiles into an empty OUT      vs `cp -r` of that tree
#      `build --all` when OUT is already up to date                   vs the same `cp -r`
#   2. `check --all` (up to date)                                     vs reading every file (`cat`)
#   3. per dimension (monitors, rules, targets, custom_lines) and size: a first build of the
#      generated profile vs `cp -r` of its tree
#   4. 4,000 vs 1,000 Alloy targets (goal: at most 4.4x, i.e. linear)
#   5. peak RSS of `build` at 10,000 targets (/usr/bin/time -v; goal: under 150 MB)
# Not a test: nothing fails on a slow figure. Writes only under a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/../.."

SMOKE=0
[[ "${1:-}" == "--smoke" ]] && SMOKE=1
if ((SMOKE)); then
    R=1; SIZES=(10 100); LINEAR=(100 400); RSS_AT=1000
else
    R=${BENCH_RUNS:-9}; SIZES=(10 100 1000 10000); LINEAR=(1000 4000); RSS_AT=10000
fi

cargo build --release --quiet --bin o11yc --example scaled_profile
BIN=$PWD/target/release/o11yc
GEN=$PWD/target/release/examples/scaled_profile
W=$(mktemp -d "${TMPDIR:-/tmp}/o11yc-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

# Runs a command, showing its output only when it fails.
quiet() { local log; log=$("$@" 2>&1) || { printf '%s\n' "$log" >&2; return 1; }; }
# Milliseconds since the epoch, without forking.
now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0 ? "%.2f" : "n/a"), (b > 0 ? a / b : 0)}'; }

# side_by_side LABEL SETUP_A CMD_A SETUP_B CMD_B: medians of A and B (ms) and A/B.
side_by_side() {
    local label=$1 setup_a=$2 cmd_a=$3 setup_b=$4 cmd_b=$5 a=() b=() t i
    for ((i = 0; i < R; i++)); do
        eval "$setup_a"; t=$(now_ms); eval "$cmd_a" >/dev/null 2>&1; a+=($(($(now_ms) - t)))
        eval "$setup_b"; t=$(now_ms); eval "$cmd_b" >/dev/null 2>&1; b+=($(($(now_ms) - t)))
    done
    local ma mb
    ma=$(median "${a[@]}"); mb=$(median "${b[@]}")
    printf '%-44s %8s ms %8s ms %7sx\n' "$label" "$ma" "$mb" "$(ratio "$ma" "$mb")"
    LAST_MS=$ma
}

printf '%-44s %11s %11s %8s\n' "what (median of $R)" "o11yc" "floor" "ratio"

# 1 and 2: the shipped profiles.
quiet "$BIN" build --all --out "$W/ref"
side_by_side "build --all, empty OUT vs cp -r" \
    'rm -rf "$W/out"' '"$BIN" build --all --out "$W/out"' \
    'rm -rf "$W/cp"' 'cp -r "$W/ref" "$W/cp"'
side_by_side "build --all, up to date vs cp -r" \
    ':' '"$BIN" build --all --out "$W/ref"' \
    'rm -rf "$W/cp"' 'cp -r "$W/ref" "$W/cp"'
side_by_side "check --all vs cat of every file" \
    ':' '"$BIN" check --all --out "$W/ref"' \
    ':' 'find "$W/ref" -type f -exec cat {} + >/dev/null'

# 3: one generated profile per dimension and size.
for dim in monitors rules targets custom_lines; do
    for n in "${SIZES[@]}"; do
        P="$W/profiles-$dim-$n"
        mkdir -p "$P"
        "$GEN" "$dim" "$n" >"$P/bench.yaml"
        quiet "$BIN" build --all --profiles "$P" --out "$W/sref"
        side_by_side "$dim $n: build vs cp -r" \
            'rm -rf "$W/sout"' '"$BIN" build --all --profiles "$P" --out "$W/sout"' \
            'rm -rf "$W/scp"' 'cp -r "$W/sref" "$W/scp"'
        rm -rf "$W/sref" "$W/sout" "$W/scp"
    done
done

# 4: linearity in Alloy targets.
declare -A T
for n in "${LINEAR[@]}"; do
    P="$W/linear-$n"
    mkdir -p "$P"
    "$GEN" targets "$n" >"$P/bench.yaml"
    side_by_side "targets $n: build vs cp -r" \
        'rm -rf "$W/lout"' '"$BIN" build --all --profiles "$P" --out "$W/lout"' \
        'rm -rf "$W/lcp"; quiet "$BIN" build --all --profiles "$P" --out "$W/lref"' 'cp -r "$W/lref" "$W/lcp"'
    T[$n]=$LAST_MS
    rm -rf "$W/lout" "$W/lcp" "$W/lref"
done
echo "targets ${LINEAR[1]} vs ${LINEAR[0]}: $(ratio "${T[${LINEAR[1]}]}" "${T[${LINEAR[0]}]}")x (goal: at most 4.4x)"

# 5: peak memory.
P="$W/rss"
mkdir -p "$P"
"$GEN" targets "$RSS_AT" >"$P/bench.yaml"
KB=$(/usr/bin/time -v "$BIN" build --all --profiles "$P" --out "$W/rout" 2>&1 >/dev/null |
    awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}')
echo "peak RSS, build at $RSS_AT targets: $((KB / 1024)) MB (goal: under 150 MB)"
