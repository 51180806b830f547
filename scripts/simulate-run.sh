#!/usr/bin/env bash
# A simulate-mode trading run end to end: `sokbo serve` against the built-in simulator at a high headline
# rate for MINUTES (default 10), with exits shortened by a rules file (take-profit 2 %, stop-loss 1 %,
# trailing 1 % from +1 %, max hold 1 minute); then entries halted, everything flattened, and the run checked:
#   - every position exited (GET /api/positions empty within 3 minutes of the flatten),
#   - no oversell: per stock, shares sold <= shares bought (filled quantities of /api/orders), and every
#     bought share sold (sold == bought: nothing left at the venue unmanaged),
#   - /api/trades' gross P&L equals the orders' fill arithmetic (sells' value - buys' value), and its net
#     P&L equals that minus commission on both sides and tax on sells at TradingCosts' default rates
#     (0.015 %, 0.20 %), computed per order; the engine rounds per fill, so each fill may differ by < 1 won
#     and the net check allows one won per filled order.
#
#   swift build --product sokbo && scripts/simulate-run.sh 10
#
# Environment (optional): SOKBO_BIN (default .build/debug/sokbo), SIM_NEWS_RATE (headlines/s, default 5),
# SIM_KEEP (keep the data dir and server log). Exit status 0 when every check holds.
set -uo pipefail

MINUTES=${1:-10}
BIN=${SOKBO_BIN:-.build/debug/sokbo}
RATE=${SIM_NEWS_RATE:-5}
TOKEN=simulate-run
log() { echo "simulate-run: $*" >&2; }

for tool in curl jq; do
    command -v "$tool" >/dev/null 2>&1 || { log "$tool is missing (apt-get install -y $tool)"; exit 1; }
done
[[ -x "$BIN" ]] || { log "$BIN not found: swift build --product sokbo"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sokbo-simulate-run.XXXXXX")
cat > "$WORK/rules.yaml" <<'EOF'
rules:
  - name: supply-contract
    any: [공급계약, 단일판매]
    veto: [취소, 철회, 정정, 해지, 해제, 불성실]
    budget: 1000000
    order: marketable-limit
    max-rise-percent: 30
    entry-timeout: 20
    stop-loss-percent: 1
    trail-percent: 1
    trail-activation-percent: 1
    take-profit-percent: 2
    max-hold-minutes: 1
  - name: buyback
    any: [자기주식 취득, 자사주 취득, 자사주 매입, 무상증자]
    veto: [취소, 철회, 정정, 처분, 해지]
    budget: 500000
    order: marketable-limit
    max-rise-percent: 30
    entry-timeout: 20
    roi: {0: 1.5, 1: -1}
EOF
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The default risk limits (20 orders a day, one buy per stock, 5 minutes' cooldown) would stop entries within
# the first minutes of a high-rate run: raised here so the whole run trades (the limits stay checked).
SOKBO_MODE=simulate SOKBO_DATA_DIR="$WORK/data" SOKBO_API_TOKEN=$TOKEN SOKBO_RULES_FILE="$WORK/rules.yaml" \
    SOKBO_SIMULATOR_NEWS_PER_SECOND=$RATE SWIFT_BACKTRACE=enable=no \
    SOKBO_MAX_ORDERS_PER_DAY=100000 SOKBO_BUYS_PER_TICKER_PER_DAY=1000 SOKBO_COOLDOWN_SECONDS=0 \
    SOKBO_DAILY_BUDGET=${SIM_DAILY_BUDGET:-1000000000} \
    "$BIN" serve --port "$PORT" > "$WORK/server.log" 2>&1 &
PID=$!
cleanup() {
    kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null
    if [[ -n "${SIM_KEEP:-}" ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM
api() { curl -sf -H "Authorization: Bearer $TOKEN" "$@"; }
URL=http://127.0.0.1:$PORT

for _ in $(seq 120); do curl -sf "$URL/health" >/dev/null && break; sleep 1; done
curl -sf "$URL/health" >/dev/null || { log "sokbo did not start"; exit 1; }
log "running ${MINUTES} min at ${RATE} headlines/s (port $PORT)"
END=$((SECONDS + MINUTES * 60))
while ((SECONDS < END)); do
    sleep 30
    api "$URL/api/positions" | jq -r --arg t "$SECONDS" '"t=\($t)s open positions: \(.items | length)"' >&2
done

api -X POST "$URL/api/trading/halt" >/dev/null
api -X POST "$URL/api/trading/flatten" >/dev/null
OPEN=-1
for _ in $(seq 180); do
    OPEN=$(api "$URL/api/positions" | jq '.items | length')
    ((OPEN == 0)) && break
    sleep 1
done
sleep 2  # the last trades' rows are flushed from the buffer within a second
api "$URL/api/orders?limit=1000" > "$WORK/orders.json"
api "$URL/api/trades?limit=1000" > "$WORK/trades.json"

python3 - "$WORK/orders.json" "$WORK/trades.json" "$OPEN" <<'EOF'
import json, math, sys
orders = json.load(open(sys.argv[1]))["items"]
trades = json.load(open(sys.argv[2]))["items"]
still_open = int(sys.argv[3])
if len(orders) >= 1000 or len(trades) >= 1000:
    print("more than 1,000 orders or trades: the API pages at 1,000; run fewer minutes or a lower SIM_NEWS_RATE")
    sys.exit(1)
commission, tax = 0.015 / 100, 0.20 / 100
bought, sold, value = {}, {}, {"buy": 0.0, "sell": 0.0}
fees = 0
filled_orders = 0
for o in orders:
    q = o.get("filledQuantity") or 0
    if q == 0:
        continue
    filled_orders += 1
    v = q * (o.get("averageFillPrice") or 0)
    side = o["side"]
    (bought if side == "buy" else sold)[o["ticker"]] = (bought if side == "buy" else sold).get(o["ticker"], 0) + q
    value[side] += v
    fees += math.floor(v * commission) + (math.floor(v * tax) if side == "sell" else 0)
oversold = {t: (sold[t], bought.get(t, 0)) for t in sold if sold[t] > bought.get(t, 0)}
unsold = {t: (bought[t], sold.get(t, 0)) for t in bought if bought[t] > sold.get(t, 0)}
gross = round(value["sell"] - value["buy"])
net = gross - fees
t_gross = sum(t["grossPnL"] for t in trades)
t_net = sum(t["netPnL"] for t in trades)
reasons = {}
for t in trades:
    reasons[t["exitReason"]] = reasons.get(t["exitReason"], 0) + 1
print(f"orders filled: {filled_orders} (buys {sum(1 for o in orders if o['side']=='buy' and o.get('filledQuantity'))}, "
      f"sells {sum(1 for o in orders if o['side']=='sell' and o.get('filledQuantity'))}); trades: {len(trades)}; exit reasons: {reasons}")
print(f"open positions after flatten: {still_open}")
print(f"oversold stocks: {len(oversold)} {oversold if oversold else ''}")
print(f"stocks with bought shares never sold: {len(unsold)} {unsold if unsold else ''}")
print(f"gross P&L: trades {t_gross} won, fills {gross} won (difference {t_gross - gross})")
print(f"net P&L:   trades {t_net} won, fills {net} won (difference {t_net - net}, allowed ±{filled_orders})")
ok = still_open == 0 and not oversold and not unsold and abs(t_gross - gross) <= 1 and abs(t_net - net) <= filled_orders
print("result:", "PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
EOF
