#!/usr/bin/env bash
# Runs the whole test suite N times and counts failures per test, to catch flaky tests.
#   tools/flaky_runs.sh 10           # ten runs on a quiet machine
#   tools/flaky_runs.sh 5 --busy     # five runs while a parallel release build loads the machine
# The test binaries are built once first; each run is `cargo test --no-fail-fast`, as in CI.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
busy=${2:-}
logs=$(mktemp -d)
cargo test --no-fail-fast --no-run >/dev/null 2>&1 || { echo "build failed"; exit 2; }
load_pid=
if [ "$busy" = "--busy" ]; then
    # A release build in a separate target dir, restarted whenever it ends: the machine stays
    # busy for every run.
    ( while [ ! -e "$logs/stop" ]; do
        CARGO_TARGET_DIR="$logs/load-target" cargo build --release -j 2 >/dev/null 2>&1
        rm -rf "$logs/load-target"
      done ) &
    load_pid=$!
fi
for i in $(seq 1 "$runs"); do
    cargo test --no-fail-fast >"$logs/run$i.log" 2>&1
    summary=$(grep -E '^test result: ' "$logs/run$i.log" | awk '{p += $4; f += $6} END {print p " passed, " f " failed"}')
    echo "run $i: $summary"
done
if [ -n "$load_pid" ]; then
    touch "$logs/stop"
    pkill -f "$logs/load-target" 2>/dev/null
    wait "$load_pid" 2>/dev/null
    rm -rf "$logs/load-target"
fi
echo "failures per test over $runs runs:"
cat "$logs"/run*.log | grep -E '^test .* \.\.\. FAILED$' | sed -E 's/^test (.*) \.\.\. FAILED$/\1/' | sort | uniq -c | sort -rn
echo "logs in $logs"
