#!/usr/bin/env bash
# Randomised repeated faults on two nodes sharing one MariaDB and one simulator, while they trade:
#
#   scripts/ha-chaos.sh 20            # 20 rounds, a random seed (printed)
#   HA_CHAOS_SEED=42 scripts/ha-chaos.sh 20
#   HA_CHAOS_FAULTS=pause scripts/ha-chaos.sh 6   # only the faults named (kill, stop, pause)
#
# Each round: kill -9 of the active, SIGSTOP of a random 1-12 s, or a freeze between an order's fenced commit and
# its send (SOKBO_FAULT_PAUSE_AFTER_FENCE_MS, 4-30 s). Checks the invariants over the whole run (at most one send
# per order id, one holder per epoch, no send after the next epoch was won, no R10001 to a newer active) and
# prints failover p50/p99. Runs HAProcessFaultTests.randomFaultsWhileTrading; not part of scripts/test.sh
# (a round takes 20-60 s). Builds first (debug, --traits MySQL).
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
export HA_CHAOS_ROUNDS="${1:-10}"
swift build --build-tests --traits MySQL
scripts/with-mariadb.sh swift test --disable-xctest --traits MySQL --skip-build --filter 'HAProcessFaultTests/randomFaultsWhileTrading'
