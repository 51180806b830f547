#!/usr/bin/env bash
# Fuzzes the HTTP API from its own OpenAPI document with schemathesis, against a real `sokbo serve` in
# simulate mode on a free loopback port. Every answer must be what the document says: no 5xx, a documented
# status code, the documented content type, headers and JSON schema; a method a path lacks answers 405
# with `Allow`; a request without the token is refused. The server must still be alive after.
#
# Checks: schemathesis' `all` except the two data-acceptance checks (`negative_data_rejection`,
# `positive_data_acceptance`): they judge whether generated input *should* be refused from the schema
# alone, while our routes refuse schema-valid values on business grounds (an unknown stock, an off-grid
# price, a risk limit) and accept some values a schema cannot express.
#
# Bounded: FUZZ_MAX_EXAMPLES cases per operation (default 20) and FUZZ_MAX_TIME seconds for the whole run
# (default 150). Extra arguments go to `swift build`. Exits non-zero on any failure; the server is always
# stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no

MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-20}"
MAX_TIME="${FUZZ_MAX_TIME:-150}"

# schemathesis 4.x (its CLI differs from 3.x); installed quietly only when missing.
if ! python3 -c 'import schemathesis, sys; sys.exit(0 if schemathesis.__version__.startswith("4.") else 1)' 2>/dev/null; then
    echo "fuzz-api: installing schemathesis 4.x"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "schemathesis>=4,<5"
fi
# Run through the interpreter, so a fresh install works without a shell rehash.
schemathesis() { python3 -c 'import sys; from schemathesis.cli import schemathesis as cli; sys.argv[0] = "schemathesis"; cli()' "$@"; }

WORK="$(mktemp -d)"
# Extra arguments go to `swift build` (e.g. `--traits MySQL`, to reuse scripts/test.sh's build).
if ! swift build --product sokbo "$@" >"$WORK/build.log" 2>&1; then
    echo "fuzz-api: build failed" >&2; tail -n 40 "$WORK/build.log" >&2; rm -rf "$WORK"; exit 1
fi
BIN="$(swift build --product sokbo --show-bin-path "$@")/sokbo"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
TOKEN="fuzz-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
SERVER_PID=""

stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap stop_server EXIT

SOKBO_DATA_DIR="$WORK/data" SOKBO_API_TOKEN="$TOKEN" SOKBO_MODE=simulate \
    "$BIN" serve --host 127.0.0.1 --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 1 300); do
    if curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "fuzz-api: sokbo exited during start-up:" >&2; tail -n 40 "$WORK/server.log" >&2; exit 1
    fi
    sleep 0.1
done
curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null || { echo "fuzz-api: /health never answered" >&2; exit 1; }

# /api/events is an endless stream: a fuzzer request to it would only time out. One worker: two threads
# tripped a CPython 3.11 compiler race inside schemathesis ("AST constructor recursion depth mismatch").
# Run from the scratch folder: schemathesis keeps a `.schemathesis/` cache in its working directory.
status=0
cd "$WORK"
schemathesis run "http://127.0.0.1:$PORT/openapi.json" \
    --header "Authorization: Bearer $TOKEN" \
    --checks all \
    --exclude-checks negative_data_rejection,positive_data_acceptance \
    --exclude-path /api/events \
    --max-examples "$MAX_EXAMPLES" \
    --max-time "$MAX_TIME" \
    --request-timeout 20 \
    --workers 1 \
    --generation-database none \
    --no-color \
    --report-dir "$WORK/report" || status=$?

if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "fuzz-api: FAILED: sokbo died during the run:" >&2; tail -n 60 "$WORK/server.log" >&2; exit 1
fi
if ! curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null; then
    echo "fuzz-api: FAILED: sokbo stopped answering /health" >&2; exit 1
fi
if grep -E "Fatal error|unhandled error" "$WORK/server.log" >&2; then
    echo "fuzz-api: FAILED: the server log shows unhandled errors (above)" >&2; exit 1
fi
if [ "$status" -ne 0 ]; then
    echo "fuzz-api: FAILED: schemathesis found problems (exit $status)" >&2; exit "$status"
fi
echo "fuzz-api: passed (every answer conforms to the document, server alive)"
