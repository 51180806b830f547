#!/usr/bin/env bash
# HTTP load on a running `sokbo serve`: GET /health and GET /api/status with wrk, first with the simulator's
# default trickle of news (0.5/s), then with the simulator streaming BENCH_NEWS_RATE news per second.
#
#   swift build -c release --product sokbo && scripts/bench-http.sh
#
# Environment (all optional):
#   SOKBO_BIN        the server binary                   (default .build/release/sokbo)
#   BENCH_DURATION   seconds per wrk run                 (default 15)
#   BENCH_CONFIGS    wrk threads:connections pairs        (default "2:32 1:16")
#   BENCH_NEWS_RATE  simulated news per second            (default 2000)
#   BENCH_ROUNDS     idle/news rounds, interleaved          (default 3)
#   BENCH_OUT        keep wrk's raw output and the server logs in this directory (default: a temp dir, removed)
#
# Prints Markdown table rows: case | requests/s | p50 | p99 | non-2xx | news accepted/s during the run, one
# set per round, then per case the median over the rounds and the median of the per-round p99 ratios
# (news / idle). Why rounds: on a shared 2-core machine other work comes and goes over minutes; an idle
# run and a news run next to each other see similar background load, so their ratio is the stable figure.
# Each server gets a fresh temp data dir (SQLite) and SOKBO_API_TOKEN=bench; the server is always stopped,
# also on Ctrl-C or error. wrk and the server share the machine's cores: the figures are for comparing
# rows of one run (idle vs. under the news stream), not absolute capacity.
set -uo pipefail

BIN=${SOKBO_BIN:-.build/release/sokbo}
DURATION=${BENCH_DURATION:-15}
CONFIGS=${BENCH_CONFIGS:-"2:32 1:16"}
NEWS_RATE=${BENCH_NEWS_RATE:-2000}
ROUNDS=${BENCH_ROUNDS:-3}
TOKEN=bench

log() { echo "bench-http: $*" >&2; }

for tool in wrk curl jq; do
    command -v "$tool" >/dev/null 2>&1 || { log "$tool is missing (apt-get install -y $tool)"; exit 1; }
done
[[ -x "$BIN" ]] || { log "$BIN not found: swift build -c release --product sokbo"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sokbo-bench-http.XXXXXX")
OUT=${BENCH_OUT:-$WORK/out}
mkdir -p "$OUT"
SERVER_PID=""
CHILD_PID=""

stop_server() {
    [[ -n "$SERVER_PID" ]] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 1 150); do
        kill -0 "$SERVER_PID" 2>/dev/null || { SERVER_PID=""; return 0; }
        sleep 0.1
    done
    log "server $SERVER_PID did not stop within 15 s; killing it"
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
}

# in_background CMD…: runs CMD and waits for it. Why: bash runs a trap only after a foreground command
# returns, so a TERM or INT sent to this script alone would wait out a 15 s wrk run; `wait` is
# interrupted at once, and cleanup stops the child.
in_background() {
    "$@" &
    CHILD_PID=$!
    wait "$CHILD_PID"
    local status=$?
    CHILD_PID=""
    return "$status"
}

cleanup() {
    local status=$?
    [[ -n "$CHILD_PID" ]] && kill -TERM "$CHILD_PID" 2>/dev/null
    stop_server
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_server NAME [VAR=value…]: starts sokbo with a fresh data dir on a free port; waits for /health.
start_server() {
    local name=$1
    shift
    PORT=$(free_port) || { log "no free port"; exit 1; }
    local data="$WORK/data-$name"
    mkdir -p "$data"
    env SOKBO_DATA_DIR="$data" SOKBO_API_TOKEN="$TOKEN" SOKBO_HTTP_HOST=127.0.0.1 LOG_LEVEL=warning "$@" \
        "$BIN" serve --port "$PORT" >"$OUT/server-$name.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        if curl -fsS --max-time 1 "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then
            log "server $name (pid $SERVER_PID) on 127.0.0.1:$PORT"
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || { log "server $name exited; see its log:"; tail -n 20 "$OUT/server-$name.log" >&2; exit 1; }
        sleep 0.1
    done
    log "server $name did not answer /health within 30 s"
    exit 1
}

status_json() {
    curl -fsS --max-time 5 -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/status"
}

frames_accepted() { status_json | jq -r '.news.framesAccepted // 0'; }

now_s() { date +%s.%N; }

# to_ms VALUE: wrk's "123.45us" / "1.23ms" / "1.02s" in milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else { printf "?" }
    }'
}

