#!/usr/bin/env bash
# The dashboard in a real browser: headless Chromium from Debian's packages, driven by Playwright for
# Python from PyPI, against `sokbo serve` in simulate mode on a free loopback port with a throwaway token.
# Both are installed when missing (quietly; a second run installs nothing): Chromium with apt, Playwright
# into a venv under .build/dashboard-venv. Playwright's own browser download is never used: the test
# launches the system Chromium through `executable_path`.
#
# Screenshots of each view go to .build/dashboard-artifacts/ (and the server log, on failure).
# Extra arguments go to `swift build` (e.g. `--traits MySQL`, to reuse scripts/test.sh's build).
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no

ARTIFACTS="$PWD/.build/dashboard-artifacts"
VENV="$PWD/.build/dashboard-venv"
mkdir -p "$ARTIFACTS"

# Chromium: Debian's package (its binary is /usr/bin/chromium).
# A Korean font (fonts-nanum, 10 MB) so the screenshots show Hangul rather than empty boxes.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
[ -n "$(fc-list :lang=ko 2>/dev/null)" ] || missing+=(fonts-nanum)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "dashboard-test: installing ${missing[*]} (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian wrapper /usr/bin/chromium adds flags of its own; Playwright drives the binary itself.
CHROMIUM=/usr/lib/chromium/chromium
[ -x "$CHROMIUM" ] || CHROMIUM="$(command -v chromium)"
# Playwright for Python, in a venv of our own so the system's Python stays as it is.
if ! "$VENV/bin/python" -c 'import playwright' 2>/dev/null; then
    echo "dashboard-test: installing playwright (PyPI) into $VENV"
    rm -rf "$VENV"
    # Debian's own python3 needs python3-venv for this (ensurepip); a python3 from elsewhere has it.
    if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        rm -rf "$VENV"
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "playwright>=1.40,<2"
fi

WORK="$(mktemp -d)"
if ! swift build --product sokbo "$@" >"$WORK/build.log" 2>&1; then
    echo "dashboard-test: build failed" >&2; tail -n 40 "$WORK/build.log" >&2; rm -rf "$WORK"; exit 1
fi
BIN="$(swift build --product sokbo --show-bin-path "$@")/sokbo"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
TOKEN="dash-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
SERVER_PID=""

stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    cp "$WORK/server.log" "$ARTIFACTS/server.log" 2>/dev/null || true
    rm -rf "$WORK"
}
trap stop_server EXIT

# A rule the simulator's headlines match often (its contract, buy-back and bonus-issue templates), and
# limits loose enough that a few minutes of them keep ordering: the test needs orders, not risk control.
# Market orders: the simulated headline lifts its stock (a news impulse), so a marketable limit priced from
# the book a moment earlier may rest and time out; the browser test needs the order's fill to follow.
cat >"$WORK/rules.yaml" <<'YAML'
rules:
  - name: "dash-test"
    any: ["체결", "결정"]
    veto: ["정정", "취소", "철회", "해지"]
    budget: 200000
    order: market
YAML

SOKBO_DATA_DIR="$WORK/data" SOKBO_API_TOKEN="$TOKEN" SOKBO_MODE=simulate \
SOKBO_SIMULATOR_NEWS_PER_SECOND=3 SOKBO_RULES_FILE="$WORK/rules.yaml" \
SOKBO_COOLDOWN_SECONDS=0 SOKBO_BUYS_PER_TICKER_PER_DAY=1000 SOKBO_MAX_ORDERS_PER_DAY=100000 \
SOKBO_DAILY_BUDGET=100000000000 \
    "$BIN" serve --host 127.0.0.1 --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 1 300); do
    if curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "dashboard-test: sokbo exited during start-up:" >&2; tail -n 40 "$WORK/server.log" >&2; exit 1
    fi
    sleep 0.1
done

PYTHONDONTWRITEBYTECODE=1 SOKBO_URL="http://127.0.0.1:$PORT" SOKBO_TOKEN="$TOKEN" CHROMIUM="$CHROMIUM" ARTIFACTS="$ARTIFACTS" \
    "$VENV/bin/python" scripts/dashboard_test.py
