#!/usr/bin/env bash
# Runs a `swift test` command with a deadline, its output line-buffered (so a CI log is complete up to
# the last line printed, not cut at a 4 KiB buffer), and names what was still running if it hangs.
#
#   scripts/watch-tests.sh SECONDS swift test --skip-build …
#
# On the deadline: prints the tests that started and never finished, stops the test process and exits 124.
# Otherwise exits with the command's own status.
set -uo pipefail
limit="$1"; shift
log="$(mktemp "${TMPDIR:-/tmp}/sokbo-tests.XXXXXX.log")"
if command -v stdbuf >/dev/null 2>&1; then stdbuf -oL -eL "$@" >"$log" 2>&1 & else "$@" >"$log" 2>&1 & fi
pid=$!
tail -n +1 -f --pid="$pid" "$log" &
tailer=$!
start=$(date +%s)
status=""
while kill -0 "$pid" 2>/dev/null; do
    sleep 2
    if (( $(date +%s) - start > limit )); then
        sleep 1
        echo "watch-tests: still running after ${limit} s; tests started and not finished:"
        comm -23 <(grep -aoE '◇ Test [^ ]+ started' "$log" | awk '{print $3}' | sort -u) \
                 <(grep -aoE '[✔✘] Test [^ ]+ .*(passed|failed)' "$log" | awk '{print $3}' | sort -u) | sed 's/^/    /'
        pkill -TERM -P "$pid" 2>/dev/null; kill -TERM "$pid" 2>/dev/null
        sleep 5
        pkill -KILL -P "$pid" 2>/dev/null; kill -KILL "$pid" 2>/dev/null
        status=124
        break
    fi
done
wait "$pid"; rc=$?
wait "$tailer" 2>/dev/null
rm -f "$log"
exit "${status:-$rc}"