# run_wrk LABEL PATH THREADS CONNECTIONS: prints one table row and remembers the figures under
# "LABEL|ROUND" in RPS, P50 and P99.
declare -A RPS P50 P99
ROUND=0
run_wrk() {
    local label=$1 path=$2 threads=$3 conns=$4
    local file
    file="$OUT/wrk-$(printf '%s' "$label" | tr -c 'A-Za-z0-9' '_').txt"
    local before_frames before_t after_frames after_t
    before_frames=$(frames_accepted)
    before_t=$(now_s)
    in_background timeout $((DURATION + 30)) wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency \
        -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$path" >"$file" 2>&1
    after_frames=$(frames_accepted)
    after_t=$(now_s)
    local rps p50 p99 non2xx news_rate
    rps=$(awk '/^Requests\/sec:/ { printf "%d", $2 }' "$file")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$file")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$file")")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$file")
    news_rate=$(awk -v a="$before_frames" -v b="$after_frames" -v s="$before_t" -v e="$after_t" 'BEGIN { printf "%.0f", (b - a) / (e - s) }')
    RPS["$label|$ROUND"]=$rps
    P50["$label|$ROUND"]=$p50
    P99["$label|$ROUND"]=$p99
    echo "| $label, round $ROUND (wrk -t$threads -c$conns -d${DURATION}s) | $rps | $p50 ms | $p99 ms | ${non2xx:-0} | $news_rate |"
}

# measure PHASE: a short warm-up, then every endpoint in every configuration.
measure() {
    local phase=$1
    in_background timeout 30 wrk -t1 -c4 -d2s "http://127.0.0.1:$PORT/health" >/dev/null 2>&1
    for config in $CONFIGS; do
        local t=${config%%:*} c=${config##*:}
        run_wrk "GET /health, $phase, t$t c$c" /health "$t" "$c"
        run_wrk "GET /api/status, $phase, t$t c$c" /api/status "$t" "$c"
    done
}

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| case | requests/s | p50 | p99 | non-2xx | news accepted/s |"
echo "|---|---|---|---|---|---|"

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for ROUND in $(seq 1 "$ROUNDS"); do
    start_server "idle-$ROUND"
    measure "idle"
    stop_server

    start_server "news-$ROUND" SOKBO_SIMULATOR_NEWS_PER_SECOND="$NEWS_RATE"
    # Wait for the stream to arrive, then measure its rate without HTTP load for 5 s.
    for _ in $(seq 1 300); do
        [[ "$(frames_accepted)" -gt 0 ]] && break
        sleep 0.1
    done
    a=$(frames_accepted); s=$(now_s)
    in_background sleep 5
    b=$(frames_accepted); e=$(now_s)
    echo "| news stream alone, no HTTP load (5 s), round $ROUND | | | | | $(awk -v a="$a" -v b="$b" -v s="$s" -v e="$e" 'BEGIN { printf "%.0f", (b - a) / (e - s) }') |"
    measure "news ${NEWS_RATE}/s"
    status_json | jq -c '{news: {state: .news.state, framesAccepted: .news.framesAccepted, duplicatesDropped: .news.duplicatesDropped, framesRejected: .news.framesRejected, reconnects: .news.reconnects}, buffer: .buffer, flush: .flush}' >"$OUT/status-news-$ROUND.json"
    stop_server
done

echo
echo "Medians over $ROUNDS rounds; ratio = median of the per-round p99 ratios (news / idle):"
echo
echo "| case | requests/s | p50 | p99 | p99 ratio news/idle (per round) |"
echo "|---|---|---|---|---|"
for config in $CONFIGS; do
    t=${config%%:*} c=${config##*:}
    for endpoint in "GET /health" "GET /api/status"; do
        for phase in "idle" "news ${NEWS_RATE}/s"; do
            label="$endpoint, $phase, t$t c$c"
            rps="" p50="" p99="" ratios="" list=""
            for r in $(seq 1 "$ROUNDS"); do
                rps+=" ${RPS["$label|$r"]}"; p50+=" ${P50["$label|$r"]}"; p99+=" ${P99["$label|$r"]}"
                idle=${P99["$endpoint, idle, t$t c$c|$r"]}
                news=${P99["$endpoint, news ${NEWS_RATE}/s, t$t c$c|$r"]}
                ratio=$(awk -v a="$idle" -v b="$news" 'BEGIN { printf "%.2f", b / a }')
                ratios+=" $ratio"; list+="${list:+, }$ratio"
            done
            cell=""
            [[ "$phase" != "idle" ]] && cell="$(echo "$ratios" | median)× ($list)"
            echo "| $label (wrk -t$t -c$c -d${DURATION}s) | $(echo "$rps" | median | awk '{ printf "%d", $1 }') | $(echo "$p50" | median) ms | $(echo "$p99" | median) ms | $cell |"
        done
    done
done
echo
echo "status at the end of the last news phase: $(cat "$OUT/status-news-$ROUNDS.json")"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
