#!/usr/bin/env bash
# Runs the whole Swift suite several times while a busy loop loads every core, and reports each failure.
# What a developer's or a user's busy machine does to a suite: a test whose premise depends on scheduling
# (a sleep standing in for an event) fails here long before it fails in CI.
#
#   scripts/stress-tests.sh [RUNS=5] [extra swift test args…]
#
# Builds once (unloaded), then for each run starts one `yes > /dev/null` per core, runs the suite beside a
# throwaway MariaDB (scripts/with-mariadb.sh), stops the load, and records the failed tests. Prints one
# line per run and a summary; exits non-zero when any run failed. A failed run's log is kept (its path is
# printed); STRESS_KEEP_LOGS=1 keeps a passed run's log too (to read what a green run prints).
set -uo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"; shift || true
export SWIFT_BACKTRACE=enable=no
swift build --build-tests --traits MySQL >/dev/null || { echo "stress-tests: build failed" >&2; exit 1; }
cores="$(nproc)"
failed_runs=0
summary=()
for ((run = 1; run <= runs; run++)); do
    burners=()
    for ((c = 0; c < cores; c++)); do yes >/dev/null & burners+=($!); done
    log="$(mktemp "${TMPDIR:-/tmp}/sokbo-stress.XXXXXX.log")"
    start=$(date +%s)
    scripts/with-mariadb.sh scripts/watch-tests.sh 1800 \
        swift test --disable-xctest --traits MySQL --skip-build "$@" >"$log" 2>&1
    rc=$?
    kill "${burners[@]}" 2>/dev/null; wait "${burners[@]}" 2>/dev/null
    took=$(( $(date +%s) - start ))
    failures="$(grep -aoE '✘ Test [^ ]+\) ' "$log" | awk '{print $3}' | sort -u | tr '\n' ' ')"
    closing="$(grep -aE 'Test run with [0-9]+ tests' "$log" | tail -1 | sed 's/^.*Test run/Test run/')"
    if [[ $rc -ne 0 ]]; then
        failed_runs=$((failed_runs + 1))
        line="run $run: FAILED (exit $rc, ${took} s) ${failures:-see $log}"
    else
        line="run $run: passed (${took} s) ${closing}"
        [[ "${STRESS_KEEP_LOGS:-0}" == 1 ]] && line+=" (log: $log)" || rm -f "$log"
    fi
    echo "$line"
    summary+=("$line")
done
echo "== stress-tests: $((runs - failed_runs)) of $runs runs passed with $cores busy loops on $cores cores"
printf '%s\n' "${summary[@]}"
[[ $failed_runs -eq 0 ]]
